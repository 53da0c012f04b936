package org.rnnservice.engine.model;

import java.util.List;
import java.util.Map;

/**
 * Keras' {@code compile()} arguments: the optimizer by name with its arguments (Keras defaults for those left out),
 * the loss by name with its arguments, and the metric names.
 */
public record CompileSpec(String optimizer, Map<String, Object> optimizerArgs, String loss,
                          Map<String, Object> lossArgs, List<String> metrics) {

    public CompileSpec {
        // Keras writes null for unset arguments, which Map.copyOf would refuse
        optimizerArgs = optimizerArgs == null ? Map.of()
                : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(optimizerArgs));
        lossArgs = lossArgs == null ? Map.of()
                : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(lossArgs));
        metrics = metrics == null ? List.of() : List.copyOf(metrics);
    }

    /** A loss taken with Keras' default arguments. */
    public CompileSpec(String optimizer, Map<String, Object> optimizerArgs, String loss, List<String> metrics) {
        this(optimizer, optimizerArgs, loss, Map.of(), metrics);
    }

    /** Adam with its defaults and mean squared error, the tutorial's {@code compile(optimizer='adam', loss='mse')}. */
    public static CompileSpec defaults() {
        return new CompileSpec("adam", Map.of(), "mean_squared_error", List.of());
    }
}
