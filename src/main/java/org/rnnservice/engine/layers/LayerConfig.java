package org.rnnservice.engine.layers;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A layer's arguments by their Keras names, read with the typed accessors of Keras' layer arguments (activations,
 * initializers, shapes, rates) on top of {@link Arguments}; each read is also recorded as the argument's
 * description, from which the API's schema of each layer follows.
 */
public final class LayerConfig extends Arguments {

    private final Map<String, Argument> described = new LinkedHashMap<>();

    /**
     * What a layer reads an argument as: its kind ({@code positive integer}, {@code boolean}, {@code activation},
     * ...), its default ({@code null} when required or when absence means none) and, where the layer names them, the
     * values it allows. Recorded as the layer reads its arguments, so that the API's schema of each layer follows the
     * layer's own code.
     */
    public record Argument(String kind, Object fallback, List<String> allowed) {
    }

    /** Wraps the arguments found at {@code path} (such as {@code layers[1]}), which error messages name. */
    public LayerConfig(Map<String, ?> values, String path) {
        super(values, path, path, "name", "type");
    }

    /** The arguments read so far, each as the layer read it. */
    public Map<String, Argument> described() {
        return java.util.Collections.unmodifiableMap(described);
    }

    private void describe(String key, String kind, Object fallback, List<String> allowed) {
        // a key first only tested for presence is described by the accessor that then reads it
        described.merge(key, new Argument(kind, fallback, allowed),
                (before, now) -> before.kind().equals("any") ? now : before);
    }

    @Override
    public boolean isNull(String key) {
        describe(key, "any", null, null);
        return super.isNull(key);
    }

    @Override
    public boolean has(String key) {
        describe(key, "any", null, null);
        return super.has(key);
    }

    /** A string that must be one of {@code allowed} (any case). */
    public String choice(String key, String fallback, List<String> allowed) {
        describe(key, "choice", fallback, allowed);
        String v = string(key, fallback);
        if (allowed.stream().noneMatch(a -> a.equalsIgnoreCase(v))) {
            throw invalid(key, "must be one of " + String.join(", ", allowed) + "; got '" + v + "'");
        }
        return v.toLowerCase(java.util.Locale.ROOT);
    }

    @Override
    public String string(String key, String fallback) {
        describe(key, "string", fallback, null);
        return super.string(key, fallback);
    }

    public int positiveInt(String key) {
        describe(key, "positive integer", null, null);
        Object v = raw(key);
        if (v == null) {
            throw missing(key);
        }
        int n = toInt(key, v);
        if (n < 1) {
            throw invalid(key, "must be a positive integer, got " + n);
        }
        return n;
    }

    public int intValue(String key, int fallback) {
        describe(key, "integer", fallback, null);
        Object v = raw(key);
        return v == null ? fallback : toInt(key, v);
    }

    @Override
    public boolean bool(String key, boolean fallback) {
        describe(key, "boolean", fallback, null);
        return super.bool(key, fallback);
    }

    /** A finite number, as a float. */
    public float number(String key, float fallback) {
        describe(key, "number", fallback, null);
        return (float) super.number(key, fallback);
    }

    /** A finite number or a list of them (Keras broadcasts one number), or null when absent or None. */
    public float[] numbers(String key) {
        describe(key, "number or list of numbers", null, null);
        Object v = raw(key);
        if (v == null) {
            return null;
        }
        List<?> list = v instanceof List<?> l ? l : List.of(v);
        float[] out = new float[list.size()];
        for (int i = 0; i < out.length; i++) {
            if (!(list.get(i) instanceof Number n) || !Double.isFinite(n.doubleValue())) {
                throw invalid(key, "must be a number or a list of numbers, got " + asSent(v));
            }
            out[i] = n.floatValue();
        }
        return out;
    }

