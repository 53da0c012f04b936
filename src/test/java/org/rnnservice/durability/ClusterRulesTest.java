package org.rnnservice.durability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.rnnservice.Http;
import org.rnnservice.RequestBodies;
import org.rnnservice.storage.postgres.TestPostgres;
import tools.jackson.databind.JsonNode;

/**
 * The promises one process keeps, kept by two replicas on one PostgreSQL with a pool of three connections, requests
 * sent through both at the same moment: one model per name, every fine-tuning's version published, nothing in use
 * deleted, and a flood of submissions answered 202 or 429 only.
 */
class ClusterRulesTest {

    private static Path tmp;
    private static final List<ServiceProcess> REPLICAS = new ArrayList<>();
    private static final List<Http> HTTP = new ArrayList<>();
    private static final ExecutorService POOL = Executors.newFixedThreadPool(24);

    @BeforeAll
    static void start() throws Exception {
        tmp = Files.createTempDirectory("cluster-rules");
        TestPostgres.Database db = TestPostgres.freshDatabase();
        for (int i = 0; i < 2; i++) {
            REPLICAS.add(ServiceProcess.start(tmp.resolve("data-" + i), "--rnn.store=postgres",
                    "--spring.datasource.url=" + db.url(), "--spring.datasource.username=" + db.user(),
                    "--spring.datasource.password=" + db.password(), "--rnn.instance-id=replica-" + i,
                    "--spring.datasource.hikari.maximum-pool-size=3", "--rnn.cluster.lease=6s", "--rnn.workers=1",
                    "--rnn.queue-capacity=6"));
        }
        for (ServiceProcess r : REPLICAS) {
            r.awaitHealthy(Duration.ofSeconds(120));
            HTTP.add(new Http(r.port));
        }
    }

