package org.rnnservice.durability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
 * Three replicas on one PostgreSQL: jobs submitted through any of them are trained by whichever claims them; one
 * replica is killed with SIGKILL while it trains, and another takes its job up from the last checkpoint once its lease
 * runs out, ending with the weights of an uninterrupted run; every replica answers for every job and model.
 */
class ClusterTest {

    private static final int JOBS = 12;

    @TempDir
    Path tmp;

    private static JsonNode ok(Http.Response r) {
        assertTrue(r.status() / 100 == 2, r.status() + " " + r.body());
        return r.json();
    }

    @Test
    void aKilledReplicasJobResumesElsewhereToTheSameWeights() throws Exception {
        TestPostgres.Database db = TestPostgres.freshDatabase();
        List<ServiceProcess> replicas = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                replicas.add(ServiceProcess.replica(tmp, db, i, "6s"));
            }
            for (ServiceProcess r : replicas) {
                r.awaitHealthy(Duration.ofSeconds(120));
            }
            List<Http> http = replicas.stream().map(r -> new Http(r.port)).toList();
            String data = ok(http.get(0).post("/api/v1/datasets", RequestBodies.sineDataset(400, 12)))
                    .get("id").asString();
            List<String> models = new ArrayList<>();
            List<String> jobs = new ArrayList<>();
            for (int i = 0; i < JOBS; i++) {
                Http via = http.get(i % 3);
                String model = ok(via.post("/api/v1/models", Map.of("input_shape", Arrays.asList(null, 1),
                        "seed", 11, "layers", List.of(Map.of("type", "LSTM", "units", 32),
                                Map.of("type", "Dense", "units", 1)),
                        "compile", Map.of("optimizer", "adam", "loss", "mse")))).get("id").asString();
                models.add(model);
                jobs.add(ok(via.post("/api/v1/jobs", Map.of("model_id", model, "dataset_id", data, "epochs", 4,
                        "batch_size", 16, "seed", 3))).get("id").asString());
            }

            // the last job's events, read through two replicas: at most one of them trains it, the other relays them
            String watched = jobs.get(JOBS - 1);
            List<java.util.concurrent.CompletableFuture<List<String>>> streams = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                Http h = http.get(i);
                streams.add(java.util.concurrent.CompletableFuture.supplyAsync(() -> events(h, watched)));
            }

            // kill replica 2 once it has checkpointed an epoch of a job
            long submitted = System.nanoTime();
            String victimJob = null;
            long deadline = System.nanoTime() + Duration.ofSeconds(180).toNanos();
            while (victimJob == null && System.nanoTime() < deadline) {
                for (String job : jobs) {
                    JsonNode j = ok(http.get(0).get("/api/v1/jobs/" + job));
                    if ("RUNNING".equals(j.get("state").asString()) && "replica-2".equals(j.get("worker").asString())
                            && j.get("history").path("loss").size() >= 1) {
                        victimJob = job;
                    }
                }
            }
            assertTrue(victimJob != null, "replica-2 never trained a job past its first epoch");
            replicas.get(2).kill();
            long killedAt = System.nanoTime();

            JsonNode resumed = http.get(0).awaitJob(victimJob, j -> !"replica-2".equals(j.get("worker").asString())
                    || Http.ended(j), Duration.ofSeconds(120));
            double takeover = (System.nanoTime() - killedAt) / 1e9;
            System.out.printf("CLUSTER: job %s taken over by %s %.1f s after the kill (lease 6 s)%n", victimJob,
                    resumed.get("worker").asString(), takeover);
            for (String job : jobs) {
                JsonNode done = http.get(job.hashCode() % 2 == 0 ? 0 : 1).awaitJob(job, Duration.ofSeconds(300));
                assertEquals("SUCCEEDED", done.get("state").asString(), done.toString());
            }
            String trainer = ok(http.get(0).get("/api/v1/jobs/" + watched)).get("worker").asString();
            for (int i = 0; i < 2; i++) {
                List<String> seen = streams.get(i).get(60, java.util.concurrent.TimeUnit.SECONDS);
                assertTrue(seen.stream().filter("epoch"::equals).count() >= 4, "replica-" + i + ": " + seen);
                assertEquals("state:SUCCEEDED", seen.get(seen.size() - 1), "replica-" + i + ": " + seen);
            }
            System.out.printf("CLUSTER: events of a job trained by %s streamed through replica-0 and replica-1%n",
                    trainer);
            System.out.printf("CLUSTER: %d jobs in %.1f s with a replica killed%n", JOBS,
                    (System.nanoTime() - submitted) / 1e9);
            JsonNode victim = ok(http.get(1).get("/api/v1/jobs/" + victimJob));
            assertNotEquals("replica-2", victim.get("worker").asString());
            assertTrue(victim.get("resumed_from_epoch").asInt() >= 1, victim.toString());
            assertEquals(4, victim.get("history").get("loss").size(), "each epoch once in the history");

            // a job cancelled through a replica that does not train it stops within a second or two
            String longJob = ok(http.get(0).post("/api/v1/jobs", Map.of("model_id", models.get(0), "dataset_id", data,
                    "epochs", 1000, "batch_size", 16, "seed", 3))).get("id").asString();
            JsonNode running = http.get(0).awaitJob(longJob, j -> "RUNNING".equals(j.get("state").asString()),
                    Duration.ofSeconds(60));
            Http other = http.get("replica-0".equals(running.get("worker").asString()) ? 1 : 0);
            ok(other.post("/api/v1/jobs/" + longJob + "/cancel", Map.of()));
            JsonNode cancelled = other.awaitJob(longJob, Duration.ofSeconds(30));
            assertEquals("CANCELLED", cancelled.get("state").asString(), cancelled.toString());

            // the same model, data and seeds: every job ends with the same weights, the resumed one included
            String reference = ok(http.get(0).get("/api/v1/models/" + models.get(0) + "/weights")).get("weights")
                    .toString();
            replicas.set(2, ServiceProcess.replica(tmp, db, 2, "6s"));
            replicas.get(2).awaitHealthy(Duration.ofSeconds(120));
            List<Http> all = replicas.stream().map(r -> new Http(r.port)).toList();
            Map<String, Object> instances = Map.of("instances", List.of(List.of(List.of(0.1), List.of(0.4))));
            String prediction = null;
            for (String model : models) {
                assertEquals(reference, ok(all.get(models.indexOf(model) % 3).get("/api/v1/models/" + model
                        + "/weights")).get("weights").toString(), "weights of " + model);
                for (Http h : all) {
                    String p = ok(h.post("/api/v1/models/" + model + "/predict", instances)).get("predictions")
                            .toString();
                    prediction = prediction == null ? p : prediction;
                    assertEquals(prediction, p, model + " predicted by " + h.base());
                }
            }
        } finally {
            for (ServiceProcess r : replicas) {
                r.close();
                // the replicas' logs, kept beside the test reports for a failure to be read
                java.nio.file.Files.createDirectories(Path.of("target", "cluster-logs"));
                java.nio.file.Files.copy(r.log, Path.of("target", "cluster-logs", r.log.getFileName().toString()),
                        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }

    /** The names of a job's events as one replica streams them until the stream ends ("state:S" for states). */
    private static List<String> events(Http http, String job) {
        return http.events("/api/v1/jobs/" + job + "/events", null, Integer.MAX_VALUE).stream()
                .map(e -> "state".equals(e.name()) ? "state:" + e.json().get("state").asString() : e.name())
                .toList();
    }
}