    /**
     * One axis, given as a number or a one-element list (Keras 3 writes {@code [-1]}); null when given as None, which
     * means every axis at once; {@code fallback} when absent.
     */
    public Integer axis(String key, int fallback) {
        describe(key, "axis", fallback, null);
        if (!given(key)) {
            return fallback;
        }
        Object v = raw(key);
        if (v == null || v instanceof List<?> l && l.isEmpty()) {
            return null;
        }
        Object one = v instanceof List<?> l && l.size() == 1 ? l.get(0) : v;
        if (one instanceof List<?>) {
            throw invalid(key, "must be one axis; several axes are not supported, got " + asSent(v));
        }
        return toInt(key, one);
    }

    /** A required shape: a list of positive whole numbers, one of which may be -1 (worked out). */
    public List<Integer> shape(String key) {
        describe(key, "shape", null, null);
        Object v = raw(key);
        if (v == null) {
            throw missing(key);
        }
        if (!(v instanceof List<?> list)) {
            throw invalid(key, "must be a list of dimensions, such as [10, 2], got " + asSent(v));
        }
        List<Integer> out = new java.util.ArrayList<>();
        for (Object d : list) {
            int n = toInt(key, d);
            if (n < 1 && n != -1) {
                throw invalid(key, "dimensions must be positive (or -1 for one to work out), got " + n);
            }
            out.add(n);
        }
        return List.copyOf(out);
    }

    /** A number in {@code [0, 1)}, as Keras requires of dropout rates. */
    public float rate(String key) {
        describe(key, "rate", 0, null);
        Object v = raw(key);
        if (v == null) {
            return 0f;
        }
        if (!(v instanceof Number n) || !(n.doubleValue() >= 0 && n.doubleValue() < 1)) {
            throw invalid(key, "must be a number in [0, 1), got " + v);
        }
        return n.floatValue();
    }

    public Activation activation(String key, String fallback) {
        describe(key, "activation", fallback, java.util.Arrays.stream(Activation.values()).map(Activation::kerasName)
                .toList());
        String name = string(key, fallback);
        try {
            return Activation.of(name);
        } catch (IllegalArgumentException e) {
            throw invalid(key, e.getMessage());
        }
    }

    /**
     * An initializer given by name or as Keras' {@code {"class_name": ..., "config": {...}}} object, whose arguments
     * are applied (a class name such as {@code GlorotUniform} reads as {@code glorot_uniform}).
     */
    public Initializer initializer(String key, String fallback) {
        describe(key, "initializer", fallback, Initializer.NAMES);
        Object v = raw(key);
        String name = fallback;
        Map<String, ?> args = Map.of();
        if (v instanceof String s) {
            name = s;
        } else if (v instanceof Map<?, ?> m && m.get("class_name") instanceof String s) {
            name = s.replaceAll("([a-z])([A-Z])", "$1_$2");
            if (m.get("config") instanceof Map<?, ?> c) {
                @SuppressWarnings("unchecked")
                Map<String, ?> typed = (Map<String, ?>) c;
                args = typed;
            } else if (m.get("config") != null) {
                throw invalid(key, "config must be an object of the initializer's arguments");
            }
        } else if (v != null) {
            throw invalid(key, "must be an initializer name such as \"glorot_uniform\"");
        }
        try {
            return Initializer.of(name, args);
        } catch (IllegalArgumentException e) {
            throw invalid(key, e.getMessage());
        }
    }

    /** A penalty given as Keras writes one ({@code "l2"}, {@code {"class_name": "L1L2", ...}}), or null for none. */
    public Regularizer regularizer(String key) {
        describe(key, "regularizer", null, Regularizer.CLASSES);
        Object v = raw(key);
        try {
            return Regularizer.of(v);
        } catch (IllegalArgumentException e) {
            throw invalid(key, e.getMessage());
        }
    }

    private int toInt(String key, Object v) {
        if (v instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())
                && Math.abs(n.doubleValue()) <= Integer.MAX_VALUE) {
            return n.intValue();
        }
        throw invalid(key, "must be a whole number, got " + asSent(v));
    }
}
