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
import org.rnnservice.KerasFixtures;
import tools.jackson.databind.JsonNode;

/** The seed tutorial's four examples, and a GRU, end to end over HTTP. */
class SeedTutorialApiTest extends ApiTestSupport {

    @Test
    void exampleOneSummaryAsJsonAndAsKerasText() {
        String id = createModel(model(shape(null, 1),
                List.of(layer("SimpleRNN", "units", 10), layer("Dense", "units", 1)), "mean_squared_error"));
        JsonNode summary = http.get("/api/v1/models/" + id + "/summary").json();
        assertEquals(131, summary.get("total_params").asInt());
        assertEquals(131, summary.get("trainable_params").asInt());
        assertEquals(0, summary.get("non_trainable_params").asInt());
        JsonNode rnn = summary.get("layers").get(0);
        assertEquals("simple_rnn", rnn.get("name").asString());
        assertEquals("SimpleRNN", rnn.get("type").asString());
        assertEquals("[null,10]", rnn.get("output_shape").toString());
        assertEquals(120, rnn.get("params").asInt());
        assertEquals(11, summary.get("layers").get(1).get("params").asInt());

        Http.Response text = http.get("/api/v1/models/" + id + "/summary", "text/plain");
        assertEquals(200, text.status());
        assertTrue(text.contentType().startsWith("text/plain"), text.contentType());
        // Keras names unnamed models sequential, sequential_1, ... in a session; the service does so over its models
        String name = http.get("/api/v1/models/" + id).json().get("name").asString();
        assertTrue(name.matches("sequential(_\\d+)?"), name);
        assertEquals(KerasFixtures.simpleRnnSummary().replace("Model: \"sequential\"", "Model: \"" + name + "\""),
                text.body());
    }

    @Test
    void exampleTwoTrainsTenEpochsAtBatchOneThenPredicts() throws Exception {
        String model = createModel(model(shape(null, 1),
                List.of(layer("SimpleRNN", "units", 10), layer("Dense", "units", 1)), "mean_squared_error"));
        String data = createExampleTwoData();
        JsonNode before = http.post("/api/v1/models/" + model + "/predict",
                Map.of("instances", List.of(List.of(List.of(0.5))))).json();
        assertEquals(0, before.get("model_version").asInt());

        JsonNode job = http.awaitJob(submit(model, data, 10, 1), Duration.ofSeconds(60));
        assertEquals("SUCCEEDED", job.get("state").asString(), job.toString());
        assertEquals(1, job.get("model_version").asInt());
        JsonNode loss = job.get("history").get("loss");
        assertEquals(10, loss.size());
        assertTrue(loss.get(9).asDouble() < loss.get(0).asDouble() / 3, "loss " + loss);
        assertEquals(1.0, job.get("progress").get("fraction").asDouble(), 1e-9);

        JsonNode after = http.post("/api/v1/models/" + model + "/predict",
                Map.of("instances", List.of(List.of(List.of(0.5)), List.of(List.of(0.2), List.of(0.3))))).json();
        assertEquals(1, after.get("model_version").asInt());
        assertEquals(2, after.get("predictions").size());
        assertEquals(0.6, after.get("predictions").get(0).get(0).asDouble(), 0.1);
        // version 0 is still kept and still answers with the untrained weights
        JsonNode old = http.post("/api/v1/models/" + model + "/predict?version=0",
                Map.of("instances", List.of(List.of(List.of(0.5))))).json();
        assertEquals(before.get("predictions"), old.get("predictions"));
    }

    @Test
    void stackedLstmAndGruModelsHaveKerasCountsAndTrain() throws Exception {
        String data = createSineData(64, 10);
        List<List<Map<String, Object>>> models = List.of(
                List.of(layer("SimpleRNN", "units", 50, "return_sequences", true), layer("SimpleRNN", "units", 50),
                        layer("Dense", "units", 1)),
                List.of(layer("LSTM", "units", 50), layer("Dense", "units", 1)),
                List.of(layer("GRU", "units", 50), layer("Dense", "units", 1)));
        List<List<Integer>> counts = List.of(List.of(2600, 5050, 51), List.of(10400, 51), List.of(7950, 51));
        List<String> jobs = new ArrayList<>();
        for (int i = 0; i < models.size(); i++) {
            String id = createModel(model(shape(null, 1), models.get(i), "mse"));
            JsonNode rows = http.get("/api/v1/models/" + id + "/summary").json().get("layers");
            List<Integer> params = new ArrayList<>();
            rows.forEach(r -> params.add(r.get("params").asInt()));
            assertEquals(counts.get(i), params);
            jobs.add(submit(id, data, 2, 16));
        }
        for (String job : jobs) {
            JsonNode done = http.awaitJob(job, Duration.ofSeconds(60));
            assertEquals("SUCCEEDED", done.get("state").asString(), done.toString());
            assertEquals(2, done.get("history").get("loss").size());
        }
    }

    @Test
    void aModelReturningSequencesAnswersOneRowPerStepEvenForOneStep() {
        String id = createModel(model(shape(null, 1), List.of(layer("LSTM", "units", 2, "return_sequences", true)),
                "mse"));
        JsonNode predictions = http.post("/api/v1/models/" + id + "/predict",
                Map.of("instances", List.of(List.of(List.of(0.5)), List.of(List.of(0.1), List.of(0.2))))).json()
                .get("predictions");
        // Keras: (batch, 1 step, 2 units) for one step, (batch, 2 steps, 2 units) for two
        assertEquals(1, predictions.get(0).size());
        assertEquals(2, predictions.get(0).get(0).size());
        assertEquals(2, predictions.get(1).size());
        assertEquals(2, predictions.get(1).get(1).size());
    }
}
