package org.rnnservice.engine.layers;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Keras' weight and activity penalties {@code L1}, {@code L2} and {@code L1L2}: {@code l1 * sum(|x|) + l2 * sum(x^2)},
 * added to the training loss. The class name is kept so that a model is written back as it was given.
 */
public final class Regularizer {

    /** The regularizer classes Keras has and this engine computes. */
    public static final List<String> CLASSES = List.of("L1", "L2", "L1L2");

    private final String className;
    private final double l1;
    private final double l2;

    private Regularizer(String className, double l1, double l2) {
        if (!(l1 >= 0) || !(l2 >= 0)) {
            throw new IllegalArgumentException("l1 and l2 must be numbers >= 0, got l1=" + l1 + ", l2=" + l2);
        }
        this.className = className;
        this.l1 = l1;
        this.l2 = l2;
    }

    /**
     * A regularizer from what Keras writes: a name ({@code "l2"}, {@code "l1_l2"}), {@code {"class_name": "L2",
     * "config": {"l2": 0.01}}} with or without Keras 3's module, or null for none. The names take Keras' defaults: 0.01
     * for {@code l1} and {@code l2} and for Keras 2's {@code l1_l2} function, while Keras 3's {@code "l1l2"} and a bare
     * {@code L1L2} object have zeros.
     */
    public static Regularizer of(Object value) {
        if (value == null) {
            return null;
        }
        if (value instanceof String name) {
            return switch (name) {
                case "l1", "L1" -> new Regularizer("L1", 0.01, 0);
                case "l2", "L2" -> new Regularizer("L2", 0, 0.01);
                case "l1_l2" -> new Regularizer("L1L2", 0.01, 0.01);
                case "l1l2", "L1L2" -> new Regularizer("L1L2", 0, 0);
                default -> throw unknown(name);
            };
        }
        if (value instanceof Map<?, ?> m && m.get("class_name") instanceof String cls) {
            Map<String, Object> args = new LinkedHashMap<>();
            if (m.get("config") instanceof Map<?, ?> c) {
                c.forEach((k, v) -> args.put(String.valueOf(k), v));
            } else if (m.get("config") != null) {
                throw new IllegalArgumentException("config must be an object of the regularizer's arguments");
            }
            String name = cls.startsWith("keras.regularizers.") ? cls.substring("keras.regularizers.".length()) : cls;
            Arguments given = new Arguments(args, "", name);
            Regularizer r = switch (name) {
                case "L1", "l1" -> new Regularizer("L1", given.number("l1", 0.01), 0);
                case "L2", "l2" -> new Regularizer("L2", 0, given.number("l2", 0.01));
                case "L1L2", "l1_l2", "l1l2" -> new Regularizer("L1L2", given.number("l1", 0), given.number("l2", 0));
                default -> throw unknown(name);
            };
            given.rejectUnknown();
            return r;
        }
        throw new IllegalArgumentException("must be a regularizer name such as \"l2\" or an object such as"
                + " {\"class_name\": \"L2\", \"config\": {\"l2\": 0.01}}");
    }

    private static IllegalArgumentException unknown(String name) {
        return new IllegalArgumentException("regularizer '" + name + "' is not supported; supported: " + CLASSES
                + " (and the names l1, l2, l1_l2)");
    }

    /** {@code l1 * sum(|x|) + l2 * sum(x^2)} over {@code x[0, n)}, summed in double. */
    public double penalty(float[] x, int n) {
        double abs = 0;
        double squares = 0;
        for (int i = 0; i < n; i++) {
            abs += Math.abs(x[i]);
            squares += (double) x[i] * x[i];
        }
        return l1 * abs + l2 * squares;
    }

    /** Adds {@code scale} times the penalty's gradient at {@code x[0, n)} to {@code grad[0, n)}. */
    public void addGradient(float[] x, float[] grad, int n, double scale) {
        float a = (float) (l1 * scale);
        float b = (float) (2 * l2 * scale);
        for (int i = 0; i < n; i++) {
            grad[i] += a * Math.signum(x[i]) + b * x[i];
        }
    }

    /** Keras' form: {@code {"class_name": "L2", "config": {"l2": 0.01}}}. */
    public Map<String, Object> config() {
        Map<String, Object> args = new LinkedHashMap<>();
        if (!className.equals("L2")) {
            args.put("l1", l1);
        }
        if (!className.equals("L1")) {
            args.put("l2", l2);
        }
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("class_name", className);
        c.put("config", args);
        return c;
    }
}
