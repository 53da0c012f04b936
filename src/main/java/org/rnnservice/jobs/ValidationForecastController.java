package org.rnnservice.jobs;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.rnnservice.datasets.DatasetService;
import org.rnnservice.datasets.NaiveForecasts;
import org.rnnservice.engine.model.Sequential;
import org.rnnservice.engine.train.Samples;
import org.rnnservice.errors.ServiceException;
import org.rnnservice.models.ModelCatalog;
import org.rnnservice.models.ModelRecord;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * What a forecaster plots after a series job: over its validation range, the truth, the model's forecast of the first
 * step after each window (by the version the job made) and the naive forecasts, at the series rows they are for.
 */
@RestController
@RequestMapping("/api/v1/jobs")
@Tag(name = "jobs")
public class ValidationForecastController {

    /** Windows plotted at most: the last ones of the range. */
    static final int MAX_POINTS = 2000;

    private final JobService jobs;
    private final ModelCatalog models;
    private final DatasetService datasets;

    public ValidationForecastController(JobService jobs, ModelCatalog models, DatasetService datasets) {
        this.jobs = jobs;
        this.models = models;
        this.datasets = datasets;
    }

    @Operation(operationId = "getValidationForecast", summary = "A finished series job's validation range: truth,"
            + " the model's forecast and the naive forecasts of the first step after each window (the last "
            + MAX_POINTS + " windows at most)")
    @GetMapping("/{id}/validation-forecast")
    public Map<String, Object> validationForecast(@PathVariable String id) throws IOException {
        JobRecord job = jobs.get(id);
        if (job.state() != JobState.SUCCEEDED || job.modelVersion() == null) {
            throw ServiceException.conflict("job " + id + " is " + job.state() + "; its forecast is plotted once it"
                    + " has SUCCEEDED");
        }
        if (job.baseline() == null) {
            throw ServiceException.unprocessable("id", "job " + id + " did not validate on a series: give a CSV"
                    + " series and validation (or validation_split) to compare forecasts");
        }
        Samples validationData = job.validationData() == null ? null
                : datasets.samples(datasets.get(job.validationData()), false);
        DataSplit split = DataSplit.of(job, datasets.samples(datasets.get(job.datasetId()), false), validationData,
                FitSettings.of(job));
        Samples samples = split.validationSource();
        int n = split.validationTo();
        int from = Math.max(split.validationFrom(), n - MAX_POINTS);
        NaiveForecasts.Comparison compared = datasets.comparison(samples, from, n, job.seasonality());
        ModelRecord record = models.record(job.modelId());
        Sequential model = models.load(record, job.modelVersion());
        int count = n - from;
        int[] order = new int[count];
        for (int i = 0; i < count; i++) {
            order[i] = from + i;
        }
        float[] x = new float[count * samples.steps() * samples.features()];
        samples.inputs(order, 0, count, x);
        float[] y;
        synchronized (model) { // a loaded model serves one caller at a time
            y = model.predict(x, count, samples.steps(), 256);
        }
        int width = y.length / count;
        // the first target of the first step; of a model returning sequences, its last step's
        int at = model.outputShape().sequence() ? width - model.outputShape().features() : 0;
        float[] forecast = new float[count];
        for (int i = 0; i < count; i++) {
            forecast[i] = y[i * width + at];
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("target", compared.target());
        out.put("model_version", job.modelVersion());
        out.put("rows", compared.rows());
        out.put("truth", compared.truth());
        out.put("forecast", forecast);
        out.putAll(compared.naive());
        return out;
    }
}
