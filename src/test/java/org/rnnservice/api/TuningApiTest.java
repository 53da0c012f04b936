package org.rnnservice.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.rnnservice.Http;
import tools.jackson.databind.JsonNode;

/**
 * The tutorial's exercise (SimpleRNN, LSTM or GRU with 5, 10, 20 or 50 units) as one tuning request: a grid search
 * of 12 trials, the same space by hyperband in fewer epochs, cancellation, and refusals of what KerasTuner would not
 * accept. Expected trials and bracket sizes are written out here by hand from KerasTuner's rules.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TuningApiTest extends ApiTestSupport {

    private static final Duration SEARCH = Duration.ofMinutes(3);
    private String data;

    @BeforeAll
    void tutorialData() {
        http = new Http(port);
        data = createExampleTwoData();
    }

    static Map<String, Object> template() {
        Map<String, Object> rnn = new LinkedHashMap<>();
        rnn.put("type", Map.of("hp", "layer"));
        rnn.put("units", Map.of("hp", "units"));
        return model(shape(null, 1), List.of(rnn, Map.of("type", "Dense", "units", 1)), "mean_squared_error");
    }

    static List<Map<String, Object>> exerciseSpace() {
        return List.of(
                Map.of("class_name", "Choice", "config", Map.of("name", "layer",
                        "values", List.of("SimpleRNN", "LSTM", "GRU"))),
                Map.of("class_name", "Choice", "config", Map.of("name", "units", "values", List.of(5, 10, 20, 50))));
    }

    private Map<String, Object> request(String tuner) {
        Map<String, Object> body = new HashMap<>();
        body.put("model", template());
        body.put("hyperparameters", exerciseSpace());
        body.put("tuner", tuner);
        body.put("objective", "val_loss");
        body.put("dataset_id", data);
        body.put("batch_size", 10);
        body.put("validation_split", 0.2);
        body.put("seed", 7);
        return body;
    }

    private JsonNode submitAndAwait(Map<String, Object> body) throws InterruptedException {
        Http.Response r = http.post("/api/v1/tuning-jobs", body);
        assertEquals(202, r.status(), r.body());
        String id = r.json().get("id").asString();
        assertEquals("/api/v1/tuning-jobs/" + id, r.header("Location"));
        return http.await("/api/v1/tuning-jobs/" + id, t -> !t.get("state").asString().matches("QUEUED|RUNNING"),
                SEARCH);
    }

    @Test
    void gridSearchRunsTheTwelveTrialsOfTheExerciseAndNamesTheBest() throws Exception {
        Map<String, Object> body = request("grid_search");
        body.put("epochs", 4);
        JsonNode search = submitAndAwait(body);
        assertEquals("SUCCEEDED", search.get("state").asString(), search.toString());
        JsonNode trials = search.get("trials");
        assertEquals(12, trials.size());
        List<String> expected = List.of("SimpleRNN/5", "SimpleRNN/10", "SimpleRNN/20", "SimpleRNN/50", "LSTM/5",
                "LSTM/10", "LSTM/20", "LSTM/50", "GRU/5", "GRU/10", "GRU/20", "GRU/50");
        JsonNode best = null;
        Set<String> jobIds = new HashSet<>();
        for (int i = 0; i < 12; i++) {
            JsonNode trial = trials.get(i);
            // KerasTuner pads trial ids to the width of max_trials, here None: 0000, 0001, ...
            assertEquals(String.format("%04d", i), trial.get("trial_id").asString());
            assertEquals("COMPLETED", trial.get("state").asString(), trial.toString());
            JsonNode hp = trial.get("hyperparameters");
            assertEquals(expected.get(i), hp.get("layer").asString() + "/" + hp.get("units").asInt());
            JsonNode job = http.get("/api/v1/jobs/" + trial.get("job_id").asString()).json();
            assertTrue(jobIds.add(job.get("id").asString()));
            assertEquals("SUCCEEDED", job.get("state").asString());
            assertEquals(search.get("id").asString(), job.get("tags").get("tuning_id").asString());
            assertEquals(trial.get("trial_id").asString(), job.get("tags").get("trial_id").asString());
            assertEquals(hp.get("units").asString(), job.get("params").get(layerParam(job) + ".units").asString());
            assertEquals(4, job.get("history").get("loss").size());
            double lowest = Double.MAX_VALUE;
            for (JsonNode v : job.get("history").get("val_loss")) {
                lowest = Math.min(lowest, v.asDouble());
            }
            assertEquals(lowest, trial.get("score").asDouble(), 0.0, "a trial's score is its best val_loss");
            if (best == null || trial.get("score").asDouble() < best.get("score").asDouble()) {
                best = trial;
            }
        }
        assertNotNull(best);
        assertEquals(best.get("trial_id").asString(), search.get("best_trial_id").asString());
        assertEquals(best.get("hyperparameters"), search.get("best_hyperparameters"));
        assertEquals(best.get("score").asDouble(), search.get("best_score").asDouble(), 0.0);
        assertEquals(48, search.get("epochs_trained").asInt());
        // the best model version holds the best epoch's weights, as KerasTuner's best checkpoint does
        JsonNode bestJob = http.get("/api/v1/jobs/" + best.get("job_id").asString()).json();
        assertEquals(bestJob.get("model_id").asString(), search.get("best_model_id").asString());
        assertEquals(bestJob.get("model_version").asInt(), search.get("best_model_version").asInt());
        assertEquals(lowestEpoch(bestJob.get("history").get("val_loss")), bestJob.get("best_epoch").asInt());
    }

    private static String layerParam(JsonNode job) {
        for (var e : job.get("params").properties()) {
            if (e.getKey().endsWith(".class_name") && !e.getValue().asString().equals("Dense")) {
                return e.getKey().substring(0, e.getKey().length() - ".class_name".length());
            }
        }
        throw new AssertionError("no recurrent layer in " + job.get("params"));
    }

    private static int lowestEpoch(JsonNode values) {
        int best = 0;
        for (int i = 1; i < values.size(); i++) {
            if (values.get(i).asDouble() < values.get(best).asDouble()) {
                best = i;
            }
        }
        return best + 1;
    }

    @Test
    void hyperbandSearchesTheSameSpaceInFewerEpochs() throws Exception {
        Map<String, Object> body = request("hyperband");
        body.put("max_epochs", 4);
        body.put("factor", 3);
        JsonNode search = submitAndAwait(body);
        assertEquals("SUCCEEDED", search.get("state").asString(), search.toString());
        // KerasTuner's plan for max_epochs 4, factor 3: two brackets; bracket 1 runs 5 trials of 2 epochs and
        // promotes 2 to 4 epochs (2 more each), bracket 0 runs 3 trials of 4 epochs: 10 trials, 26 epochs
        Map<String, Integer> counts = new HashMap<>();
        Map<String, JsonNode> byId = new HashMap<>();
        int epochs = 0;
        for (JsonNode trial : search.get("trials")) {
            byId.put(trial.get("trial_id").asString(), trial);
            JsonNode hp = trial.get("hyperparameters");
            String key = hp.get("tuner/bracket").asInt() + "/" + hp.get("tuner/round").asInt() + " "
                    + hp.get("tuner/initial_epoch").asInt() + "->" + hp.get("tuner/epochs").asInt();
            counts.merge(key, 1, Integer::sum);
            assertEquals("COMPLETED", trial.get("state").asString(), trial.toString());
            JsonNode job = http.get("/api/v1/jobs/" + trial.get("job_id").asString()).json();
            epochs += job.get("history").get("loss").size();
            assertEquals(hp.get("tuner/epochs").asInt() - hp.get("tuner/initial_epoch").asInt(),
                    job.get("epochs").asInt());
        }
        assertEquals(Map.of("1/0 0->2", 5, "1/1 2->4", 2, "0/0 0->4", 3), counts);
        assertEquals(26, epochs);
        assertEquals(26, search.get("epochs_trained").asInt());
        assertTrue(epochs < 48, "hyperband " + epochs + " epochs, the grid 48");
        Set<String> parents = new HashSet<>();
        for (JsonNode trial : search.get("trials")) {
            JsonNode hp = trial.get("hyperparameters");
            if (hp.get("tuner/round").asInt() == 1) {
                JsonNode parent = byId.get(hp.get("tuner/trial_id").asString());
                assertTrue(parents.add(parent.get("trial_id").asString()), "each trial is promoted once");
                assertEquals(0, parent.get("hyperparameters").get("tuner/round").asInt());
                assertEquals(parent.get("hyperparameters").get("layer"), hp.get("layer"));
                assertEquals(parent.get("hyperparameters").get("units"), hp.get("units"));
                // a promoted trial continues its parent's model from the parent's best epoch
                JsonNode job = http.get("/api/v1/jobs/" + trial.get("job_id").asString()).json();
                JsonNode parentJob = http.get("/api/v1/jobs/" + parent.get("job_id").asString()).json();
                assertEquals(parentJob.get("model_id"), job.get("model_id"));
                assertEquals(parentJob.get("model_version").asInt() + 1, job.get("model_version").asInt());
            }
        }
        assertEquals(2, parents.size());
        double lowest = Double.MAX_VALUE;
        String bestId = null;
        for (JsonNode trial : search.get("trials")) {
            if (trial.get("score").asDouble() < lowest) {
                lowest = trial.get("score").asDouble();
                bestId = trial.get("trial_id").asString();
            }
        }
        assertEquals(bestId, search.get("best_trial_id").asString());
        assertEquals(byId.get(bestId).get("hyperparameters"), search.get("best_hyperparameters"));
    }

    @Test
    void cancelStopsTheSearchAndKeepsWhatFinished() throws Exception {
        // two trials at once: LSTM(2) ends in a moment, LSTM(512) trains for long
        Map<String, Object> body = request("grid_search");
        body.put("hyperparameters", List.of(Map.of("class_name", "Fixed", "config", Map.of("name", "layer",
                "value", "LSTM")), Map.of("class_name", "Choice", "config", Map.of("name", "units",
                "values", List.of(2, 512)))));
        body.put("epochs", 1000);
        body.put("batch_size", 1);
        Http.Response r = http.post("/api/v1/tuning-jobs", body);
        assertEquals(202, r.status(), r.body());
        String id = r.json().get("id").asString();
        JsonNode oneDone = http.await("/api/v1/tuning-jobs/" + id, t -> t.get("trials").size() == 2
                && t.get("trials").get(0).get("state").asString().equals("COMPLETED"), SEARCH);
        String slowJob = oneDone.get("trials").get(1).get("job_id").asString();
        assertEquals("RUNNING", oneDone.get("trials").get(1).get("state").asString(), oneDone.toString());
        Http.Response cancel = http.post("/api/v1/tuning-jobs/" + id + "/cancel", Map.of());
        assertEquals(202, cancel.status(), cancel.body());
        JsonNode ended = http.await("/api/v1/tuning-jobs/" + id, t -> t.get("state").asString().equals("CANCELLED"),
                SEARCH);
        assertEquals("CANCELLED", http.get("/api/v1/jobs/" + slowJob).json().get("state").asString());
        assertEquals("COMPLETED", ended.get("trials").get(0).get("state").asString(), "what finished is kept");
        assertEquals("STOPPED", ended.get("trials").get(1).get("state").asString());
        assertEquals("0000", ended.get("best_trial_id").asString());
        assertEquals(Map.of("layer", "LSTM", "units", 2), Http.JSON.treeToValue(ended.get("best_hyperparameters"),
                Map.class));
        Http.Response again = http.post("/api/v1/tuning-jobs/" + id + "/cancel", Map.of());
        assertEquals(409, again.status());
        assertEquals("application/problem+json", again.contentType());
    }

    @Test
    void whatKerasTunerWouldNotAcceptIsRefusedByNameAndNothingIsStored() {
        int before = http.get("/api/v1/tuning-jobs").json().get("total").asInt();
        List<Object[]> cases = new ArrayList<>();
        cases.add(new Object[] {"tuner", "bayesian_optimization", "tuner"});
        cases.add(new Object[] {"tuner", "evolution", "tuner"});
        cases.add(new Object[] {"objective", "val_accuracy", "objective"});
        cases.add(new Object[] {"max_epochs", 5, "max_epochs"});
        cases.add(new Object[] {"hyperparameters", List.of(Map.of("class_name", "Choice", "config",
                Map.of("name", "layer", "values", List.of("SimpleRNN")))), "model.layers[0].units"});
        cases.add(new Object[] {"hyperparameters", List.of(exerciseSpace().get(0), exerciseSpace().get(1),
                Map.of("class_name", "Float", "config", Map.of("name", "lr", "min_value", 0.001,
                        "max_value", 0.1))), "hyperparameters"});
        cases.add(new Object[] {"hyperparameters", List.of(exerciseSpace().get(0), Map.of("class_name", "Int",
                "config", Map.of("name", "units", "min_value", 5, "max_value", 50, "step", 5,
                        "sampling", "cubic"))), "hyperparameters[1].config.sampling"});
        cases.add(new Object[] {"hyperparameters", List.of(exerciseSpace().get(0), Map.of("class_name", "Int",
                "config", Map.of("name", "units", "min_value", 5, "max_value", 50, "conditions",
                        List.of(Map.of("class_name", "Parent"))))), "hyperparameters[1].config.conditions"});
        cases.add(new Object[] {"hyperparameters", List.of(exerciseSpace().get(0), Map.of("class_name", "Int",
                "config", Map.of("name", "units", "min_value", 5, "max_value", 50, "stepp", 5))),
            "hyperparameters[1].config.stepp"});
        for (Object[] c : cases) {
            Map<String, Object> body = request("grid_search");
            body.put((String) c[0], c[1]);
            Http.Response r = http.post("/api/v1/tuning-jobs", body);
            assertEquals(400, r.status(), c[0] + "=" + c[1] + ": " + r.body());
            assertEquals("application/problem+json", r.contentType());
            assertEquals(c[2], r.json().get("errors").get(0).get("field").asString(), r.body());
        }
        Map<String, Object> hyperband = request("hyperband");
        Http.Response noMax = http.post("/api/v1/tuning-jobs", hyperband);
        assertEquals(400, noMax.status());
        assertEquals("max_epochs", noMax.json().get("errors").get(0).get("field").asString());
        hyperband.put("max_epochs", 4);
        hyperband.put("epochs", 3);
        assertEquals("epochs", http.post("/api/v1/tuning-jobs", hyperband).json().get("errors").get(0)
                .get("field").asString());
        assertEquals(404, http.get("/api/v1/tuning-jobs/no-such-search").status());
        assertEquals(before, http.get("/api/v1/tuning-jobs").json().get("total").asInt());
    }
}
