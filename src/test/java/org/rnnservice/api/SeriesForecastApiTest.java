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

        // adapted on the training windows only (0..237: rows 0..248), not on the validation range
        double sum = 0;
        for (int w = 0; w < 238; w++) {
            for (int t = 0; t < 12; t++) {
                sum += values.get(w + t);
            }
        }
        JsonNode weights = http.get("/api/v1/models/" + id + "/weights").json().get("weights");
        assertEquals("normalization/mean", weights.get(0).get("name").asString());
        assertEquals(sum / (238 * 12), weights.get(0).get("values").get(0).asDouble(), 1e-3);

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

    @Test
    void aMultiStepModelForecastsItsHorizonInOnePassAndRollsOutPastIt() throws Exception {
        StringBuilder csv = new StringBuilder("a,b\n");
        for (int i = 0; i < 200; i++) {
            csv.append(Math.sin(i * 0.3)).append(',').append(Math.cos(i * 0.3)).append('\n');
        }
        Http.Response upload = http.post("/api/v1/datasets?sequence_length=8&targets=a,b&horizon=3", "text/csv",
                csv.toString());
        assertEquals(201, upload.status(), upload.body());
        assertEquals("[190,3,2]", upload.json().get("y_shape").toString()); // windows 0..189: the last ends at 199
        Map<String, Object> model = model(shape(8, 2), List.of(layer("LSTM", "units", 16), layer("Dense", "units", 6),
                layer("Reshape", "target_shape", List.of(3, 2))), "mse");
        String id = createModel(model);
        assertEquals("[null,3,2]", http.get("/api/v1/models/" + id).json().get("summary").get("layers").get(2)
                .get("output_shape").toString());
        Map<String, Object> job = new LinkedHashMap<>(Map.of("model_id", id, "dataset_id",
                upload.json().get("id").asString(), "epochs", 30, "batch_size", 16, "seed", 1,
                "validation", Map.of("last", 20), "test", Map.of("from", 180)));
        JsonNode done = http.awaitJob(http.post("/api/v1/jobs", job).json().get("id").asString(),
                Duration.ofSeconds(120));
        assertEquals("SUCCEEDED", done.get("state").asString(), done.toString());
        // test: windows 180..189 (from 180), evaluated once; validation: the 20 before them
        JsonNode tested = done.get("test_metrics");
        assertTrue(tested.has("test_loss") && tested.has("test_mae") && tested.has("test_rmse"), done.toString());
        JsonNode naive = done.get("baseline").get("last_value");
        assertTrue(naive.has("val_mae") && naive.has("test_mae"), done.get("baseline").toString());
        JsonNode plotted = http.get("/api/v1/jobs/" + done.get("id").asString() + "/validation-forecast").json();
        assertEquals(20, plotted.get("rows").size());
        // validation windows 160..179 forecast rows 168..187 first: window i reads rows i..i+7
        assertEquals(168, plotted.get("rows").get(0).asInt());
        assertEquals(187, plotted.get("rows").get(19).asInt());
        List<Double> loss = new ArrayList<>();
        done.get("history").get("loss").forEach(v -> loss.add(v.asDouble()));
        assertTrue(loss.get(loss.size() - 1) < loss.get(0) / 4, loss.toString());

        List<List<Double>> history = new ArrayList<>();
        for (int i = 192; i < 200; i++) {
            history.add(List.of(Math.sin(i * 0.3), Math.cos(i * 0.3)));
        }
        JsonNode three = http.post("/api/v1/models/" + id + "/forecast", Map.of("history", history, "horizon", 3))
                .json();
        JsonNode five = http.post("/api/v1/models/" + id + "/forecast", Map.of("history", history, "horizon", 5))
                .json();
        assertEquals(3, three.get("forecast").size());
        assertEquals(5, five.get("forecast").size());
        // the first 3 steps come from one pass either way; the next 2 from a second pass on the window moved on
        for (int h = 0; h < 3; h++) {
            assertEquals(three.get("forecast").get(h), five.get("forecast").get(h));
        }
        for (int h = 0; h < 5; h++) {
            double truth = Math.sin((200 + h) * 0.3);
            assertEquals(truth, five.get("forecast").get(h).get(0).asDouble(), 0.35, five.toString());
        }
    }

    @Test
    void aSeriesGivenAsJsonColumnsIsWindowedAsTheSameCsvIs() {
        Map<String, Object> body = Map.of("name", "by-columns", "columns", new LinkedHashMap<>(Map.of(
                "load", List.of(1, 2, 3, 4, 5, 6), "demand", List.of(10, 20, 30, 40, 50, 60))));
        Http.Response json = http.post("/api/v1/datasets?sequence_length=3&targets=demand&features=load,demand",
                body);
        assertEquals(201, json.status(), json.body());
        Http.Response csv = http.post("/api/v1/datasets?sequence_length=3&targets=demand&features=load,demand",
                "text/csv", "load,demand\n1,10\n2,20\n3,30\n4,40\n5,50\n6,60\n");
        for (String key : List.of("samples", "x_shape", "y_shape", "windowing", "window")) {
            assertEquals(csv.json().get(key), json.json().get(key), key);
        }
        assertEquals("by-columns", json.json().get("name").asString());
        Map<String, Object> columns = new LinkedHashMap<>();
        columns.put("a", List.of(1, 2, 3));
        columns.put("b", List.of(1, 2));
        Http.Response uneven = http.post("/api/v1/datasets?sequence_length=2", Map.of("columns", columns));
        assertEquals(400, uneven.status(), uneven.body());
        assertEquals("columns.b", uneven.json().get("errors").get(0).get("field").asString());
        Http.Response samplesWithWindows = http.post("/api/v1/datasets?sequence_length=2", Map.of("x",
                List.of(List.of(List.of(1))), "y", List.of(1)));
        assertEquals(400, samplesWithWindows.status(), samplesWithWindows.body());
    }

    @Test
    void seriesSettingsAreRefusedByNameWhereTheyCannotApply() {
        String model = createModel(model(shape(null, 1), List.of(layer("SimpleRNN", "units", 2),
                layer("Dense", "units", 1)), "mse"));
        String arrays = createExampleTwoData();
        Http.Response seasonal = http.post("/api/v1/jobs", Map.of("model_id", model, "dataset_id", arrays,
                "seasonality", 12));
        assertEquals(400, seasonal.status(), seasonal.body());
        assertEquals("seasonality", seasonal.json().get("errors").get(0).get("field").asString());
        Http.Response both = http.post("/api/v1/jobs", Map.of("model_id", model, "dataset_id", arrays,
                "validation", Map.of("last", 0.2), "validation_split", 0.1));
        assertEquals(400, both.status(), both.body());
        assertEquals("validation", both.json().get("errors").get(0).get("field").asString());
        Http.Response twoWays = http.post("/api/v1/jobs", Map.of("model_id", model, "dataset_id", arrays,
                "validation", Map.of("last", 0.2, "from", 80)));
        assertEquals(400, twoWays.status(), twoWays.body());
        assertEquals("validation", twoWays.json().get("errors").get(0).get("field").asString());
        Http.Response everything = http.post("/api/v1/jobs", Map.of("model_id", model, "dataset_id", arrays,
                "validation", Map.of("last", 100)));
        assertEquals(422, everything.status(), everything.body());
        assertEquals("validation.last", everything.json().get("errors").get(0).get("field").asString());
        String middle = createModel(model(shape(null, 1), List.of(layer("SimpleRNN", "units", 2),
                layer("Normalization"), layer("Dense", "units", 1)), "mse"));
        Http.Response unadapted = http.post("/api/v1/jobs", Map.of("model_id", middle, "dataset_id", arrays));
        assertEquals(422, unadapted.status(), unadapted.body());
        assertTrue(unadapted.json().get("detail").asString().contains("neither the first layer"),
                unadapted.body());
        Http.Response stride = http.post("/api/v1/datasets?sequence_length=3&sequence_stride=0", "text/csv",
                "v\n1\n2\n3\n4\n");
        assertEquals(400, stride.status(), stride.body());
        assertEquals("sequence_stride", stride.json().get("errors").get(0).get("field").asString());
    }
}
