package org.rnnservice.storage.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.rnnservice.Http;
import org.rnnservice.RequestBodies;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/** The whole service with {@code rnn.store=postgres}: the tutorial's path, every record and weight in PostgreSQL. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class PostgresServiceTest {

    private static final TestPostgres.Database DB = TestPostgres.freshDatabase();

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void postgres(DynamicPropertyRegistry registry) {
        registry.add("rnn.store", () -> "postgres");
        registry.add("rnn.instance-id", () -> "replica-a");
        registry.add("rnn.queue-capacity", () -> "1");
        registry.add("spring.datasource.url", DB::url);
        registry.add("spring.datasource.username", DB::user);
        registry.add("spring.datasource.password", DB::password);
    }

    @Test
    void trainsAndPredictsWithEverythingInPostgres() throws Exception {
        Http http = new Http(port);
        JsonNode health = http.get("/actuator/health").json().get("components").get("store");
        assertEquals("UP", health.get("status").asString(), health.toString());
        assertEquals("postgres", health.get("details").get("store").asString());
        assertEquals("replica-a", health.get("details").get("instance_id").asString());

        Http.Response model = http.post("/api/v1/models", Map.of("input_shape", java.util.Arrays.asList(null, 1),
                "layers", List.of(RequestBodies.layer("SimpleRNN", "units", 10), RequestBodies.layer("Dense", "units", 1)),
                "compile", Map.of("optimizer", "adam", "loss", "mse"), "seed", 42));
        assertEquals(201, model.status(), model.body());
        String id = model.json().get("id").asString();
        List<Object> x = new ArrayList<>();
        List<Object> y = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            x.add(List.of(List.of(i / 100.0)));
            y.add(i / 100.0 + 0.1);
        }
        Http.Response data = http.post("/api/v1/datasets", Map.of("name", "example-2", "x", x, "y", y));
        assertEquals(201, data.status(), data.body());
        Http.Response job = http.post("/api/v1/jobs", Map.of("model_id", id, "dataset_id",
                data.json().get("id").asString(), "epochs", 10, "batch_size", 1, "tags", Map.of("store", "pg")));
        assertEquals(202, job.status(), job.body());
        JsonNode done = http.awaitJob(job.json().get("id").asString(), Duration.ofSeconds(60));
        assertEquals("SUCCEEDED", done.get("state").asString(), done.toString());
        Http.Response predicted = http.post("/api/v1/models/" + id + "/predict",
                Map.of("instances", List.of(List.of(List.of(0.5)))));
        assertEquals(200, predicted.status(), predicted.body());
        assertEquals(0.6, predicted.json().get("predictions").get(0).get(0).asDouble(), 0.1);

        // aliases and run search on the database's rows: a refusal inside the row's update is the client's 404
        assertEquals(200, http.put("/api/v1/models/" + id + "/aliases/champion", "{\"version\": 1}").status());
        Http.Response notKept = http.put("/api/v1/models/" + id + "/aliases/champion", "{\"version\": 9}");
        assertEquals(404, notKept.status(), notKept.body());
        assertEquals(1, http.get("/api/v1/models/" + id).json().get("aliases").get("champion").asInt());
        assertEquals(predicted.json().get("predictions"), http.post("/api/v1/models/" + id + "/predict?alias=champion",
                Map.of("instances", List.of(List.of(List.of(0.5))))).json().get("predictions"));
        JsonNode found = http.get("/api/v1/jobs?filter=" + java.net.URLEncoder.encode("tags.store = 'pg' and"
                + " params.batch_size = '1'", java.nio.charset.StandardCharsets.UTF_8)).json().get("items");
        assertEquals(1, found.size(), found.toString());
        assertEquals(done.get("id"), found.get(0).get("id"));
        assertEquals(done.get("history").get("loss").get(9).asDouble(), found.get(0).get("metrics").get("loss")
                .asDouble());

        // the rows are really there: a second store on the same database reads the model and its trained weights
        PostgresStore other = new PostgresStore(DB.dataSource(), tools.jackson.databind.json.JsonMapper.builder()
                .build());
        assertTrue(other.get(org.rnnservice.storage.Store.Collection.MODELS, id, Map.class).isPresent());
        assertTrue(!other.getTensors(org.rnnservice.storage.Store.Collection.MODELS, id, "weights/v1").isEmpty());
    }

    @Test
    void theQueueBoundCountsTheDatabasesQueueAndQueuedJobsCancel() throws Exception {
        Http http = new Http(port);
        String model = http.post("/api/v1/models", Map.of("input_shape", java.util.Arrays.asList(null, 1),
                "layers", List.of(RequestBodies.layer("LSTM", "units", 16), RequestBodies.layer("Dense", "units", 1)),
                "compile", Map.of("optimizer", "adam", "loss", "mse"))).json().get("id").asString();
        String data = http.post("/api/v1/datasets", RequestBodies.sineDataset(64, 8)).json().get("id").asString();
        Map<String, Object> longJob = Map.of("model_id", model, "dataset_id", data, "epochs", 10_000);
        String first = http.post("/api/v1/jobs", longJob).json().get("id").asString();
        http.awaitState(first, "RUNNING", Duration.ofSeconds(30)); // claimed: no longer counted as waiting
        Http.Response second = http.post("/api/v1/jobs", longJob);
        assertEquals(202, second.status(), second.body());
        Http.Response third = http.post("/api/v1/jobs", longJob);
        assertEquals(429, third.status(), third.body());
        assertTrue(third.header("Retry-After") != null);

        String queued = second.json().get("id").asString();
        assertEquals(200, http.post("/api/v1/jobs/" + queued + "/cancel", Map.of()).status());
        assertEquals("CANCELLED", http.get("/api/v1/jobs/" + queued).json().get("state").asString());
        assertEquals(202, http.post("/api/v1/jobs/" + first + "/cancel", Map.of()).status());
        assertEquals("CANCELLED", http.awaitJob(first, Duration.ofSeconds(30)).get("state").asString());
    }
}
