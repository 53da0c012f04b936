package org.rnnservice.engine;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.rnnservice.engine.model.CompileSpec;
import org.rnnservice.engine.model.ModelSpec;
import org.rnnservice.engine.model.Sequential;

/** Small helpers that write engine models the way a Keras user would. */
final class Models {

    private Models() {
    }

    /** A layer definition: type then alternating Keras argument names and values. */
    static Map<String, Object> layer(String type, Object... args) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", type);
        for (int i = 0; i < args.length; i += 2) {
            m.put((String) args[i], args[i + 1]);
        }
        return m;
    }

    /** {@code input_shape} as Keras writes it; {@code null} for an unknown length. */
    static List<Integer> shape(Integer... dims) {
        return Arrays.asList(dims);
    }

    static ModelSpec spec(List<Integer> inputShape, String loss, long seed, List<Map<String, Object>> layers) {
        return new ModelSpec(null, inputShape, layers, new CompileSpec("adam", Map.of(), loss, List.of()), seed);
    }

    static Sequential build(List<Integer> inputShape, List<Map<String, Object>> layers) {
        return Sequential.build(spec(inputShape, "mse", 42, layers));
    }
}
