package org.rnnservice.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.rnnservice.RequestBodies.layer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.rnnservice.Http;
import tools.jackson.databind.JsonNode;

/**
 * A forecaster's day on a real series (yearly sunspot numbers, 1700-2008, public domain): the CSV uploaded once and
 * windowed by the service, an LSTM between Normalization layers trained over HTTP with the last 20% of the windows
 * held out in order, judged against the naive forecasts, and a 10-year forecast in the series' own units.
 */
class SeriesForecastApiTest extends ApiTestSupport {

    private static String sunspots() throws IOException {
        try (var in = SeriesForecastApiTest.class.getResourceAsStream("/series/sunspots.csv")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static List<Double> column(String csv) {
        List<Double> out = new ArrayList<>();
        for (String line : csv.strip().split("\n")) {
            if (!line.startsWith("\"")) {
                out.add(Double.parseDouble(line.split(",")[1]));
            }
        }
        return out;
    }

    @Test
    void anLstmWithNormalizationBeatsTheLastValueAndForecastsInSunspots() throws Exception {
        String csv = sunspots();
        Http.Response upload = http.post("/api/v1/datasets?sequence_length=12&targets=SUNACTIVITY&name=sunspots",
                "text/csv", csv);
        assertEquals(201, upload.status(), upload.body());
        JsonNode ds = upload.json();
        assertEquals("[\"YEAR\",\"SUNACTIVITY\"]", ds.get("columns").toString());
        assertEquals(309 - 12, ds.get("samples").asInt()); // a window of 12 years and the next year's number

        Map<String, Object> model = model(shape(null, 1), List.of(layer("Normalization"),
                layer("LSTM", "units", 32), layer("Dense", "units", 1), layer("Normalization", "invert", true)),
                "mse");
        model.put("compile", Map.of("optimizer", Map.of("type", "adam", "learning_rate", 0.01), "loss", "mse"));
        String id = createModel(model);
        JsonNode summary = http.get("/api/v1/models/" + id).json().get("summary");
        assertEquals(3, summary.get("layers").get(0).get("params").asInt(), "mean, variance and count of 1 feature");
        assertEquals(6, summary.get("non_trainable_params").asInt(), summary.toString());

        Map<String, Object> job = new LinkedHashMap<>();
        job.put("model_id", id);
        job.put("dataset_id", ds.get("id").asString());
        job.put("epochs", 60);
        job.put("batch_size", 16);
        job.put("validation", Map.of("last", 0.2));
        job.put("seasonality", 11);
        job.put("seed", 3);
        Http.Response submitted = http.post("/api/v1/jobs", job);
        assertEquals(202, submitted.status(), submitted.body());
        JsonNode done = http.awaitJob(submitted.json().get("id").asString(), Duration.ofSeconds(240));
        assertEquals("SUCCEEDED", done.get("state").asString(), done.toString());

        // the baseline worked out here from the CSV: the last 20% of the 297 windows (59) are windows 238..296,
        // whose targets are years 250..308 and whose last inputs are the years before them
        List<Double> values = column(csv);
        double naive = 0;
        for (int row = 250; row < 309; row++) {
            naive += Math.abs(values.get(row) - values.get(row - 1));
        }
        naive /= 59;
        JsonNode lastValue = done.get("baseline").get("last_value");
        assertEquals(naive, lastValue.get("val_mae").asDouble(), 1e-4, done.get("baseline").toString());
        assertTrue(done.get("baseline").has("seasonal"), done.get("baseline").toString());

        JsonNode history = done.get("history");
        List<Double> valMae = new ArrayList<>();
        history.get("val_mae").forEach(v -> valMae.add(v.asDouble()));
        assertTrue(history.has("val_rmse") && history.has("mae") && history.has("rmse"), history.toString());
        double learnt = valMae.get(valMae.size() - 1);
        assertTrue(learnt <= 0.8 * naive, "the model's val_mae " + learnt + " must beat the last value's " + naive
                + " by 20%: " + valMae);

        List<List<Double>> recent = new ArrayList<>();
        for (double v : values.subList(values.size() - 30, values.size())) {
            recent.add(List.of(v));
        }
        Http.Response forecast = http.post("/api/v1/models/" + id + "/forecast",
                Map.of("history", recent, "horizon", 10));
        assertEquals(200, forecast.status(), forecast.body());
        JsonNode f = forecast.json().get("forecast");
        assertEquals(10, f.size());
        for (JsonNode step : f) {
            // sunspot numbers, not normalized values near 0: the inverting Normalization gives the original units
            assertTrue(step.get(0).asDouble() > 5 && step.get(0).asDouble() < 250, f.toString());
        }
        assertEquals("[\"SUNACTIVITY\"]", forecast.json().get("targets").toString());
    }
}
