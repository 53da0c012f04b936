package org.rnnservice.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.rnnservice.RequestBodies.layer;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.rnnservice.Http;

/**
 * Malformed and hostile requests over every endpoint, table-driven: each gets the right 4xx in the API's error shape
 * (problem+json, or {@code {"error"}} under the serving protocols), the service stays healthy, and nothing stored
 * changes.
 */
class BadInputSuiteTest extends ApiTestSupport {

    private record Case(String name, int status, Supplier<Http.Response> request) {
    }

    private static String json(Object value) {
        return Http.JSON.writeValueAsString(value);
    }

    private static String nested(int depth) {
        return "[".repeat(depth) + "]".repeat(depth);
    }

    private static String repeat(String item, int times) {
        return String.join(",", java.util.Collections.nCopies(times, item));
    }

    /** What the suite must leave as it found it. */
    private String snapshot(String model) {
        return http.get("/api/v1/models?size=1").json().get("total") + "/"
                + http.get("/api/v1/datasets?size=1").json().get("total") + "/"
                + http.get("/api/v1/jobs?size=1").json().get("total") + "/"
                + http.get("/api/v1/models/" + model).json().get("version") + "/"
                + http.get("/api/v1/models/" + model + "/weights").body().hashCode();
    }

    @Test
    void everyBadRequestIsRefusedClearlyAndChangesNothing() {
        String model = createModel(model(shape(null, 1), List.of(layer("SimpleRNN", "units", 3),
                layer("Dense", "units", 1)), "mse"));
        String classifier = createModel(model(shape(null, 1), List.of(layer("SimpleRNN", "units", 3),
                layer("Dense", "units", 3, "activation", "softmax")), "sparse_categorical_crossentropy"));
        String data = createSineData(10, 4);
        String labels = createDataset(Map.of("name", "labels", "x", List.of(List.of(List.of(0.1)),
                List.of(List.of(0.2)), List.of(List.of(0.3))), "y", List.of(0, 2, 5)));
        String twoFeatures = createDataset(Map.of("name", "two", "x", List.of(List.of(List.of(0.1, 0.2))),
                "y", List.of(1)));
        String wide = createModel(Map.of("input_shape", java.util.Arrays.asList(null, 1), "layers", List.of(
                layer("LSTM", "units", 2000, "kernel_initializer", "zeros", "recurrent_initializer", "zeros"),
                layer("Dense", "units", 1))));
        List<Object> longX = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
            List<Object> seq = new ArrayList<>();
            for (int t = 0; t < 1000; t++) {
                seq.add(List.of(0.0));
            }
            longX.add(seq);
        }
        String longData = createDataset(Map.of("name", "long", "x", longX, "y", java.util.Collections.nCopies(64,
                0.0)));
        String m = "/api/v1/models/" + model;
        String valid = json(model(shape(null, 1), List.of(layer("Dense", "units", 1)), "mse"));
        String before = snapshot(model);

