package org.rnnservice.engine.layers;

import java.util.Map;

/** Typed reads of a Keras object's {@code config} arguments (an initializer's, a loss's), Keras' default when absent. */
public final class Arguments {

    private Arguments() {
    }

    public static double number(Map<String, ?> args, String key, double fallback) {
        Object v = args.get(key);
        if (v == null) {
            return fallback;
        }
        if (v instanceof Number n && Double.isFinite(n.doubleValue())) {
            return n.doubleValue();
        }
        throw new IllegalArgumentException(key + " must be a number, got " + LayerConfig.asSent(v));
    }

    public static boolean bool(Map<String, ?> args, String key, boolean fallback) {
        Object v = args.get(key);
        if (v == null) {
            return fallback;
        }
        if (v instanceof Boolean b) {
            return b;
        }
        throw new IllegalArgumentException(key + " must be true or false, got " + LayerConfig.asSent(v));
    }

    /**
     * Whether an argument Keras writes for a feature the engine lacks is at the value that turns the feature off:
     * absent, equal to {@code off}, or the same number.
     */
    public static boolean isOff(Object given, Object off) {
        return given == null || given.equals(off)
                || given instanceof Number n && off instanceof Number o && n.doubleValue() == o.doubleValue();
    }

    /** A float argument as the decimal it was written as ({@code 0.2}, not {@code 0.20000000298}), for configs. */
    public static double decimal(float value) {
        return Double.parseDouble(Float.toString(value));
    }
}
