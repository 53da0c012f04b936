package org.rnnservice.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.rnnservice.Http;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** One worker and room for one waiting job: the third job gets 429 with Retry-After; a queued job can be cancelled. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class QueueFullApiTest {

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void smallPool(DynamicPropertyRegistry registry) throws Exception {
        String dir = Files.createTempDirectory("rnn-queue-test").toString();
        registry.add("rnn.data-dir", () -> dir);
        registry.add("rnn.workers", () -> "1");
        registry.add("rnn.queue-capacity", () -> "1");
    }

    @Test
    void aFullQueueAnswers429AndQueuedJobsCancelAtOnce() throws Exception {
        Http http = new Http(port);
        String model = http.post("/api/v1/models", Map.of("input_shape", java.util.Arrays.asList(null, 1),
                "layers", List.of(Map.of("type", "LSTM", "units", 32), Map.of("type", "Dense", "units", 1)),
                "compile", Map.of("optimizer", "adam", "loss", "mse"), "seed", 1)).json().get("id").asString();
        StringBuilder csv = new StringBuilder("value\n");
        for (int i = 0; i < 400; i++) {
            csv.append(Math.sin(i * 0.1)).append('\n');
        }
        String data = http.post("/api/v1/datasets?seq_len=20", "text/csv", csv.toString()).json().get("id")
                .asString();
        Map<String, Object> job = Map.of("model_id", model, "dataset_id", data, "epochs", 10_000, "batch_size", 4);
        String running = http.post("/api/v1/jobs", job).json().get("id").asString();
        http.awaitState(running, "RUNNING", Duration.ofSeconds(30));
        Http.Response queued = http.post("/api/v1/jobs", job);
        assertEquals(202, queued.status(), queued.body());
        assertEquals("QUEUED", queued.json().get("state").asString());
        Http.Response full = http.post("/api/v1/jobs", job);
        assertEquals(429, full.status(), full.body());
        assertTrue(full.contentType().startsWith("application/problem+json"));
        assertNotNull(full.header("Retry-After"));

        String queuedId = queued.json().get("id").asString();
        Http.Response cancelled = http.post("/api/v1/jobs/" + queuedId + "/cancel", "{}");
        assertEquals(200, cancelled.status(), cancelled.body());
        assertEquals("CANCELLED", cancelled.json().get("state").asString());
        http.post("/api/v1/jobs/" + running + "/cancel", "{}");
        assertEquals("CANCELLED", http.awaitJob(running, Duration.ofSeconds(30)).get("state").asString());
        Http.Response health = http.get("/actuator/health");
        assertEquals(1, health.json().get("components").get("workerPool").get("details").get("workers").asInt());
    }
}