    @AfterAll
    static void stop() throws Exception {
        POOL.shutdownNow();
        for (ServiceProcess r : REPLICAS) {
            r.close();
            Files.createDirectories(Path.of("target", "cluster-logs"));
            Files.copy(r.log, Path.of("target", "cluster-logs", "rules-" + r.log.getFileName()),
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** Runs the calls at the same moment (released together by a latch) and returns their answers in order. */
    private static <T> List<T> atOnce(List<Callable<T>> calls) throws Exception {
        CountDownLatch go = new CountDownLatch(1);
        List<Future<T>> futures = new ArrayList<>();
        for (Callable<T> call : calls) {
            futures.add(POOL.submit(() -> {
                go.await();
                return call.call();
            }));
        }
        go.countDown();
        List<T> out = new ArrayList<>();
        for (Future<T> f : futures) {
            out.add(f.get(60, TimeUnit.SECONDS));
        }
        return out;
    }

    private static Map<String, Object> model(String name) {
        Map<String, Object> m = new java.util.LinkedHashMap<>(Map.of("input_shape", Arrays.asList(null, 1),
                "seed", 5, "layers", List.of(Map.of("type", "SimpleRNN", "units", 4), Map.of("type", "Dense", "units", 1)),
                "compile", Map.of("optimizer", "adam", "loss", "mse")));
        if (name != null) {
            m.put("name", name);
        }
        return m;
    }

    private static JsonNode ok(Http.Response r) {
        assertTrue(r.status() / 100 == 2, r.status() + " " + r.body());
        return r.json();
    }

    @Test
    void theSameNameThroughTwoReplicasAtOnceIsCreatedOnce() throws Exception {
        for (int round = 0; round < 20; round++) {
            String name = "twin-" + round;
            List<Integer> statuses = atOnce(List.of(
                    () -> HTTP.get(0).post("/api/v1/models", model(name)).status(),
                    () -> HTTP.get(1).post("/api/v1/models", model(name)).status()));
            assertEquals(List.of(201, 409), statuses.stream().sorted().toList(), "round " + round);
        }
        // models without a name take Keras' default names, sequential, sequential_1, ..., each once
        List<JsonNode> unnamed = atOnce(List.of(
                () -> ok(HTTP.get(0).post("/api/v1/models", model(null))),
                () -> ok(HTTP.get(1).post("/api/v1/models", model(null))),
                () -> ok(HTTP.get(0).post("/api/v1/models", model(null))),
                () -> ok(HTTP.get(1).post("/api/v1/models", model(null)))));
        Set<String> names = new TreeSet<>();
        unnamed.forEach(m -> names.add(m.get("name").asString()));
        assertEquals(4, names.size(), names.toString());
    }

    @Test
    void fourFineTuningsOfOneModelThroughTwoReplicasPublishFourVersions() throws Exception {
        String model = ok(HTTP.get(0).post("/api/v1/models", model("tuned"))).get("id").asString();
        String data = ok(HTTP.get(1).post("/api/v1/datasets", RequestBodies.sineDataset(64, 4))).get("id").asString();
        Map<String, Object> job = Map.of("model_id", model, "dataset_id", data, "epochs", 1, "batch_size", 16);
        List<String> jobs = atOnce(List.of(
                () -> ok(HTTP.get(0).post("/api/v1/jobs", job)).get("id").asString(),
                () -> ok(HTTP.get(1).post("/api/v1/jobs", job)).get("id").asString(),
                () -> ok(HTTP.get(0).post("/api/v1/jobs", job)).get("id").asString(),
                () -> ok(HTTP.get(1).post("/api/v1/jobs", job)).get("id").asString()));
        Set<Integer> versions = new TreeSet<>();
        for (String id : jobs) {
            JsonNode done = HTTP.get(0).awaitJob(id, Duration.ofSeconds(120));
            assertEquals("SUCCEEDED", done.get("state").asString(), done.toString());
            versions.add(done.get("model_version").asInt());
        }
        assertEquals(Set.of(1, 2, 3, 4), versions, "each job its own version");
        JsonNode record = ok(HTTP.get(1).get("/api/v1/models/" + model));
        assertEquals(4, record.get("version").asInt());
        Set<String> byJob = new TreeSet<>();
        record.get("versions").forEach(v -> {
            if (!v.get("job_id").isNull()) {
                byJob.add(v.get("job_id").asString());
            }
        });
        assertEquals(new TreeSet<>(jobs), byJob, "every job's version is on record");
    }

    @Test
    void whatARunningJobUsesCannotBeDeletedThroughEitherReplica() throws Exception {
        String model = ok(HTTP.get(0).post("/api/v1/models", model("in-use"))).get("id").asString();
        String data = ok(HTTP.get(0).post("/api/v1/datasets", RequestBodies.sineDataset(200, 8))).get("id").asString();
        String job = ok(HTTP.get(0).post("/api/v1/jobs", Map.of("model_id", model, "dataset_id", data,
                "epochs", 10_000, "batch_size", 4))).get("id").asString();
        JsonNode running = HTTP.get(0).awaitJob(job, j -> "RUNNING".equals(j.get("state").asString()),
                Duration.ofSeconds(60));
        String worker = running.get("worker").asString();
        for (Http h : HTTP) {
            assertEquals(409, h.delete("/api/v1/models/" + model).status(), "model through " + h.base());
            assertEquals(409, h.delete("/api/v1/datasets/" + data).status(), "dataset through " + h.base());
        }
        Http other = HTTP.get("replica-0".equals(worker) ? 1 : 0);
        ok(other.post("/api/v1/jobs/" + job + "/cancel", Map.of()));
        assertEquals("CANCELLED", other.awaitJob(job, Duration.ofSeconds(30)).get("state").asString());
        assertEquals(204, other.delete("/api/v1/models/" + model).status(), "free once the job ended");
        assertEquals(204, other.delete("/api/v1/datasets/" + data + "?force=true").status());
    }

    @Test
    void aFloodOfSubmissionsThroughBothReplicasIsAnswered202Or429() throws Exception {
        String model = ok(HTTP.get(0).post("/api/v1/models", model("flooded"))).get("id").asString();
        String data = ok(HTTP.get(1).post("/api/v1/datasets", RequestBodies.sineDataset(32, 4))).get("id").asString();
        Map<String, Object> job = Map.of("model_id", model, "dataset_id", data, "epochs", 1, "batch_size", 16);
        List<Callable<Http.Response>> calls = new ArrayList<>();
        for (int i = 0; i < 24; i++) {
            Http h = HTTP.get(i % 2);
            calls.add(() -> h.post("/api/v1/jobs", job));
        }
        long start = System.nanoTime();
        List<Http.Response> answers = atOnce(calls);
        double seconds = (System.nanoTime() - start) / 1e9;
        Map<Integer, Long> statuses = new java.util.TreeMap<>();
        answers.forEach(r -> statuses.merge(r.status(), 1L, Long::sum));
        for (Http.Response r : answers) {
            assertTrue(r.status() == 202 || r.status() == 429, r.status() + " " + r.body());
        }
        assertTrue(seconds < 30, "answered in " + seconds + " s");
        assertTrue(statuses.getOrDefault(429, 0L) > 0 && statuses.getOrDefault(202, 0L) > 0, statuses.toString());
        System.out.printf("CLUSTER: 24 submissions through two replicas (pool of 3): %s in %.1f s%n", statuses,
                seconds);
        for (Http.Response r : answers) {
            if (r.status() == 202) {
                HTTP.get(0).awaitJob(r.json().get("id").asString(), Duration.ofSeconds(120));
            }
        }
    }

    /** Reads a job's stream from a replica, resuming after {@code lastEventId}, until {@code max} events or its end. */
    private static List<Http.Event> events(Http http, String job, Long lastEventId, int max) {
        return http.events("/api/v1/jobs/" + job + "/events", lastEventId, max);
    }

    @Test
    void anEventStreamResumedThroughTheOtherReplicaGoesOnWithoutGapOrRepeat() throws Exception {
        String model = ok(HTTP.get(0).post("/api/v1/models", model("streamed"))).get("id").asString();
        String data = ok(HTTP.get(0).post("/api/v1/datasets", RequestBodies.sineDataset(600, 12))).get("id")
                .asString();
        int epochs = 60;
        String job = ok(HTTP.get(0).post("/api/v1/jobs", Map.of("model_id", model, "dataset_id", data,
                "epochs", epochs, "batch_size", 4))).get("id").asString();
        JsonNode running = HTTP.get(0).awaitJob(job, j -> "RUNNING".equals(j.get("state").asString()),
                Duration.ofSeconds(60));
        int trainer = "replica-0".equals(running.get("worker").asString()) ? 0 : 1;
        // from the replica that trains it until two epochs went by, then the line drops
        List<Http.Event> first = new ArrayList<>();
        for (Http.Event e : events(HTTP.get(trainer), job, null, 100_000)) {
            first.add(e);
            if (first.stream().filter(x -> "epoch".equals(x.name())).count() == 2) {
                break;
            }
        }
        // the reconnect lands on the other replica, which relays the job from the store
        List<Http.Event> second = events(HTTP.get(1 - trainer), job, first.get(first.size() - 1).id(), 100_000);
        assertEquals(2, first.stream().filter(x -> "epoch".equals(x.name())).count(), "left while it trained");
        assertTrue(second.stream().anyMatch(x -> "epoch".equals(x.name())), "epochs came through the other replica");
        List<Http.Event> all = new ArrayList<>(first);
        all.addAll(second);
        for (int i = 1; i < all.size(); i++) {
            assertTrue(all.get(i).id() > all.get(i - 1).id(), "ids grow, no event twice: " + all.get(i - 1).id()
                    + " then " + all.get(i).id());
        }
        int seenBefore = first.get(0).json().path("history").path("loss").size();
        List<Integer> epochEvents = all.stream().filter(e -> "epoch".equals(e.name()))
                .map(e -> e.json().get("epoch").asInt()).toList();
        List<Integer> expected = new ArrayList<>();
        for (int e = seenBefore + 1; e <= epochs; e++) {
            expected.add(e);
        }
        assertEquals(expected, epochEvents, "every epoch once, in order, across the two replicas");
        Http.Event last = all.get(all.size() - 1);
        assertEquals("state", last.name());
        assertEquals("SUCCEEDED", last.json().get("state").asString());
    }
}
