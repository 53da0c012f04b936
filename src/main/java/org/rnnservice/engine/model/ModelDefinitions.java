package org.rnnservice.engine.model;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.rnnservice.engine.layers.Arguments;
import org.rnnservice.engine.layers.InvalidModelException;

/**
 * Reads model definitions in the service's own form from parsed JSON (maps, lists, strings, numbers, booleans):
 * {@code name}, {@code input_shape}, {@code layers}, {@code compile}, {@code seed}. Errors name the field at fault.
 */
public final class ModelDefinitions {

    /** The fields of our own form. */
    static final List<String> FIELDS = List.of("name", "input_shape", "layers", "compile", "seed");
    /** The fields of {@code compile}. */
    static final List<String> COMPILE_FIELDS = List.of("optimizer", "loss", "metrics");

    private ModelDefinitions() {
    }

    /** Refuses a field of {@code body} not in {@code known}, naming it, the nearest known one, and the known ones. */
    @SuppressWarnings("unchecked")
    private static void rejectUnknown(Map<?, ?> body, List<String> known, String path) {
        Arguments fields = Arguments.fields((Map<String, ?>) body, path);
        known.forEach(fields::raw);
        fields.rejectUnknown();
    }

    /** Parses a definition; {@code defaultSeed} is used when the definition has none. */
    public static ModelSpec parse(Map<String, Object> body, long defaultSeed) {
        rejectUnknown(body, FIELDS, "");
        if (body.get("compile") instanceof Map<?, ?> c) {
            rejectUnknown(c, COMPILE_FIELDS, "compile");
        }
        List<Map<String, Object>> layers = layers(body.get("layers"), "layers");
        List<Integer> inputShape = body.containsKey("input_shape")
                ? shape(body.get("input_shape"), "input_shape")
                : firstLayerShape(layers);
        return new ModelSpec(string(body.get("name"), "name"), inputShape, layers,
                compile(body.get("compile")), seed(body.get("seed"), defaultSeed));
    }

    private static List<Integer> firstLayerShape(List<Map<String, Object>> layers) {
        Object s = layers.get(0).get("input_shape");
        if (s == null) {
            throw new InvalidModelException("input_shape",
                    "input_shape is required, at the top level or on the first layer, e.g. [null, 1]");
        }
        return shape(s, "layers[0].input_shape");
    }

    /** The compile settings, or null for a model that is not compiled: nothing is filled in unasked. */
    private static CompileSpec compile(Object value) {
        if (value == null) {
            return null;
        }
        Map<String, Object> c = map(value, "compile");
        String optimizer = "adam";
        Map<String, Object> args = Map.of();
        Object opt = c.get("optimizer");
        if (opt instanceof String s) {
            optimizer = s;
        } else if (opt instanceof Map<?, ?> m) {
            Map<String, Object> o = map(m, "compile.optimizer");
            if (o.get("class_name") instanceof String cls && o.get("config") instanceof Map<?, ?> cfg) {
                optimizer = cls;
                args = map(cfg, "compile.optimizer.config");
            } else {
                optimizer = string(o.getOrDefault("type", o.get("name")), "compile.optimizer.type");
                args = new LinkedHashMap<>(o);
                args.remove("type");
            }
        } else if (opt != null) {
            throw new InvalidModelException("compile.optimizer", "optimizer must be a name or an object");
        }
        String loss;
        Map<String, Object> lossArgs = Map.of();
        Object l = c.getOrDefault("loss", "mean_squared_error");
        if (l instanceof Map<?, ?> m && m.get("type") instanceof String type) {
            loss = type;
            lossArgs = new LinkedHashMap<>(map(m, "compile.loss"));
            lossArgs.remove("type");
        } else {
            loss = kerasName(l, "compile.loss");
            if (l instanceof Map<?, ?> m && m.get("config") instanceof Map<?, ?> cfg) {
                lossArgs = map(cfg, "compile.loss.config");
            }
        }
        List<String> metrics = new ArrayList<>();
        if (c.get("metrics") instanceof List<?> list) {
            for (int i = 0; i < list.size(); i++) {
                Object metric = list.get(i);
                // a serialized metric object reports under its config's name, as Keras logs it
                metrics.add(metric instanceof Map<?, ?> m && m.get("config") instanceof Map<?, ?> cfg
                        && cfg.get("name") instanceof String n ? n : kerasName(metric, "compile.metrics[" + i + "]"));
            }
        } else if (c.get("metrics") != null) {
            throw new InvalidModelException("compile.metrics", "metrics must be a list of names");
        }
        return new CompileSpec(optimizer, args, loss, lossArgs, metrics);
    }

    /** A Keras name given as a string or as a serialized object ({@code MeanSquaredError} -> mean_squared_error). */
    private static String kerasName(Object value, String path) {
        if (value instanceof String s) {
            return s;
        }
        if (value instanceof Map<?, ?> m && m.get("class_name") instanceof String cls) {
            return cls.replaceAll("([a-z])([A-Z])", "$1_$2").toLowerCase(java.util.Locale.ROOT);
        }
        throw new InvalidModelException(path, path + " must be a name");
    }

    private static List<Map<String, Object>> layers(Object value, String path) {
        if (!(value instanceof List<?> list) || list.isEmpty()) {
            throw new InvalidModelException(path, "layers must be a non-empty list of layer objects");
        }
        List<Map<String, Object>> out = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            out.add(map(list.get(i), path + "[" + i + "]"));
        }
        return out;
    }

    private static List<Integer> shape(Object value, String path) {
        if (!(value instanceof List<?> list)) {
            throw new InvalidModelException(path, path + " must be a list such as [null, 1]");
        }
        List<Integer> dims = new ArrayList<>();
        for (Object d : list) {
            if (d == null) {
                dims.add(null);
            } else if (d instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())
                    && n.doubleValue() >= 1 && n.doubleValue() <= Integer.MAX_VALUE) {
                dims.add(n.intValue());
            } else {
                throw new InvalidModelException(path, path + " entries must be positive integers or null");
            }
        }
        return dims;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object value, String path) {
        if (value instanceof Map<?, ?> m) {
            return (Map<String, Object>) m;
        }
        throw new InvalidModelException(path, path + " must be an object");
    }

    private static String string(Object value, String path) {
        if (value == null || value instanceof String) {
            return (String) value;
        }
        throw new InvalidModelException(path, path + " must be a string");
    }

    private static long seed(Object value, long fallback) {
        if (value == null) {
            return fallback;
        }
        if (value instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())) {
            return n.longValue();
        }
        throw new InvalidModelException("seed", "seed must be an integer");
    }
}
