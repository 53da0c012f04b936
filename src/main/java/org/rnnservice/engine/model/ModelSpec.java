package org.rnnservice.engine.model;

import java.util.List;
import java.util.Map;

/**
 * A model definition in Keras' words: the per-sample input shape ({@code null} for an unknown length, as in
 * {@code input_shape=(None, 1)}), the layers as {@code type} plus Keras arguments, the compile settings (null until
 * the model is compiled, as a Keras model is before {@code compile()}) and a seed.
 */
public record ModelSpec(String name, List<Integer> inputShape, List<Map<String, Object>> layers,
                        CompileSpec compile, long seed) {

    public ModelSpec {
        layers = List.copyOf(layers);
        inputShape = inputShape == null ? null : java.util.Collections.unmodifiableList(new java.util.ArrayList<>(inputShape));
    }
}
