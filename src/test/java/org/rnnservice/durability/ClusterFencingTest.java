package org.rnnservice.durability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rnnservice.Http;
import org.rnnservice.RequestBodies;
import org.rnnservice.storage.postgres.TestPostgres;
import tools.jackson.databind.JsonNode;

/**
 * Fencing: a replica frozen with SIGSTOP while it trains a job loses its lease, another replica takes the job over
 * from its checkpoint, and when the frozen one wakes (SIGCONT) it writes nothing more for that job: the job ends
 * SUCCEEDED once, each epoch once in its history, one version published, with the weights of an uninterrupted twin.
 */
class ClusterFencingTest {

    private static final int EPOCHS = 6;

    @TempDir
    Path tmp;

    private static JsonNode ok(Http.Response r) {
        assertTrue(r.status() / 100 == 2, r.status() + " " + r.body());
        return r.json();
    }

    @Test
    void aReplicaThatLostItsLeaseWritesNothingWhenItWakes() throws Exception {
        TestPostgres.Database db = TestPostgres.freshDatabase();
        List<ServiceProcess> replicas = new ArrayList<>();
        try {
            for (int i = 0; i < 2; i++) {
                replicas.add(ServiceProcess.replica(tmp, db, i, "6s"));
            }
            for (ServiceProcess r : replicas) {
                r.awaitHealthy(Duration.ofSeconds(120));
            }
            List<Http> http = replicas.stream().map(r -> new Http(r.port)).toList();
            String data = ok(http.get(0).post("/api/v1/datasets", RequestBodies.sineDataset(400, 12))).get("id")
                    .asString();
            Map<String, Object> definition = Map.of("input_shape", Arrays.asList(null, 1), "seed", 11,
                    "layers", List.of(Map.of("type", "LSTM", "units", 32), Map.of("type", "Dense", "units", 1)),
                    "compile", Map.of("optimizer", "adam", "loss", "mse"));
            String model = ok(http.get(0).post("/api/v1/models", definition)).get("id").asString();
            String twin = ok(http.get(1).post("/api/v1/models", definition)).get("id").asString();
            Map<String, Object> fit = Map.of("dataset_id", data, "epochs", EPOCHS, "batch_size", 16, "seed", 3);
            String job = ok(http.get(0).post("/api/v1/jobs", with(fit, model))).get("id").asString();

            JsonNode running = http.get(0).awaitJob(job, j -> "RUNNING".equals(j.get("state").asString())
                    && j.get("history").path("loss").size() >= 1, Duration.ofSeconds(120));
            String frozenName = running.get("worker").asString();
            int frozen = frozenName.equals("replica-0") ? 0 : 1;
            Http other = http.get(1 - frozen);
            replicas.get(frozen).signal("STOP");
            JsonNode takenOver = other.awaitJob(job, j -> !frozenName.equals(j.get("worker").asString())
                    || Http.ended(j), Duration.ofSeconds(60));
            assertNotEquals(frozenName, takenOver.get("worker").asString(), "taken over while frozen");
            replicas.get(frozen).signal("CONT");

            JsonNode done = other.awaitJob(job, Duration.ofSeconds(180));
            assertEquals("SUCCEEDED", done.get("state").asString(), done.toString());
            // the woken replica found its claim gone at its first write and stopped there
            replicas.get(frozen).awaitLog("Job " + job + " stops here without another write", Duration.ofSeconds(60));
            JsonNode after = ok(other.get("/api/v1/jobs/" + job));
            assertEquals(done.toString(), after.toString(), "nothing written for the job after it ended");
            assertEquals(EPOCHS, after.get("history").get("loss").size(), "each epoch once in its history");
            JsonNode versions = ok(http.get(frozen).get("/api/v1/models/" + model)).get("versions");
            long byJob = 0;
            for (JsonNode v : versions) {
                byJob += job.equals(v.path("job_id").asString(null)) ? 1 : 0;
            }
            assertEquals(1, byJob, "one version published: " + versions);
            long succeeded = 0;
            for (ServiceProcess r : replicas) {
                succeeded += Files.readAllLines(r.log).stream().filter(l -> l.contains("Job " + job + " SUCCEEDED"))
                        .count();
            }
            assertEquals(1, succeeded, "the job ended once");

            String twinJob = ok(http.get(1).post("/api/v1/jobs", with(fit, twin))).get("id").asString();
            assertEquals("SUCCEEDED", http.get(1).awaitJob(twinJob, Duration.ofSeconds(180)).get("state").asString());
            assertEquals(ok(http.get(1).get("/api/v1/models/" + twin + "/weights")).get("weights").toString(),
                    ok(http.get(0).get("/api/v1/models/" + model + "/weights")).get("weights").toString(),
                    "the interrupted job's weights are its uninterrupted twin's");
            System.out.printf("CLUSTER: %s frozen past its lease, job taken over by %s; woken, it wrote nothing%n",
                    frozenName, takenOver.get("worker").asString());
        } finally {
            for (ServiceProcess r : replicas) {
                r.signal("CONT");
                r.close();
                Files.createDirectories(Path.of("target", "cluster-logs"));
                Files.copy(r.log, Path.of("target", "cluster-logs", "fencing-" + r.log.getFileName()),
                        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }

    private static Map<String, Object> with(Map<String, Object> fit, String model) {
        Map<String, Object> m = new java.util.LinkedHashMap<>(fit);
        m.put("model_id", model);
        return m;
    }
}
