package org.rnnservice.api;

import static org.rnnservice.RequestBodies.layer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.rnnservice.Http;
import tools.jackson.databind.JsonNode;

/** The job system over HTTP: concurrency, cancellation, events, shape checks and deletion rules. */
class JobsApiTest extends ApiTestSupport {

    @Test
    void fourJobsSubmittedAtOnceAllFinish() throws Exception {
        String data = createSineData(128, 8);
        List<String> jobs = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            String model = createModel(model(shape(null, 1), List.of(layer("LSTM", "units", 8),
                    layer("Dense", "units", 1)), "mse"));
            jobs.add(submit(model, data, 3, 16));
        }
        for (String job : jobs) {
            JsonNode done = http.awaitJob(job, Duration.ofSeconds(90));
            assertEquals("SUCCEEDED", done.get("state").asString(), done.toString());
            assertEquals(1, done.get("model_version").asInt());
        }
        JsonNode listed = http.get("/api/v1/jobs?state=SUCCEEDED").json();
        for (String job : jobs) {
            assertTrue(listed.toString().contains(job));
        }
    }

    @Test
    void aCancelledJobEndsCancelledAndPublishesNothing() throws Exception {
        String data = createSineData(512, 20);
        String model = createModel(model(shape(null, 1), List.of(layer("LSTM", "units", 64),
                layer("Dense", "units", 1)), "mse"));
        String job = submit(model, data, 10_000, 4);
        http.awaitState(job, "RUNNING", Duration.ofSeconds(30));
        Http.Response cancel = http.post("/api/v1/jobs/" + job + "/cancel", "{}");
        assertTrue(cancel.status() == 202 || cancel.status() == 200, cancel.body());
        JsonNode done = http.awaitJob(job, Duration.ofSeconds(30));
        assertEquals("CANCELLED", done.get("state").asString());
        assertEquals(0, http.get("/api/v1/models/" + model).json().get("version").asInt());
        Http.Response again = http.post("/api/v1/jobs/" + job + "/cancel", "{}");
        assertEquals(409, again.status());
        assertTrue(again.contentType().startsWith("application/problem+json"));
    }

    @Test
    void eventStreamDeliversStateAndEpochEventsThenEnds() throws Exception {
        String data = createSineData(2000, 20);
        String model = createModel(model(shape(null, 1), List.of(layer("GRU", "units", 16),
                layer("Dense", "units", 1)), "mse"));
        String job = submit(model, data, 3, 8);
        // the server ends the stream when the job ends
        List<Http.Event> stream = http.events("/api/v1/jobs/" + job + "/events", null, Integer.MAX_VALUE);
        List<String> events = stream.stream().map(Http.Event::name).toList();
        List<String> data2 = stream.stream().map(Http.Event::data).toList();
        assertEquals("state", events.get(0), events.toString());
        // the first event is the state at subscription time; every epoch after it arrives as an event
        int seenBefore = Http.JSON.readTree(data2.get(0)).path("history").path("loss").size();
        assertEquals(3 - seenBefore, events.stream().filter("epoch"::equals).count(), events + " " + data2.get(0));
        assertEquals("state", events.get(events.size() - 1));
        assertTrue(data2.get(data2.size() - 1).contains("\"SUCCEEDED\""), data2.get(data2.size() - 1));
        // a late subscriber gets the final state at once, and the stream ends
        Http.Response late = http.get("/api/v1/jobs/" + job + "/events", "text/event-stream");
        assertTrue(late.body().contains("SUCCEEDED"), late.body());
    }

    /** Reads up to {@code max} events of a stream as (id, name) pairs, then lets it go. */
    private List<String[]> readEvents(String job, Long lastEventId, int max) {
        return http.events("/api/v1/jobs/" + job + "/events", lastEventId, max).stream()
                .map(e -> new String[] {e.id() == null ? null : e.id().toString(), e.name()}).toList();
    }

    @Test
    void aReconnectingClientResumesAfterItsLastEventId() throws Exception {
        String data = createSineData(2000, 20);
        String model = createModel(model(shape(null, 1), List.of(layer("LSTM", "units", 32),
                layer("Dense", "units", 1)), "mse"));
        String job = submit(model, data, 10_000, 4);
        http.awaitState(job, "RUNNING", Duration.ofSeconds(30));
        List<String[]> first = readEvents(job, null, 4);
        assertEquals(4, first.size());
        for (String[] e : first) {
            assertTrue(e[0] != null && e[0].matches("\\d+"), "every event has an id: " + e[0]);
        }
        long last = Long.parseLong(first.get(2)[0]);
        assertTrue(Long.parseLong(first.get(1)[0]) < last && last < Long.parseLong(first.get(3)[0]),
                "ids grow along the job's course");
        // back after the third event: the next one is the fourth, none missed, none repeated
        List<String[]> resumed = readEvents(job, last, 2);
        assertEquals(first.get(3)[0] + " " + first.get(3)[1], resumed.get(0)[0] + " " + resumed.get(0)[1]);
        assertTrue(Long.parseLong(resumed.get(1)[0]) > Long.parseLong(resumed.get(0)[0]));
        // an id the job never had (say, from before a restart) starts over with the current state
        List<String[]> fresh = readEvents(job, 1_000_000_000_000_000L, 1);
        assertEquals("state", fresh.get(0)[1]);
        assertEquals(200, http.post("/api/v1/jobs/" + job + "/cancel", Map.of()).status() / 100 * 100);
        http.awaitJob(job, Duration.ofSeconds(60));
    }

    @Test
    void aJobCancelledWithKeepPublishesItsLastCompletedEpoch() throws Exception {
        String data = createSineData(256, 10);
        String model = createModel(model(shape(null, 1), List.of(layer("SimpleRNN", "units", 8),
                layer("Dense", "units", 1)), "mse"));
        String job = submit(model, data, 100_000, 8);
        http.awaitJob(job, j -> j.path("history").path("loss").size() >= 2, Duration.ofSeconds(60));
        assertEquals(200, http.post("/api/v1/jobs/" + job + "/cancel?keep=true", Map.of()).status() / 100 * 100);
        JsonNode done = http.awaitJob(job, Duration.ofSeconds(60));
        assertEquals("CANCELLED", done.get("state").asString(), done.toString());
        assertEquals(1, done.get("model_version").asInt(), done.toString());
        assertTrue(done.get("error").asString().contains("were kept"), done.toString());
        JsonNode m = http.get("/api/v1/models/" + model).json();
        assertEquals(1, m.get("version").asInt());
        assertEquals(job, m.get("versions").get(1).get("job_id").asString());
    }

    @Test
    void aDatasetThatDoesNotFitTheModelIs422() {
        String data = createSineData(16, 5);
        String twoFeatures = createModel(model(shape(null, 2), List.of(layer("LSTM", "units", 4),
                layer("Dense", "units", 1)), "mse"));
        Http.Response r = http.post("/api/v1/jobs", Map.of("model_id", twoFeatures, "dataset_id", data));
        assertEquals(422, r.status(), r.body());
        assertTrue(r.contentType().startsWith("application/problem+json"));
        assertEquals("dataset_id", r.json().get("errors").get(0).get("field").asString());
        assertTrue(r.json().get("detail").asString().contains("1 features"), r.body());

        String threeOutputs = createModel(model(shape(null, 1), List.of(layer("LSTM", "units", 4),
                layer("Dense", "units", 3)), "mse"));
        Http.Response outputs = http.post("/api/v1/jobs", Map.of("model_id", threeOutputs, "dataset_id", data));
        assertEquals(422, outputs.status(), outputs.body());
        assertTrue(outputs.json().get("detail").asString().contains("needs 3"), outputs.body());
    }

    @Test
    void modelsAndDatasetsInUseCannotBeDeleted() throws Exception {
        String data = createSineData(512, 20);
        String model = createModel(model(shape(null, 1), List.of(layer("LSTM", "units", 64),
                layer("Dense", "units", 1)), "mse"));
        String job = submit(model, data, 10_000, 4);
        assertEquals(409, http.delete("/api/v1/models/" + model).status());
        assertEquals(409, http.delete("/api/v1/datasets/" + data).status());
        http.post("/api/v1/jobs/" + job + "/cancel", "{}");
        http.awaitJob(job, Duration.ofSeconds(30));
        assertEquals(204, http.delete("/api/v1/models/" + model).status());
        assertEquals(404, http.get("/api/v1/models/" + model).status());
        // the ended job trained on it: deleting the data needs a confirmation, and the refusal names the job
        Http.Response trained = http.delete("/api/v1/datasets/" + data);
        assertEquals(409, trained.status());
        assertTrue(trained.json().get("detail").asString().contains(job), trained.body());
        assertEquals(200, http.get("/api/v1/datasets/" + data).status(), "nothing was deleted");
        assertEquals(204, http.delete("/api/v1/datasets/" + data + "?force=true").status());
        assertEquals(404, http.get("/api/v1/datasets/" + data).status());
    }

    @Test
    void badJobParametersNameTheField() {
        String data = createSineData(16, 5);
        String model = createModel(model(shape(null, 1), List.of(layer("LSTM", "units", 4),
                layer("Dense", "units", 1)), "mse"));
        Http.Response r = http.post("/api/v1/jobs", Map.of("model_id", model, "dataset_id", data, "epochs", 0));
        assertEquals(400, r.status(), r.body());
        assertEquals("epochs", r.json().get("errors").get(0).get("field").asString());
        Http.Response monitor = http.post("/api/v1/jobs", Map.of("model_id", model, "dataset_id", data,
                "early_stopping", Map.of("monitor", "val_loss")));
        assertEquals(400, monitor.status(), monitor.body());
        assertEquals("early_stopping.monitor", monitor.json().get("errors").get(0).get("field").asString());
    }

    @Test
    void classWeightIsKeptWithTheJobAndCheckedAtSubmission() throws InterruptedException {
        String model = createModel(model(shape(null, 1), List.of(layer("SimpleRNN", "units", 3),
                layer("Dense", "units", 1, "activation", "sigmoid")), "binary_crossentropy"));
        List<Object> x = new ArrayList<>();
        List<Object> y = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            x.add(List.of(List.of(i / 20.0), List.of(-i / 20.0)));
            y.add(i % 4 == 0 ? 1 : 0);
        }
        String data = createDataset(Map.of("name", "rare", "x", x, "y", y));
        Http.Response r = http.post("/api/v1/jobs", Map.of("model_id", model, "dataset_id", data, "epochs", 2,
                "class_weight", Map.of("0", 1.0, "1", 3.0)));
        assertEquals(202, r.status(), r.body());
        assertEquals(3.0, r.json().get("class_weight").get("1").asDouble(), 0);
        assertEquals("SUCCEEDED", http.awaitJob(r.json().get("id").asString(), Duration.ofSeconds(60))
                .get("state").asString());

        Http.Response badKey = http.post("/api/v1/jobs", Map.of("model_id", model, "dataset_id", data,
                "class_weight", Map.of("rare", 3.0)));
        assertEquals(400, badKey.status(), badKey.body());
        assertEquals("class_weight.rare", badKey.json().get("errors").get(0).get("field").asString());
        Http.Response negative = http.post("/api/v1/jobs", Map.of("model_id", model, "dataset_id", data,
                "class_weight", Map.of("1", -2.0)));
        assertEquals(400, negative.status(), negative.body());

        String sequences = createModel(model(shape(null, 1), List.of(layer("SimpleRNN", "units", 3,
                "return_sequences", true), layer("Dense", "units", 1)), "mse"));
        String perStep = createDataset(Map.of("name", "per-step", "x", List.of(List.of(List.of(0.1), List.of(0.2))),
                "y", List.of(List.of(List.of(1.0), List.of(0.0)))));
        Http.Response seq = http.post("/api/v1/jobs", Map.of("model_id", sequences, "dataset_id", perStep,
                "class_weight", Map.of("0", 1.0)));
        assertEquals(422, seq.status(), seq.body());
        assertTrue(seq.json().get("detail").asString().contains("sequence"), seq.body());
    }

    @Test
    void validationDataIsASecondDatasetHeldWhileTheJobRuns() throws InterruptedException {
        String model = createModel(model(shape(null, 1), List.of(layer("SimpleRNN", "units", 3),
                layer("Dense", "units", 1)), "mse"));
        String train = createSineData(24, 4);
        String validation = createSineData(8, 4);
        Http.Response r = http.post("/api/v1/jobs", Map.of("model_id", model, "dataset_id", train,
                "validation_data", validation, "epochs", 3, "batch_size", 8));
        assertEquals(202, r.status(), r.body());
        assertEquals(validation, r.json().get("validation_data").asString());
        JsonNode done = http.awaitJob(r.json().get("id").asString(), Duration.ofSeconds(60));
        assertEquals("SUCCEEDED", done.get("state").asString(), done.toString());
        JsonNode valLoss = done.get("history").get("val_loss");
        assertEquals(3, valLoss.size());
        double evaluated = http.post("/api/v1/models/" + model + "/evaluate", Map.of("dataset_id", validation))
                .json().get("loss").asDouble();
        assertEquals(evaluated, valLoss.get(2).asDouble(), 1e-6 * Math.abs(evaluated));
        // a dataset that validated a job is one that job used: deleting it needs force
        assertEquals(409, http.delete("/api/v1/datasets/" + validation).status());

        Http.Response both = http.post("/api/v1/jobs", Map.of("model_id", model, "dataset_id", train,
                "validation_data", validation, "validation_split", 0.2));
        assertEquals(400, both.status(), both.body());
        assertEquals(404, http.post("/api/v1/jobs", Map.of("model_id", model, "dataset_id", train,
                "validation_data", "no-such-dataset")).status());
        String twoFeatures = createDataset(Map.of("name", "two", "x", List.of(List.of(List.of(0.1, 0.2))),
                "y", List.of(1)));
        Http.Response unfit = http.post("/api/v1/jobs", Map.of("model_id", model, "dataset_id", train,
                "validation_data", twoFeatures));
        assertEquals(422, unfit.status(), unfit.body());
        assertEquals("validation_data", unfit.json().get("errors").get(0).get("field").asString());
    }
}
