package org.rnnservice.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.rnnservice.RequestBodies.layer;

import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.rnnservice.Http;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Request batching through the API, TF Serving's and KServe's addresses: concurrent single-instance requests are
 * answered with exactly the predictions each gets alone, and the batch-size metric shows they were merged.
 */
class BatchingApiTest extends ApiTestSupport {

    @Autowired
    MeterRegistry meters;

    @Test
    void concurrentRequestsAreMergedAndEachAnswerIsItsUnbatchedPrediction() throws Exception {
        Map<String, Object> body = model(shape(null, 1), List.of(layer("LSTM", "units", 50),
                layer("Dense", "units", 1)), "mse");
        body.put("name", "batched-lstm50");
        String id = createModel(body);
        Random r = new Random(9);
        List<String> requests = new ArrayList<>();
        List<String> alone = new ArrayList<>();
        for (int i = 0; i < 96; i++) {
            StringBuilder steps = new StringBuilder();
            int length = 5 + i % 3 * 10; // three lengths, each its own queue
            for (int t = 0; t < length; t++) {
                steps.append(t == 0 ? "" : ",").append("[").append((float) r.nextGaussian()).append("]");
            }
            String request = "{\"instances\": [[" + steps + "]]}";
            requests.add(request);
            // one at a time: every batch holds this request alone
            alone.add(http.post("/api/v1/models/" + id + "/predict", "application/json", request).json()
                    .get("predictions").toString());
        }
        double before = meters.find("rnn.batching.batch.size").tag("model", "batched-lstm50").summary().max();
        // batches of 4 that wait (up to 2 s) until they are full: every concurrent request shares a pass
        assertEquals(200, http.put("/api/v1/models/" + id + "/batching", "{\"max_batch_size\": 4,"
                + " \"batch_timeout_micros\": 2000000, \"num_batch_threads\": 1}").status());
        ExecutorService pool = Executors.newFixedThreadPool(32);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<String>> answers = new ArrayList<>();
            String[] addresses = {"/api/v1/models/" + id + "/predict", "/v1/models/batched-lstm50:predict"};
            for (int i = 0; i < requests.size(); i++) {
                String request = requests.get(i);
                String address = addresses[i % 2];
                answers.add(pool.submit(() -> {
                    go.await();
                    Http.Response a = http.post(address, "application/json", request);
                    assertEquals(200, a.status(), a.body());
                    return a.json().get("predictions").toString();
                }));
            }
            go.countDown();
            for (int i = 0; i < requests.size(); i++) {
                assertEquals(alone.get(i), answers.get(i).get(60, TimeUnit.SECONDS), "request " + i);
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(1.0, before, "alone, each batch held one instance");
        double largest = meters.find("rnn.batching.batch.size").tag("model", "batched-lstm50").summary().max();
        assertEquals(4.0, largest, "concurrent requests were merged into full batches");
        assertTrue(meters.find("rnn.batching.queue.time").tag("model", "batched-lstm50").timer().count() >= 192);
        // and Prometheus scrapes them, per model
        String scraped = http.get("/actuator/prometheus", "text/plain").body();
        for (String metric : List.of("rnn_batching_batch_size_count", "rnn_batching_queue_time_seconds_count",
                "rnn_batching_compute_time_seconds_count", "rnn_batching_queued")) {
            assertTrue(scraped.contains(metric + "{model=\"batched-lstm50\"}"), metric + " in " + scraped.lines()
                    .filter(l -> l.startsWith("rnn_batching")).toList());
        }
    }

    @Test
    void aModelsOwnSettingsOverrideTheServicesAndBadOnesAreRefusedByName() throws Exception {
        Map<String, Object> body = model(shape(null, 1), List.of(layer("GRU", "units", 8),
                layer("Dense", "units", 1)), "mse");
        body.put("name", "unbatched-gru");
        String id = createModel(body);
        Http.Response bad = http.put("/api/v1/models/" + id + "/batching", "{\"max_batch_size\": 0}");
        assertEquals(400, bad.status(), bad.body());
        assertEquals("max_batch_size", bad.json().get("errors").get(0).get("field").asString());
        Http.Response unknown = http.put("/api/v1/models/" + id + "/batching", "{\"batch_timeout\": 5}");
        assertEquals(400, unknown.status(), unknown.body());
        assertTrue(http.get("/api/v1/models/" + id).json().get("batching").isNull(), "nothing changed");

        Http.Response off = http.put("/api/v1/models/" + id + "/batching", "{\"enabled\": false}");
        assertEquals(200, off.status(), off.body());
        assertEquals(false, off.json().get("batching").get("enabled").asBoolean());
        concurrently(id, 40);
        assertEquals(null, meters.find("rnn.batching.batch.size").tag("model", "unbatched-gru").summary(),
                "with batching off for the model, no prediction went through the batcher");

        Http.Response back = http.delete("/api/v1/models/" + id + "/batching");
        assertEquals(200, back.status(), back.body());
        assertTrue(back.json().get("batching").isNull());
        concurrently(id, 40);
        assertEquals(40, meters.find("rnn.batching.queue.time").tag("model", "unbatched-gru").timer().count());
    }

    private void concurrently(String id, int n) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Integer>> got = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                got.add(pool.submit(() -> http.post("/api/v1/models/" + id + "/predict", "application/json",
                        "{\"instances\": [[[0.1], [0.2], [0.3]]]}").status()));
            }
            for (Future<Integer> f : got) {
                assertEquals(200, f.get(60, TimeUnit.SECONDS));
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
