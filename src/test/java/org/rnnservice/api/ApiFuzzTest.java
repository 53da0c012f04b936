package org.rnnservice.api;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.rnnservice.Http;

/**
 * A fuzz test: random JSON shapes, and valid documents cut short, thrown at model and dataset creation. Whatever the
 * shape, the answer is a 2xx or a 4xx problem, never a 5xx, and afterwards the service is healthy and its heap
 * bounded. The generator is seeded, so a failure names the seed and the body that reproduce it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ApiFuzzTest extends ApiTestSupport {

    private static final int TRIES = 400;
    private static final List<String> KEYS = List.of("input_shape", "layers", "type", "units", "compile", "loss",
            "optimizer", "metrics", "activation", "return_sequences", "rate", "seed", "name", "class_name", "config",
            "input_dim", "output_dim", "dropout", "x", "y", "learning_rate", "kernel_initializer", "trainable",
            "batch_input_shape", "zz");
    private static final List<String> WORDS = List.of("LSTM", "GRU", "SimpleRNN", "Dense", "Embedding", "Dropout",
            "Sequential", "adam", "mse", "tanh", "softmax", "sparse_categorical_crossentropy", "glorot_uniform", "",
            "\u0000", "../../etc", "NaN");
    private static final String VALID = "{\"input_shape\": [null, 1], \"layers\": [{\"type\": \"LSTM\", \"units\": 4},"
            + " {\"type\": \"Dense\", \"units\": 1}], \"compile\": {\"optimizer\": \"adam\", \"loss\": \"mse\"}}";

    private static Object value(Random rng, int depth) {
        int kind = rng.nextInt(depth == 0 ? 7 : 10);
        return switch (kind) {
            case 0 -> rng.nextInt(70_003) - 3;
            case 1 -> rng.nextLong();
            case 2 -> (rng.nextDouble() * 2 - 1) * Math.pow(10, rng.nextInt(80) - 40);
            case 3 -> WORDS.get(rng.nextInt(WORDS.size()));
            case 4 -> rng.nextBoolean();
            case 5 -> null;
            case 6 -> Integer.toString(rng.nextInt(1000), 36);
            case 7 -> {
                List<Object> list = new ArrayList<>();
                for (int i = rng.nextInt(6); i > 0; i--) {
                    list.add(value(rng, depth - 1));
                }
                yield list;
            }
            default -> object(rng, depth - 1);
        };
    }

    private static Map<String, Object> object(Random rng, int depth) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = rng.nextInt(6); i > 0; i--) {
            map.put(KEYS.get(rng.nextInt(KEYS.size())), value(rng, depth));
        }
        return map;
    }

    /** Mostly random structures; one in five a valid document cut anywhere, as a dropped connection sends it. */
    private static String body(Random rng) {
        return rng.nextInt(5) == 0 ? VALID.substring(0, rng.nextInt(VALID.length()))
                : Http.JSON.writeValueAsString(object(rng, 4));
    }

    @ParameterizedTest
    @ValueSource(strings = {"/api/v1/models", "/api/v1/datasets"})
    void everyShapeIsAnsweredWithoutA5xx(String path) {
        long seed = path.hashCode() * 31L + 20261202;
        Random rng = new Random(seed);
        for (int i = 0; i < TRIES; i++) {
            String body = body(rng);
            Http.Response r = http.post(path, "application/json", body);
            String where = "try " + i + " (seed " + seed + ") " + r.status() + " for " + body + ": " + r.body();
            assertTrue(r.status() < 500, where);
            if (r.status() >= 400) {
                assertTrue(r.contentType().startsWith("application/problem+json") && r.json().has("detail"), where);
            }
        }
    }

    @AfterAll
    void healthyAndBounded() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        Runtime rt = Runtime.getRuntime();
        long used = rt.totalMemory() - rt.freeMemory();
        assertTrue(used < 768L << 20, "heap in use after the fuzzing: " + (used >> 20) + " MB");
        assertTrue("UP".equals(http.get("/actuator/health").json().get("status").asString()), "healthy");
    }
}
