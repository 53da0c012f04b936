package org.rnnservice.api;

import static org.rnnservice.RequestBodies.layer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import org.rnnservice.Http;

/** Health with the worker pool, info, and the Prometheus metrics an operator watches. */
class OperationsApiTest extends ApiTestSupport {

    @Test
    void healthInfoAndPrometheusMetrics() throws Exception {
        Http.Response health = http.get("/actuator/health");
        assertEquals(200, health.status());
        assertEquals("UP", health.json().get("status").asString());
        assertEquals(2, health.json().get("components").get("workerPool").get("details").get("workers").asInt());
        JsonNode store = health.json().get("components").get("store");
        assertEquals("UP", store.get("status").asString(), store.toString());
        assertEquals("file", store.get("details").get("store").asString());
        assertTrue(store.get("details").get("instance_id").asString().matches(".+-\\d+"), store.toString());
        assertEquals(200, http.get("/actuator/info").status());

        String model = createModel(model(shape(null, 1), List.of(layer("SimpleRNN", "units", 4),
                layer("Dense", "units", 1)), "mse"));
        http.awaitJob(submit(model, createSineData(32, 4), 1, 8), Duration.ofSeconds(60));
        http.post("/api/v1/models/" + model + "/predict", Map.of("instances", List.of(List.of(List.of(0.5)))));

        Http.Response prometheus = http.get("/actuator/prometheus");
        assertEquals(200, prometheus.status());
        String text = prometheus.body();
        assertTrue(text.contains("rnn_jobs{") && text.contains("state=\"SUCCEEDED\""), "jobs by state");
        assertTrue(text.contains("rnn_jobs_queue "), "queue length");
        assertTrue(text.contains("rnn_training_samples_total "), "samples trained");
        assertTrue(text.contains("rnn_training_samples_per_second "), "training throughput");
        assertTrue(text.contains("rnn_predictions_seconds_count "), "prediction latency");
    }
}
