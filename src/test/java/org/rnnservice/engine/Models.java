package org.rnnservice.engine;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.rnnservice.engine.model.CompileSpec;
import org.rnnservice.engine.model.ModelSpec;
import org.rnnservice.engine.model.Sequential;
import org.rnnservice.engine.simd.Kernels;

/** Small helpers that write engine models the way a Keras user would. */
final class Models {

    private Models() {
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

    static Sequential build(List<Integer> inputShape, List<Map<String, Object>> layers, Kernels kernels) {
        return Sequential.build(spec(inputShape, "mse", 42, layers), Long.MAX_VALUE, kernels);
    }
}
