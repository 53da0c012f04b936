package org.rnnservice.durability;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/** The tutorial's exercise as a grid search, for the tests that crash a service under one. */
final class TutorialSearch {

    private TutorialSearch() {
    }

    /** SimpleRNN, LSTM or GRU with each of {@code units}, a grid on val_loss over {@code dataset}. */
    static Map<String, Object> grid(String dataset, int epochs, int batchSize, List<Integer> units) {
        Map<String, Object> rnn = new LinkedHashMap<>();
        rnn.put("type", Map.of("hp", "layer"));
        rnn.put("units", Map.of("hp", "units"));
        Map<String, Object> model = Map.of("input_shape", Arrays.asList(null, 1), "seed", 3,
                "layers", List.of(rnn, Map.of("type", "Dense", "units", 1)),
                "compile", Map.of("optimizer", "adam", "loss", "mse"));
        return Map.of("model", model, "tuner", "grid_search", "dataset_id", dataset, "epochs", epochs,
                "batch_size", batchSize, "validation_split", 0.2, "seed", 5,
                "hyperparameters", List.of(
                        Map.of("class_name", "Choice", "config", Map.of("name", "layer",
                                "values", List.of("SimpleRNN", "LSTM", "GRU"))),
                        Map.of("class_name", "Choice", "config", Map.of("name", "units", "values", units))));
    }

    /** How many of a search's trials completed. */
    static long completed(JsonNode search) {
        long n = 0;
        for (JsonNode t : search.get("trials")) {
            n += t.get("state").asString().equals("COMPLETED") ? 1 : 0;
        }
        return n;
    }
}
