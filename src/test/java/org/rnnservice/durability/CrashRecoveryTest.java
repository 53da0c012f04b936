package org.rnnservice.durability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rnnservice.Http;
import org.rnnservice.RequestBodies;
import tools.jackson.databind.JsonNode;

/**
 * The service in its own process, killed with SIGKILL at several moments and restarted on the same data directory:
 * everything acknowledged comes back identical, and an interrupted job resumes to the weights an uninterrupted run
 * gives. SIGTERM pauses running jobs at a checkpoint and exits in time.
 */
class CrashRecoveryTest {

    @TempDir
    Path tmp;

    /** The shared test client, bound to one process, failing on any answer but success. */
    private record Api(Http http) {
        Api(ServiceProcess service) {
            this(new Http(service.port));
        }

        JsonNode post(String path, Object body) {
            Http.Response r = http.post(path, body);
            assertTrue(r.status() / 100 == 2, path + " -> " + r.status() + " " + r.body());
            return r.json();
        }

        String raw(String path) {
            Http.Response r = http.get(path);
            assertEquals(200, r.status(), path + " -> " + r.body());
            return r.body();
        }

        JsonNode get(String path) {
            return Http.JSON.readTree(raw(path));
        }

        JsonNode awaitJob(String id, Predicate<JsonNode> done, Duration timeout) throws InterruptedException {
            return http.awaitJob(id, done, timeout);
        }
    }

    private static Map<String, Object> lstmModel() {
        return Map.of("input_shape", Arrays.asList(null, 1), "seed", 11,
                "layers", List.of(Map.of("type", "LSTM", "units", 48), Map.of("type", "Dense", "units", 1)),
                "compile", Map.of("optimizer", "adam", "loss", "mse"));
    }

    @Test
    void everythingAcknowledgedSurvivesSigkillAndInterruptedJobsResumeExactly() throws Exception {
        Path data = tmp.resolve("data");
        Map<String, Object> instances = Map.of("instances", List.of(List.of(List.of(0.1), List.of(0.4))));
        String model;
        String dataset;
        String trainedJob;
        String predictions;
        String history;
        String interrupted;
        Map<String, Object> longJob;
        try (ServiceProcess first = ServiceProcess.startHealthy(data)) {
            Api api = new Api(first);
            model = api.post("/api/v1/models", lstmModel()).get("id").asString();
            dataset = api.post("/api/v1/datasets", RequestBodies.sineDataset(200, 12)).get("id").asString();
            trainedJob = api.post("/api/v1/jobs", Map.of("model_id", model, "dataset_id", dataset, "epochs", 2,
                    "batch_size", 16, "seed", 3)).get("id").asString();
            JsonNode done = api.awaitJob(trainedJob, Http::ended, Duration.ofSeconds(120));
            assertEquals("SUCCEEDED", done.get("state").asString(), done.toString());
            predictions = api.post("/api/v1/models/" + model + "/predict", instances).toString();
            history = done.get("history").toString();
            first.kill(); // right after a job succeeded
        }
        try (ServiceProcess second = ServiceProcess.startHealthy(data)) {
            Api api = new Api(second);
            assertEquals(predictions, api.post("/api/v1/models/" + model + "/predict", instances).toString(),
                    "same predictions to the bit");
            JsonNode job = api.get("/api/v1/jobs/" + trainedJob);
            assertEquals("SUCCEEDED", job.get("state").asString());
            assertEquals(history, job.get("history").toString());
            assertEquals(200, api.get("/api/v1/datasets/" + dataset).get("samples").asInt());

            // a model created and then the process killed between requests
            String fresh = api.post("/api/v1/models", lstmModel()).get("id").asString();
            longJob = Map.of("model_id", fresh, "dataset_id", dataset, "epochs", 12, "batch_size", 8, "seed", 5);
            interrupted = api.post("/api/v1/jobs", longJob).get("id").asString();
            api.awaitJob(interrupted, j -> j.get("history").path("loss").size() >= 2 || Http.ended(j),
                    Duration.ofSeconds(120));
            second.kill(); // during training
            longJob = Map.of("model_id", fresh, "dataset_id", dataset, "epochs", 12, "batch_size", 8, "seed", 5);
        }
        String resumedWeights;
        try (ServiceProcess third = ServiceProcess.startHealthy(data)) {
            Api api = new Api(third);
            JsonNode resumed = api.awaitJob(interrupted, Http::ended, Duration.ofSeconds(180));
            assertEquals("SUCCEEDED", resumed.get("state").asString(), resumed.toString());
            assertNotNull(resumed.get("resumed_from_epoch").asString(null), "the job resumed from a checkpoint");
            assertTrue(resumed.get("resumed_from_epoch").asInt() >= 2, resumed.toString());
            assertEquals(12, resumed.get("history").get("loss").size());
            resumedWeights = api.raw("/api/v1/models/" + longJob.get("model_id") + "/weights");

            // the same job uninterrupted, on a new model with the same definition and seed
            String twin = api.post("/api/v1/models", lstmModel()).get("id").asString();
            Map<String, Object> same = Map.of("model_id", twin, "dataset_id", dataset, "epochs", 12, "batch_size", 8,
                    "seed", 5);
            String straight = api.post("/api/v1/jobs", same).get("id").asString();
            JsonNode end = api.awaitJob(straight, Http::ended, Duration.ofSeconds(180));
            assertEquals(resumed.get("history"), end.get("history"), "same history");
            assertEquals(Http.JSON.readTree(resumedWeights).get("weights"),
                    api.get("/api/v1/models/" + twin + "/weights").get("weights"), "same final weights");
        }
    }