        List<Case> cases = List.of(
                // model definitions
                new Case("not JSON", 400, () -> http.post("/api/v1/models", "application/json", "{")),
                new Case("an array, not an object", 400, () -> http.post("/api/v1/models", "[]")),
                new Case("no layers", 400, () -> http.post("/api/v1/models", "{}")),
                new Case("layers not a list", 400, () -> http.post("/api/v1/models", "{\"input_shape\": [null, 1],"
                        + " \"layers\": 3}")),
                new Case("empty layers", 400, () -> http.post("/api/v1/models", "{\"input_shape\": [null, 1],"
                        + " \"layers\": []}")),
                new Case("unknown layer type", 400, () -> http.post("/api/v1/models", json(model(shape(null, 1),
                        List.of(layer("Conv9D", "units", 1)), "mse")))),
                new Case("misspelled field", 400, () -> http.post("/api/v1/models", valid.replace("\"compile\"",
                        "\"complie\""))),
                new Case("negative units", 400, () -> http.post("/api/v1/models", json(model(shape(null, 1),
                        List.of(layer("Dense", "units", -4)), "mse")))),
                new Case("units as a string", 400, () -> http.post("/api/v1/models", json(model(shape(null, 1),
                        List.of(layer("Dense", "units", "10")), "mse")))),
                new Case("a billion units", 422, () -> http.post("/api/v1/models", json(model(shape(null, 1),
                        List.of(layer("LSTM", "units", 1_000_000_000)), "mse")))),
                new Case("10,000 layers", 422, () -> http.post("/api/v1/models", "{\"input_shape\": [1], \"layers\": ["
                        + repeat("{\"type\": \"Dense\", \"units\": 1}", 10_000) + "]}")),
                new Case("recurrent after a flat output", 400, () -> http.post("/api/v1/models", json(model(
                        shape(null, 1), List.of(layer("SimpleRNN", "units", 4), layer("LSTM", "units", 4)), "mse")))),
                new Case("no input_shape", 400, () -> http.post("/api/v1/models", "{\"layers\": [{\"type\":"
                        + " \"Dense\", \"units\": 1}]}")),
                new Case("zero in input_shape", 400, () -> http.post("/api/v1/models", json(model(shape(0, 1),
                        List.of(layer("Dense", "units", 1)), "mse")))),
                new Case("negative feature count", 400, () -> http.post("/api/v1/models", json(model(shape(null, -1),
                        List.of(layer("Dense", "units", 1)), "mse")))),
                new Case("10,000-deep JSON", 413, () -> http.post("/api/v1/models", "{\"layers\": " + nested(10_000)
                        + "}")),
                new Case("unknown activation", 400, () -> http.post("/api/v1/models", json(model(shape(null, 1),
                        List.of(layer("Dense", "units", 1, "activation", "sparkle")), "mse")))),
                new Case("dropout of 1.5", 400, () -> http.post("/api/v1/models", json(model(shape(null, 1),
                        List.of(layer("Dropout", "rate", 1.5), layer("Dense", "units", 1)), "mse")))),
                new Case("return_state", 422, () -> http.post("/api/v1/models", json(model(shape(null, 1),
                        List.of(layer("LSTM", "units", 2, "return_state", true)), "mse")))),
                new Case("unknown loss", 400, () -> http.post("/api/v1/models", json(model(shape(null, 1),
                        List.of(layer("Dense", "units", 1)), "hinge_of_doom")))),
                new Case("unknown optimizer", 400, () -> http.post("/api/v1/models", valid.replace("\"adam\"",
                        "\"adamax9\""))),
                new Case("negative learning rate", 400, () -> http.post("/api/v1/models", valid.replace("\"adam\"",
                        "{\"type\": \"adam\", \"learning_rate\": -1}"))),
                new Case("clipnorm with clipvalue", 400, () -> http.post("/api/v1/models", valid.replace("\"adam\"",
                        "{\"type\": \"sgd\", \"clipnorm\": 1, \"clipvalue\": 1}"))),
                new Case("unknown metric", 400, () -> http.post("/api/v1/models", valid.replace("\"loss\"",
                        "\"metrics\": [\"vibes\"], \"loss\""))),
                new Case("seed as text", 400, () -> http.post("/api/v1/models", valid.replace("\"seed\":42",
                        "\"seed\":\"abc\""))),
                new Case("a Functional model of two inputs", 422, () -> http.post("/api/v1/models",
                        "{\"class_name\": \"Functional\", \"config\": {\"layers\": [], \"input_layers\":"
                        + " [[\"a\", 0, 0], [\"b\", 0, 0]], \"output_layers\": [\"c\", 0, 0]}}")),
                new Case("XML", 415, () -> http.post("/api/v1/models", "application/xml", "<model/>")),
                new Case("a layer name with a slash", 400, () -> http.post("/api/v1/models", json(model(shape(null, 1),
                        List.of(layer("Dense", "units", 1, "name", "../x")), "mse")))),
                // datasets
                new Case("x ragged in features", 400, () -> http.post("/api/v1/datasets", "{\"x\": [[[1, 2]], [[1]]],"
                        + " \"y\": [1, 2]}")),
                // samples of different lengths are padded; a per-step y must match them sample by sample
                new Case("y ragged unlike x", 400, () -> http.post("/api/v1/datasets", "{\"x\": [[[1], [2]], [[1]]],"
                        + " \"y\": [[[1]], [[2], [3]]]}")),
                new Case("padding neither pre nor post", 400, () -> http.post("/api/v1/datasets", "{\"x\": [[1, 2],"
                        + " [1]], \"y\": [1, 2], \"padding\": \"both\"}")),
                new Case("maxlen of a billion", 413, () -> http.post("/api/v1/datasets", "{\"x\": [[1, 2], [1]],"
                        + " \"y\": [1, 2], \"maxlen\": 1000000000}")),
                new Case("x of rank 4", 400, () -> http.post("/api/v1/datasets", "{\"x\": [[[[1]]]], \"y\": [1]}")),
                new Case("y and x disagree in samples", 400, () -> http.post("/api/v1/datasets", "{\"x\": [[[1]],"
                        + " [[2]]], \"y\": [1]}")),
                new Case("no x", 400, () -> http.post("/api/v1/datasets", "{\"y\": [1]}")),
                new Case("a string in x", 400, () -> http.post("/api/v1/datasets", "{\"x\": [[[\"a\"]]], \"y\": [1]}")),
                new Case("beyond float32", 400, () -> http.post("/api/v1/datasets", "{\"x\": [[[1e39]]], \"y\": [1]}")),
                new Case("NaN in a CSV", 400, () -> http.post("/api/v1/datasets?seq_len=2", "text/csv",
                        "v\n1\nNaN\n3\n4\n")),
                new Case("a CSV without seq_len", 400, () -> http.post("/api/v1/datasets", "text/csv", "v\n1\n2\n")),
                new Case("seq_len 0", 400, () -> http.post("/api/v1/datasets?seq_len=0", "text/csv", "v\n1\n2\n")),
                new Case("too few rows for a window", 422, () -> http.post("/api/v1/datasets?seq_len=5", "text/csv",
                        "v\n1\n2\n")),
                new Case("unknown CSV column", 400, () -> http.post("/api/v1/datasets?seq_len=2&target=nope",
                        "text/csv", "v\n1\n2\n3\n")),
                new Case("an empty text", 422, () -> http.post("/api/v1/datasets?seq_len=5", "text/plain", "")),
                new Case("unknown dataset field", 400, () -> http.post("/api/v1/datasets", "{\"x\": [[[1]]],"
                        + " \"y\": [1], \"z\": 2}")),
                new Case("a dataset as XML", 415, () -> http.post("/api/v1/datasets", "application/xml", "<x/>")),
                // jobs
                new Case("no model_id", 400, () -> http.post("/api/v1/jobs", Map.of("dataset_id", data))),
                new Case("unknown model", 404, () -> http.post("/api/v1/jobs", Map.of("model_id", "nope",
                        "dataset_id", data))),
                new Case("unknown dataset", 404, () -> http.post("/api/v1/jobs", Map.of("model_id", model,
                        "dataset_id", "nope"))),
                new Case("zero epochs", 400, () -> http.post("/api/v1/jobs", Map.of("model_id", model,
                        "dataset_id", data, "epochs", 0))),
                new Case("epochs past rnn.limits.epochs", 422, () -> http.post("/api/v1/jobs", Map.of("model_id",
                        model, "dataset_id", data, "epochs", 1_000_000))),
                new Case("batch_size 0", 400, () -> http.post("/api/v1/jobs", Map.of("model_id", model,
                        "dataset_id", data, "batch_size", 0))),
                new Case("validation_split of 1", 400, () -> http.post("/api/v1/jobs", Map.of("model_id", model,
                        "dataset_id", data, "validation_split", 1.0))),
                new Case("a split that leaves nothing to train", 422, () -> http.post("/api/v1/jobs",
                        Map.of("model_id", model, "dataset_id", data, "validation_split", 0.95))),
                new Case("labels past the classes", 422, () -> http.post("/api/v1/jobs", Map.of("model_id",
                        classifier, "dataset_id", labels))),
                new Case("features that do not fit", 422, () -> http.post("/api/v1/jobs", Map.of("model_id", model,
                        "dataset_id", twoFeatures))),
                new Case("an unknown monitor", 400, () -> http.post("/api/v1/jobs", Map.of("model_id", model,
                        "dataset_id", data, "early_stopping", Map.of("monitor", "val_vibes")))),
                new Case("a job past rnn.limits.job-memory", 422, () -> http.post("/api/v1/jobs", Map.of("model_id",
                        wide, "dataset_id", longData, "batch_size", 64))),
                new Case("unknown job field", 400, () -> http.post("/api/v1/jobs", Map.of("model_id", model,
                        "dataset_id", data, "epoch", 3))),
                new Case("a job that is not JSON", 400, () -> http.post("/api/v1/jobs", "application/json", "epochs=3")),
                // predictions
                new Case("no instances", 400, () -> http.post(m + "/predict", "{}")),
                new Case("instances of two features", 422, () -> http.post(m + "/predict",
                        "{\"instances\": [[[0.1, 0.2]]]}")),
                new Case("instances ragged in features", 400, () -> http.post(m + "/predict",
                        "{\"instances\": [[[0.1], [0.2, 0.3]]]}")),
                new Case("past rnn.limits.prediction-batch", 413, () -> http.post(m + "/predict",
                        "{\"instances\": [" + repeat("[[0.1]]", 10_001) + "]}")),
                new Case("NaN as a string", 400, () -> http.post(m + "/predict", "{\"instances\": [[[\"NaN\"]]]}")),
                new Case("an unknown version", 404, () -> http.post(m + "/predict?version=99",
                        "{\"instances\": [[[0.1]]]}")),
                new Case("predict on an unknown model", 404, () -> http.post("/api/v1/models/nope/predict",
                        "{\"instances\": [[[0.1]]]}")),
                new Case("evaluate on an unknown dataset", 404, () -> http.post(m + "/evaluate",
                        Map.of("dataset_id", "nope"))),
                new Case("weights of the wrong shape", 422, () -> http.put(m + "/weights",
                        "{\"weights\": [{\"name\": \"simple_rnn/kernel\", \"shape\": [9], \"values\": [1]}]}")),
                new Case("generate from a model without text", 409, () -> http.post(m + "/generate",
                        Map.of("prompt", "ab"))),
                new Case("a Keras file that is not one", 400, () -> http.post("/api/v1/models/import",
                        "application/octet-stream", "MZ this is an exe")),
                new Case("export as zip", 400, () -> http.get(m + "/export?format=zip")),
                // the serving protocols, in their own error shape
                new Case("TF Serving: unknown model", 404, () -> http.post("/v1/models/nope:predict",
                        "{\"instances\": [[[0.1]]]}")),
                new Case("TF Serving: not JSON", 400, () -> http.post("/v1/models/" + model + ":predict",
                        "application/json", "{")),
                new Case("TF Serving: wrong features", 422, () -> http.post("/v1/models/" + model + ":predict",
                        "{\"instances\": [[[0.1, 0.2]]]}")),
                new Case("KServe: unknown datatype", 400, () -> http.post("/v2/models/" + model + "/infer",
                        "{\"inputs\": [{\"name\": \"input\", \"shape\": [1, 1, 1], \"datatype\": \"BYTES\","
                                + " \"data\": [1]}]}")),
                new Case("KServe: shape and data disagree", 422, () -> http.post("/v2/models/" + model + "/infer",
                        "{\"inputs\": [{\"name\": \"input\", \"shape\": [2, 3, 1], \"datatype\": \"FP32\","
                                + " \"data\": [1, 2]}]}")),
                new Case("TF Serving: an unknown path", 404, () -> http.get("/v1/models/" + model + "/nope")),
                // what the container and the framework answer
                new Case("an encoded slash in a path", 400, () -> http.get("/api/v1/datasets/..%2F..%2Fetc")),
                new Case("an unknown path", 404, () -> http.get("/api/v1/nothing-here")),
                new Case("a method the path lacks", 405, () -> http.put("/api/v1/jobs", "{}")),
                new Case("a version that is not a number", 400, () -> http.get(m + "/weights?version=abc")));

        assertTrue(cases.size() >= 60, "cases: " + cases.size());
        List<String> wrong = new ArrayList<>();
        for (Case c : cases) {
            Http.Response r = c.request().get();
            String path = r.headers().map().containsKey("content-type") ? r.contentType() : "";
            boolean serving = c.name().startsWith("TF Serving") || c.name().startsWith("KServe");
            boolean shape = serving ? path.startsWith("application/json") && r.json().has("error")
                    : path.startsWith("application/problem+json") && r.json().has("detail");
            if (r.status() != c.status() || !shape) {
                wrong.add(c.name() + ": expected " + c.status() + ", got " + r.status() + " " + r.contentType() + " "
                        + r.body().substring(0, Math.min(200, r.body().length())));
            }
        }
        assertTrue(wrong.isEmpty(), wrong.size() + " of " + cases.size() + " wrong:\n" + String.join("\n", wrong));
        assertEquals("UP", http.get("/actuator/health").json().get("status").asString());
        assertEquals(before, snapshot(model), "nothing stored changed");
    }
}
