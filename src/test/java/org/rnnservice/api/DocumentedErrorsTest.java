package org.rnnservice.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.rnnservice.RequestBodies.layer;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.rnnservice.Http;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.context.SmartLifecycle;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * Every error status the contract documents for an operation under {@code /api} happens, as problem+json, when a
 * client does what provokes it. Driven by {@code api-spec/openapi.yaml}: a status documented without a way to
 * provoke it here fails the test. Its own service, with a 2 KB body limit and a queue of one.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class DocumentedErrorsTest {

    @LocalServerPort
    int port;

    @Autowired
    ApplicationContext context;

    @DynamicPropertySource
    static void settings(DynamicPropertyRegistry registry) throws Exception {
        Path data = Files.createTempDirectory("rnn-documented-errors");
        registry.add("rnn.data-dir", data::toString);
        registry.add("rnn.workers", () -> "1");
        registry.add("rnn.queue-capacity", () -> "1");
        registry.add("rnn.limits.request-size", () -> "2KB");
        registry.add("rnn.limits.predictions", () -> "1");
        registry.add("rnn.limits.prediction-wait", () -> "100ms");
        registry.add("rnn.sessions.max", () -> "2");
    }

    private record Case(String operation, int status, Supplier<Http.Response> request) {
    }

    @Test
    void everyDocumentedErrorStatusHappens() throws Exception {
        Http http = new Http(port);
        String big = "{\"pad\": \"" + "x".repeat(3000) + "\"}";
        String xml = "<x/>";

        // a world: a model on one feature, a dataset that fits it, one that does not, a running and a queued job
        String model = create(http, "/api/v1/models", Map.of("input_shape", java.util.Arrays.asList(null, 1),
                "layers", List.of(layer("SimpleRNN", "units", 4), layer("Dense", "units", 1)),
                "compile", Map.of("optimizer", "adam", "loss", "mse")));
        String busyModel = create(http, "/api/v1/models", Map.of("input_shape", java.util.Arrays.asList(null, 1),
                "layers", List.of(layer("LSTM", "units", 32), layer("Dense", "units", 1)),
                "compile", Map.of("optimizer", "adam", "loss", "mse")));
        String data = create(http, "/api/v1/datasets", sequences(8, 4, 1));
        String twoFeatures = create(http, "/api/v1/datasets", sequences(4, 3, 2));
        // a next-character model trained on a text (it then has a vocabulary), its job ended
        JsonNode text = http.post("/api/v1/datasets?seq_len=5&step=1", "text/plain", "abcabcabcabcabcabc").json();
        int vocab = text.get("vocab").size();
        String textModel = create(http, "/api/v1/models", Map.of("input_shape", java.util.Arrays.asList(null, vocab),
                "layers", List.of(layer("SimpleRNN", "units", 4),
                        layer("Dense", "units", vocab, "activation", "softmax")),
                "compile", Map.of("optimizer", "adam", "loss", "sparse_categorical_crossentropy")));
        String ended = create(http, "/api/v1/jobs", Map.of("model_id", textModel, "dataset_id",
                text.get("id").asString(), "epochs", 1));
        assertEquals("SUCCEEDED", http.awaitJob(ended, Duration.ofSeconds(60)).get("state").asString());
        // the one worker busy and the queue of one full
        String running = create(http, "/api/v1/jobs", Map.of("model_id", busyModel, "dataset_id", data,
                "epochs", 100_000, "batch_size", 1));
        http.awaitState(running, "RUNNING", Duration.ofSeconds(30));
        String queued = create(http, "/api/v1/jobs", Map.of("model_id", model, "dataset_id", data));
        // a search cancelled before its first trial could be queued: it has ended
        Map<String, Object> template = Map.of("input_shape", java.util.Arrays.asList(null, 1), "layers",
                List.of(Map.of("type", "SimpleRNN", "units", Map.of("hp", "units")), layer("Dense", "units", 1)),
                "compile", Map.of("optimizer", "adam", "loss", "mse"));
        List<Map<String, Object>> space = List.of(Map.of("class_name", "Int", "config",
                Map.of("name", "units", "min_value", 2, "max_value", 4)));
        String search = create(http, "/api/v1/tuning-jobs", Map.of("model", template, "hyperparameters", space,
                "max_trials", 1, "dataset_id", data));
        assertEquals(202, http.post("/api/v1/tuning-jobs/" + search + "/cancel", "{}").status());
        http.await("/api/v1/tuning-jobs/" + search, t -> t.get("state").asString().equals("CANCELLED"),
                Duration.ofSeconds(30));

        String none = "no-such-id";
        String bidirectional = create(http, "/api/v1/models", Map.of("input_shape", java.util.Arrays.asList(null, 1),
                "layers", List.of(Map.of("type", "Bidirectional", "layer", Map.of("type", "LSTM", "units", 2)))));
        String session = http.post("/api/v1/models/" + model + "/sessions", "{}").json().get("session_id")
                .asString();
        // Keras 2's hard_sigmoid has no Keras 3 equivalent, so the model cannot be written as a Keras 3 document
        String keras2Only = create(http, "/api/v1/models", "{\"input_shape\": [null, 1], \"layers\": [{\"type\":"
                + " \"SimpleRNN\", \"units\": 2, \"activation\": \"hard_sigmoid_keras2\"}]}");
        byte[] conv1d = zip("config.json", "{\"class_name\": \"Sequential\", \"config\": {\"layers\": [{\"class_name\":"
                + " \"Conv1D\", \"config\": {\"filters\": 4}}]}}");
        List<Case> cases = new ArrayList<>(List.of(
                new Case("createModel", 400, () -> http.post("/api/v1/models", "application/json", "{\"layers\": 1")),
                new Case("createModel", 413, () -> http.post("/api/v1/models", "application/json", big)),
                new Case("createModel", 415, () -> http.post("/api/v1/models", "application/xml", xml)),
                new Case("createModel", 422, () -> http.post("/api/v1/models", "application/json", "{\"input_shape\":"
                        + " [null, 1], \"layers\": [{\"type\": \"LSTM\", \"units\": 2, \"return_state\": true}]}")),
                new Case("importModel", 400, () -> http.post("/api/v1/models/import", "application/octet-stream",
                        "hello")),
                new Case("importModel", 413, () -> http.post("/api/v1/models/import", "application/octet-stream",
                        big)),
                new Case("importModel", 415, () -> http.post("/api/v1/models/import", "application/xml", xml)),
                new Case("importModel", 422, () -> http.post("/api/v1/models/import", "application/octet-stream",
                        conv1d)),
                new Case("exportModel", 400, () -> http.get("/api/v1/models/" + model + "/export?format=zip")),
                new Case("exportModel", 404, () -> http.get("/api/v1/models/" + none + "/export")),
                new Case("exportModel", 422, () -> http.get("/api/v1/models/" + keras2Only + "/export")),
                new Case("getKerasConfig", 404, () -> http.get("/api/v1/models/" + none + "/config")),
                new Case("getKerasConfig", 422, () -> http.get("/api/v1/models/" + keras2Only + "/config")),
                new Case("listModels", 400, () -> http.get("/api/v1/models?size=0")),
                new Case("getModel", 404, () -> http.get("/api/v1/models/" + none)),
                new Case("deleteModel", 404, () -> http.delete("/api/v1/models/" + none)),
                new Case("deleteModel", 409, () -> http.delete("/api/v1/models/" + busyModel)),
                new Case("getModelSummary", 404, () -> http.get("/api/v1/models/" + none + "/summary")),
                new Case("getWeights", 400, () -> http.get("/api/v1/models/" + model + "/weights?version=abc")),
                new Case("getWeights", 404, () -> http.get("/api/v1/models/" + none + "/weights")),
                new Case("compileModel", 400, () -> http.put("/api/v1/models/" + model + "/compile",
                        "{\"optimizer\": \"adam\", \"loss\": \"mse\", \"metric\": []}")),
                new Case("compileModel", 404, () -> http.put("/api/v1/models/" + none + "/compile", "{}")),
                new Case("compileModel", 413, () -> http.put("/api/v1/models/" + model + "/compile", big)),
                new Case("compileModel", 415, () -> send(http, "PUT", "/api/v1/models/" + model + "/compile", xml)),
                new Case("setAlias", 400, () -> http.put("/api/v1/models/" + model + "/aliases/1st",
                        "{\"version\": 0}")),
                new Case("setAlias", 404, () -> http.put("/api/v1/models/" + model + "/aliases/champion",
                        "{\"version\": 99}")),
                new Case("setAlias", 413, () -> http.put("/api/v1/models/" + model + "/aliases/champion", big)),
                new Case("setAlias", 415, () -> send(http, "PUT", "/api/v1/models/" + model + "/aliases/champion",
                        xml)),
                new Case("deleteAlias", 404, () -> http.delete("/api/v1/models/" + model + "/aliases/champion")),
                new Case("putWeights", 400, () -> http.put("/api/v1/models/" + model + "/weights", "{\"weights\": 1}")),
                new Case("putWeights", 404, () -> http.put("/api/v1/models/" + none + "/weights", "{}")),
                new Case("putWeights", 413, () -> http.put("/api/v1/models/" + model + "/weights", big)),
                new Case("putWeights", 415, () -> send(http, "PUT", "/api/v1/models/" + model + "/weights", xml)),
                new Case("predict", 400, () -> http.post("/api/v1/models/" + model + "/predict?version=abc",
                        "application/json", "{\"instances\": [[[0.5]]]}")),
                new Case("predict", 404, () -> http.post("/api/v1/models/" + none + "/predict", "application/json",
                        "{\"instances\": [[[0.5]]]}")),
                new Case("predict", 413, () -> http.post("/api/v1/models/" + model + "/predict", "application/json",
                        big)),
                new Case("predict", 415, () -> http.post("/api/v1/models/" + model + "/predict", "application/xml",
                        xml)),
                new Case("predict", 422, () -> http.post("/api/v1/models/" + model + "/predict", "application/json",
                        "{\"instances\": [[[0.5, 0.5]]]}")),
                new Case("evaluate", 400, () -> http.post("/api/v1/models/" + model + "/evaluate", "application/json",
                        "{\"batch_size\": 0}")),
                new Case("evaluate", 404, () -> http.post("/api/v1/models/" + none + "/evaluate", "application/json",
                        "{\"dataset_id\": \"" + data + "\"}")),
                new Case("evaluate", 413, () -> http.post("/api/v1/models/" + model + "/evaluate", "application/json",
                        big)),
                new Case("evaluate", 415, () -> http.post("/api/v1/models/" + model + "/evaluate", "application/xml",
                        xml)),
                new Case("evaluate", 422, () -> http.post("/api/v1/models/" + model + "/evaluate", "application/json",
                        "{\"dataset_id\": \"" + twoFeatures + "\"}")),
                new Case("forecast", 400, () -> http.post("/api/v1/models/" + model + "/forecast", "application/json",
                        "{\"history\": [[1.0]], \"horizon\": 0}")),
                new Case("forecast", 404, () -> http.post("/api/v1/models/" + none + "/forecast", "application/json",
                        "{\"history\": [[1.0]], \"horizon\": 1}")),
                new Case("forecast", 413, () -> http.post("/api/v1/models/" + model + "/forecast", "application/json",
                        big)),
                new Case("forecast", 415, () -> http.post("/api/v1/models/" + model + "/forecast", "application/xml",
                        xml)),
                new Case("forecast", 422, () -> http.post("/api/v1/models/" + bidirectional + "/forecast",
                        "application/json", "{\"history\": [[1.0]], \"horizon\": 1}")),
                new Case("getValidationForecast", 404, () -> http.get("/api/v1/jobs/" + none
                        + "/validation-forecast")),
                new Case("getValidationForecast", 409, () -> http.get("/api/v1/jobs/" + running
                        + "/validation-forecast")),
                new Case("getValidationForecast", 422, () -> http.get("/api/v1/jobs/" + ended
                        + "/validation-forecast")),
                new Case("generate", 400, () -> http.post("/api/v1/models/" + model + "/generate", "application/json",
                        "{\"length\": 5}")),
                new Case("generate", 404, () -> http.post("/api/v1/models/" + none + "/generate", "application/json",
                        "{\"prompt\": \"ab\"}")),
                new Case("generate", 409, () -> http.post("/api/v1/models/" + model + "/generate", "application/json",
                        "{\"prompt\": \"ab\"}")),
                new Case("generate", 413, () -> http.post("/api/v1/models/" + model + "/generate", "application/json",
                        big)),
                new Case("generate", 415, () -> http.post("/api/v1/models/" + model + "/generate", "application/xml",
                        xml)),
                new Case("generate", 422, () -> http.post("/api/v1/models/" + textModel + "/generate",
                        "application/json", "{\"prompt\": \"xyz\", \"length\": 2}")),
                new Case("createDataset", 400, () -> http.post("/api/v1/datasets", "text/csv", "v\n1\n2\n")),
                new Case("createDataset", 413, () -> http.post("/api/v1/datasets", "application/json", big)),
                new Case("createDataset", 415, () -> http.post("/api/v1/datasets", "application/xml", xml)),
                new Case("createDataset", 422, () -> http.post("/api/v1/datasets?seq_len=5", "text/csv",
                        "v\n1\n2\n")),
                new Case("listDatasets", 400, () -> http.get("/api/v1/datasets?size=0")),
                new Case("getDataset", 404, () -> http.get("/api/v1/datasets/" + none)),
                new Case("deleteDataset", 400, () -> http.delete("/api/v1/datasets/" + data + "?force=maybe")),
                new Case("deleteDataset", 404, () -> http.delete("/api/v1/datasets/" + none)),
                new Case("deleteDataset", 409, () -> http.delete("/api/v1/datasets/" + data)),
                new Case("submitJob", 400, () -> http.post("/api/v1/jobs", "application/json", "{\"epochs\": 1}")),
                new Case("submitJob", 413, () -> http.post("/api/v1/jobs", "application/json", big)),
                new Case("submitJob", 415, () -> http.post("/api/v1/jobs", "application/xml", xml)),
                new Case("submitJob", 422, () -> http.post("/api/v1/jobs", Map.of("model_id", model, "dataset_id",
                        twoFeatures))),
                new Case("submitJob", 429, () -> http.post("/api/v1/jobs", Map.of("model_id", model, "dataset_id",
                        data))),
                new Case("listJobs", 400, () -> http.get("/api/v1/jobs?state=done")),
                new Case("openSession", 400, () -> http.post("/api/v1/models/" + model + "/sessions?version=x", "{}")),
                new Case("openSession", 404, () -> http.post("/api/v1/models/" + none + "/sessions", "{}")),
                new Case("openSession", 422, () -> http.post("/api/v1/models/" + bidirectional + "/sessions", "{}")),
                new Case("openSession", 429, () -> {
                    Http.Response r = http.post("/api/v1/models/" + model + "/sessions", "{}");
                    return r.status() == 201 ? http.post("/api/v1/models/" + model + "/sessions", "{}") : r;
                }),
                new Case("getSession", 404, () -> http.get("/api/v1/sessions/" + none)),
                new Case("predictSession", 400, () -> http.post("/api/v1/sessions/" + session + "/predict",
                        "application/json", "{\"instances\": [[[0.1]], [[0.2]]]}")),
                new Case("predictSession", 404, () -> http.post("/api/v1/sessions/" + none + "/predict",
                        "application/json", "{\"instances\": [[[0.1]]]}")),
                new Case("predictSession", 413, () -> http.post("/api/v1/sessions/" + session + "/predict",
                        "application/json", big)),
                new Case("predictSession", 415, () -> http.post("/api/v1/sessions/" + session + "/predict",
                        "application/xml", xml)),
                new Case("predictSession", 422, () -> http.post("/api/v1/sessions/" + session + "/predict",
                        "application/json", "{\"instances\": [[[0.1, 0.2]]]}")),
                new Case("closeSession", 404, () -> http.delete("/api/v1/sessions/" + none)),
                new Case("setBatching", 400, () -> http.put("/api/v1/models/" + model + "/batching",
                        "{\"max_batch_size\": 0}")),
                new Case("setBatching", 404, () -> http.put("/api/v1/models/" + none + "/batching", "{}")),
                new Case("setBatching", 413, () -> http.put("/api/v1/models/" + model + "/batching", big)),
                new Case("setBatching", 415, () -> send(http, "PUT", "/api/v1/models/" + model + "/batching", xml)),
                new Case("deleteBatching", 404, () -> http.delete("/api/v1/models/" + none + "/batching")),
                new Case("submitTuningJob", 400, () -> http.post("/api/v1/tuning-jobs", Map.of("model", template,
                        "hyperparameters", space, "dataset_id", data, "tuner", "bayesian_optimization"))),
                new Case("submitTuningJob", 413, () -> http.post("/api/v1/tuning-jobs", "application/json", big)),
                new Case("submitTuningJob", 415, () -> http.post("/api/v1/tuning-jobs", "application/xml", xml)),
                new Case("submitTuningJob", 422, () -> http.post("/api/v1/tuning-jobs", Map.of("model", template,
                        "hyperparameters", space, "dataset_id", twoFeatures))),
                new Case("listTuningJobs", 400, () -> http.get("/api/v1/tuning-jobs?page=-1")),
                new Case("getTuningJob", 404, () -> http.get("/api/v1/tuning-jobs/" + none)),
                new Case("cancelTuningJob", 404, () -> http.post("/api/v1/tuning-jobs/" + none + "/cancel", "{}")),
                new Case("cancelTuningJob", 409, () -> http.post("/api/v1/tuning-jobs/" + search + "/cancel", "{}")),
                new Case("getJob", 404, () -> http.get("/api/v1/jobs/" + none)),
                new Case("cancelJob", 400, () -> http.post("/api/v1/jobs/" + queued + "/cancel?keep=maybe", "{}")),
                new Case("cancelJob", 404, () -> http.post("/api/v1/jobs/" + none + "/cancel", "{}")),
                new Case("cancelJob", 409, () -> http.post("/api/v1/jobs/" + ended + "/cancel", "{}")),
                new Case("streamJobEvents", 400, () -> {
                    Http.Response r = sendWith(http, "/api/v1/jobs/" + running + "/events", "Last-Event-ID", "abc");
                    return r;
                }),
                new Case("streamJobEvents", 404, () -> http.get("/api/v1/jobs/" + none + "/events",
                        "text/event-stream"))));

        List<String> wrong = new ArrayList<>();
        TreeSet<String> provoked = new TreeSet<>();
        for (Case c : cases) {
            Http.Response r = c.request().get();
            provoked.add(c.operation() + " " + c.status());
            if (r.status() != c.status() || !r.contentType().startsWith("application/problem+json")) {
                wrong.add(c.operation() + " expected " + c.status() + ", got " + r.status() + " " + r.contentType()
                        + " " + r.body());
            }
        }
        // 503: predictions past rnn.limits.predictions wait their turn, then are turned away
        org.rnnservice.models.PredictionGate gate = context.getBean(org.rnnservice.models.PredictionGate.class);
        java.util.concurrent.CountDownLatch holding = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        Thread occupant = new Thread(() -> {
            try {
                gate.run(() -> {
                    holding.countDown();
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return null;
                });
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        occupant.start();
        holding.await();
        try {
            Http.Response r = http.post("/api/v1/models/" + model + "/predict", "{\"instances\": [[[0.1]]]}");
            provoked.add("predict 503");
            if (r.status() != 503 || r.header("Retry-After") == null) {
                wrong.add("predict expected 503 with Retry-After, got " + r.status() + " " + r.body());
            }
        } finally {
            release.countDown();
            occupant.join();
        }
        // 503: a service that is shutting down takes no job
        SmartLifecycle jobs = (SmartLifecycle) context.getBean("jobLifecycle");
        http.post("/api/v1/jobs/" + running + "/cancel", "{}");
        http.post("/api/v1/jobs/" + queued + "/cancel", "{}");
        http.awaitJob(running, Duration.ofSeconds(30));
        jobs.stop();
        try {
            Http.Response r = http.post("/api/v1/jobs", Map.of("model_id", model, "dataset_id", data));
            provoked.add("submitJob 503");
            if (r.status() != 503 || r.header("Retry-After") == null) {
                wrong.add("submitJob expected 503 with Retry-After, got " + r.status() + " " + r.body());
            }
        } finally {
            jobs.start();
        }
        assertTrue(wrong.isEmpty(), String.join("\n", wrong));

        TreeSet<String> documented = new TreeSet<>();
        JsonNode spec = YAMLMapper.builder().build().readTree(Path.of("api-spec/openapi.yaml").toFile());
        for (var path : spec.get("paths").properties()) {
            if (!path.getKey().startsWith("/api/")) {
                continue;
            }
            for (var op : path.getValue().properties()) {
                for (var response : op.getValue().get("responses").properties()) {
                    if (response.getKey().startsWith("4") || response.getKey().startsWith("5")) {
                        documented.add(op.getValue().get("operationId").asString() + " " + response.getKey());
                    }
                }
            }
        }
        assertEquals(documented, provoked, "documented error statuses and the ones this test provokes");
    }

    private static String create(Http http, String path, Object body) {
        Http.Response r = http.post(path, body);
        assertTrue(r.status() == 201 || r.status() == 202, path + ": " + r.status() + " " + r.body());
        return r.json().get("id").asString();
    }

    /** A zip of one member, as small as a Keras archive can be. */
    private static byte[] zip(String name, String content) throws java.io.IOException {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        try (java.util.zip.ZipOutputStream zip = new java.util.zip.ZipOutputStream(out)) {
            zip.putNextEntry(new java.util.zip.ZipEntry(name));
            zip.write(content.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            zip.closeEntry();
        }
        return out.toByteArray();
    }

    private static Map<String, Object> sequences(int n, int steps, int features) {
        List<Object> x = new ArrayList<>();
        List<Object> y = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            List<Object> sample = new ArrayList<>();
            for (int t = 0; t < steps; t++) {
                List<Object> step = new ArrayList<>();
                for (int f = 0; f < features; f++) {
                    step.add((i + t + f) / 10.0);
                }
                sample.add(step);
            }
            x.add(sample);
            y.add(i / 10.0);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("x", x);
        body.put("y", y);
        return body;
    }

    private static Http.Response send(Http http, String method, String path, String xml) {
        return exchange(http, HttpRequest.newBuilder(URI.create(http.base() + path))
                .header("Content-Type", "application/xml").method(method, HttpRequest.BodyPublishers.ofString(xml)));
    }

    private static Http.Response sendWith(Http http, String path, String header, String value) {
        return exchange(http, HttpRequest.newBuilder(URI.create(http.base() + path)).header("Accept",
                "text/event-stream").header(header, value).GET());
    }

    private static Http.Response exchange(Http http, HttpRequest.Builder request) {
        try {
            HttpResponse<String> r = http.client().send(request.timeout(Duration.ofSeconds(30)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return new Http.Response(r.statusCode(), r.headers().firstValue("Content-Type").orElse(""), r.body(),
                    r.headers());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
