package org.rnnservice.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.rnnservice.RequestBodies.layer;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.rnnservice.Http;
import tools.jackson.databind.JsonNode;

/**
 * Streaming sessions over HTTP: a stream sent in chunks gets, after every chunk, exactly what predicting its whole
 * history at once gives (LSTM, GRU, stacked layers returning sequences); what cannot be continued is refused.
 */
class SessionsApiTest extends ApiTestSupport {

    @org.springframework.beans.factory.annotation.Autowired
    io.micrometer.core.instrument.MeterRegistry meters;

    private static final int STEPS = 20;

    private static List<Object> series() {
        List<Object> steps = new ArrayList<>();
        for (int t = 0; t < STEPS; t++) {
            steps.add(List.of((float) Math.sin(t / 3.0), (float) Math.cos(t / 5.0)));
        }
        return steps;
    }

    private String open(String model) {
        Http.Response r = http.post("/api/v1/models/" + model + "/sessions", Map.of());
        assertEquals(201, r.status(), r.body());
        String sid = r.json().get("session_id").asString();
        assertEquals("/api/v1/sessions/" + sid, r.header("Location"));
        return sid;
    }

    @Test
    void everyChunkAnswersWhatTheWholeHistoryWouldForLstmAndGru() {
        for (String type : List.of("LSTM", "GRU")) {
            String model = createModel(model(shape(null, 2), List.of(layer(type, "units", 16),
                    layer("Dense", "units", 1)), "mse"));
            String sid = open(model);
            List<Object> steps = series();
            int at = 0;
            for (int n : new int[] {3, 1, 5, 11}) {
                JsonNode chunk = http.post("/api/v1/sessions/" + sid + "/predict",
                        Map.of("instances", List.of(steps.subList(at, at + n)))).json();
                at += n;
                JsonNode prefix = http.post("/api/v1/models/" + model + "/predict",
                        Map.of("instances", List.of(steps.subList(0, at)))).json();
                assertEquals(prefix.get("predictions").get(0).toString(), chunk.get("predictions").toString(),
                        type + " after " + at + " steps");
                assertEquals(at, chunk.get("steps_seen").asInt());
            }
            assertEquals(STEPS, http.get("/api/v1/sessions/" + sid).json().get("steps_seen").asInt());
            assertEquals(204, http.delete("/api/v1/sessions/" + sid).status());
            Http.Response gone = http.post("/api/v1/sessions/" + sid + "/predict",
                    Map.of("instances", List.of(steps.subList(0, 1))));
            assertEquals(404, gone.status());
            assertEquals("application/problem+json", gone.contentType());
        }
    }

    @Test
    void stackedLayersReturningSequencesAnswerEveryStepOfEachChunk() {
        String model = createModel(model(shape(null, 2), List.of(layer("LSTM", "units", 12, "return_sequences",
                true), layer("GRU", "units", 6, "return_sequences", true), Map.of("type", "TimeDistributed",
                "layer", Map.of("type", "Dense", "units", 2))), "mse"));
        String sid = open(model);
        List<Object> steps = series();
        List<String> streamed = new ArrayList<>();
        int at = 0;
        for (int n : new int[] {7, 2, 2, 9}) {
            JsonNode chunk = http.post("/api/v1/sessions/" + sid + "/predict",
                    Map.of("instances", List.of(steps.subList(at, at + n)))).json().get("predictions");
            assertEquals(n, chunk.size(), "one row per step sent");
            chunk.forEach(row -> streamed.add(row.toString()));
            at += n;
        }
        List<String> whole = new ArrayList<>();
        http.post("/api/v1/models/" + model + "/predict", Map.of("instances", List.of(steps))).json()
                .get("predictions").get(0).forEach(row -> whole.add(row.toString()));
        assertEquals(whole, streamed);
    }

