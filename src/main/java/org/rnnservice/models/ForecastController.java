package org.rnnservice.models;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.rnnservice.engine.model.Sequential;
import org.rnnservice.errors.ServiceException;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Forecasts after a history with a model trained on a series: {@code POST /api/v1/models/{id}/forecast}. */
@RestController
@RequestMapping("/api/v1/models")
@Tag(name = "models")
public class ForecastController {

    private final ModelCatalog catalog;
    private final PredictionService predictions;

    public ForecastController(ModelCatalog catalog, PredictionService predictions) {
        this.catalog = catalog;
        this.predictions = predictions;
    }

    /** A forecast request: the last rows of the series, each the features of one step, and how many steps ahead. */
    public record ForecastRequest(
            @Schema(description = "the series so far, oldest first: one row per step, the model's features in its"
                    + " training order, in the series' own units") @NotEmpty List<@NotEmpty List<@NotNull Double>> history,
            @Schema(description = "how many steps to forecast") @NotNull @Min(1) @Max(10_000) Integer horizon) {
    }

    @Operation(operationId = "forecast", summary = "Forecast the steps after a history: a one-step model rolled out"
            + " (each prediction fed back as the next step), a multi-step one in one pass; in the targets' units")
    @PostMapping(value = "/{id}/forecast", consumes = MediaType.APPLICATION_JSON_VALUE)
    public Map<String, Object> forecast(@PathVariable String id, @RequestParam(required = false) Integer version,
                                        @Parameter(description = "an alias instead of a version")
                                        @RequestParam(required = false) String alias,
                                        @Valid @RequestBody ForecastRequest request) throws IOException {
        ModelRecord record = catalog.record(id);
        Integer asked = ModelCatalog.version(record, version, alias);
        int v = asked == null ? record.version() : asked;
        record.requireKept(v);
        ModelRecord.VersionInfo info = record.versions().stream().filter(i -> i.version() == v).findFirst()
                .orElseThrow();
        Sequential model = catalog.load(record, v);
        Forecaster.Plan plan = Forecaster.Plan.of(model, info.series());
        int features = model.inputShape().features();
        int outputs = model.outputShape().features();
        // a Reshape gives the horizon as its output's time axis; other models returning sequences forecast with
        // their last step
        boolean lastStep = model.outputShape().sequence() && !model.reshapesTime();
        int perPass = lastStep ? outputs : model.outputSize(plan.length() == null ? 1 : plan.length());
        if (perPass != plan.stepsPerPrediction() * plan.targets()) {
            throw ServiceException.unprocessable("horizon", "the model gives " + perPass + " values per window, not the"
                    + " " + plan.stepsPerPrediction() + " step(s) x " + plan.targets() + " target(s) it was trained"
                    + " on");
        }
        List<float[]> history = new ArrayList<>();
        for (int r = 0; r < request.history().size(); r++) {
            List<Double> row = request.history().get(r);
            if (row.size() != features) {
                throw ServiceException.badRequest("history[" + r + "]", "each history row holds the model's "
                        + features + " feature(s); row " + r + " holds " + row.size());
            }
            float[] values = new float[features];
            for (int f = 0; f < features; f++) {
                values[f] = row.get(f).floatValue();
                if (!Float.isFinite(values[f])) {
                    throw ServiceException.badRequest("history[" + r + "]", "history values must be finite numbers");
                }
            }
            history.add(values);
        }
        List<float[]> forecast = Forecaster.forecast(plan, history, request.horizon(), (x, steps) -> {
            float[] y = predictions.predict(record, v, x, 1, steps).data();
            return lastStep ? java.util.Arrays.copyOfRange(y, y.length - outputs, y.length) : y;
        });
        Map<String, Object> out = new LinkedHashMap<>();
        List<List<Double>> rows = new ArrayList<>();
        for (float[] step : forecast) {
            List<Double> row = new ArrayList<>();
            for (float value : step) {
                row.add(Double.parseDouble(Float.toString(value))); // the float as written, not widened
            }
            rows.add(row);
        }
        out.put("forecast", rows);
        if (plan.targetNames() != null) {
            out.put("targets", plan.targetNames());
        }
        out.put("model_version", v);
        return out;
    }
}