    @Test
    void sigtermPausesRunningJobsAtACheckpointAndExitsInTime() throws Exception {
        Path data = tmp.resolve("term");
        String job;
        try (ServiceProcess service = ServiceProcess.startHealthy(data)) {
            Api api = new Api(service);
            String model = api.post("/api/v1/models", lstmModel()).get("id").asString();
            String dataset = api.post("/api/v1/datasets", RequestBodies.sineDataset(400, 20)).get("id").asString();
            job = api.post("/api/v1/jobs", Map.of("model_id", model, "dataset_id", dataset, "epochs", 1000,
                    "batch_size", 4, "seed", 1)).get("id").asString();
            api.awaitJob(job, j -> j.get("history").path("loss").size() >= 1, Duration.ofSeconds(120));
            Duration took = service.terminate(Duration.ofSeconds(30));
            assertNotNull(took, "the service did not exit within 30 s of SIGTERM");
            assertTrue(took.toSeconds() < 15, "exit took " + took);
        }
        assertTrue(Files.exists(data.resolve("jobs/" + job + ".checkpoint.bin")), "a checkpoint is on disk");
        try (ServiceProcess again = ServiceProcess.startHealthy(data)) {
            Api api = new Api(again);
            JsonNode resumed = api.awaitJob(job, j -> j.get("resumed_from_epoch").asInt(0) >= 1,
                    Duration.ofSeconds(60));
            assertEquals("RUNNING", resumed.get("state").asString());
            api.http().post("/api/v1/jobs/" + job + "/cancel", "{}");
        }
    }

    @Test
    void aDataDirectoryFromANewerFormatIsRefusedWithANonZeroExit() throws Exception {
        Path data = tmp.resolve("newer");
        Files.createDirectories(data);
        Files.writeString(data.resolve("format.json"), "{\"format\": \"rnn-service-data\", \"version\": 42}");
        ServiceProcess service = ServiceProcess.start(data);
        int code = service.waitForExit(Duration.ofSeconds(60));
        assertNotEquals(0, code);
        assertTrue(Files.readString(service.log).contains("format version 42"), "the log says why");
        assertEquals("{\"format\": \"rnn-service-data\", \"version\": 42}", Files.readString(data.resolve("format.json")));
    }
}