    @Test
    void whatCannotBeContinuedOrIsNotOneStreamIsRefused() {
        String bidirectional = createModel(model(shape(null, 1), List.of(Map.of("type", "Bidirectional", "layer",
                Map.of("type", "LSTM", "units", 4)), layer("Dense", "units", 1)), "mse"));
        Http.Response refused = http.post("/api/v1/models/" + bidirectional + "/sessions", Map.of());
        assertEquals(422, refused.status(), refused.body());
        assertEquals("layers[0]", refused.json().get("errors").get(0).get("field").asString());
        assertTrue(refused.json().get("detail").asString().contains("Bidirectional"));

        String model = createModel(model(shape(null, 1), List.of(layer("SimpleRNN", "units", 4),
                layer("Dense", "units", 1)), "mse"));
        String sid = open(model);
        Http.Response two = http.post("/api/v1/sessions/" + sid + "/predict",
                Map.of("instances", List.of(List.of(List.of(0.1)), List.of(List.of(0.2)))));
        assertEquals(400, two.status(), two.body());
        assertEquals("instances", two.json().get("errors").get(0).get("field").asString());
        assertEquals(0, http.get("/api/v1/sessions/" + sid).json().get("steps_seen").asInt(), "nothing changed");
        assertEquals(404, http.post("/api/v1/models/" + model + "/sessions?version=9", Map.of()).status());
        assertEquals(404, http.get("/api/v1/sessions/no-such-session").status());
    }

    @Test
    void chunksOfManySessionsShareForwardPassesAndStayExact() throws Exception {
        Map<String, Object> body = model(shape(null, 2), List.of(layer("LSTM", "units", 10),
                layer("Dense", "units", 1)), "mse");
        body.put("name", "streamed-lstm");
        String model = createModel(body);
        int sessions = 12;
        int[] chunks = {2, 3, 1};
        List<List<Object>> streams = new ArrayList<>();
        List<List<String>> expected = new ArrayList<>();
        for (int s = 0; s < sessions; s++) {
            List<Object> steps = new ArrayList<>();
            for (int t = 0; t < 6; t++) {
                steps.add(List.of((float) Math.sin(s + t / 3.0), (float) Math.cos(s * t / 5.0)));
            }
            streams.add(steps);
            List<String> answers = new ArrayList<>();
            int at = 0;
            for (int n : chunks) {
                at += n;
                answers.add(http.post("/api/v1/models/" + model + "/predict", Map.of("instances",
                        List.of(steps.subList(0, at)))).json().get("predictions").get(0).toString());
            }
            expected.add(answers);
        }
        // batches of 4 that wait until full: the 12 sessions' chunks of each round share 3 passes
        assertEquals(200, http.put("/api/v1/models/" + model + "/batching", "{\"max_batch_size\": 4,"
                + " \"batch_timeout_micros\": 2000000, \"num_batch_threads\": 1}").status());
        List<String> ids = new ArrayList<>();
        for (int s = 0; s < sessions; s++) {
            ids.add(open(model));
        }
        long passesBefore = meters.find("rnn.batching.batch.size").tag("model", "streamed-lstm").summary().count();
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(sessions);
        try {
            int at = 0;
            for (int round = 0; round < chunks.length; round++) {
                int from = at;
                int n = chunks[round];
                List<java.util.concurrent.Future<String>> answers = new ArrayList<>();
                for (int s = 0; s < sessions; s++) {
                    String sid = ids.get(s);
                    List<Object> chunk = streams.get(s).subList(from, from + n);
                    answers.add(pool.submit(() -> http.post("/api/v1/sessions/" + sid + "/predict",
                            Map.of("instances", List.of(chunk))).json().get("predictions").toString()));
                }
                for (int s = 0; s < sessions; s++) {
                    assertEquals(expected.get(s).get(round), answers.get(s).get(60,
                            java.util.concurrent.TimeUnit.SECONDS), "session " + s + " round " + round);
                }
                at += n;
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(4.0, meters.find("rnn.batching.batch.size").tag("model", "streamed-lstm").summary().max());
        assertEquals(passesBefore + 9, meters.find("rnn.batching.batch.size").tag("model", "streamed-lstm")
                .summary().count(), "3 rounds of 3 full batches");
    }
}
