package org.rnnservice.keras;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.rnnservice.engine.layers.InvalidModelException;
import org.rnnservice.engine.layers.UnsupportedFeatureException;

/**
 * Keras' {@code model.to_json()} documents, Keras 2 ({@code class_name}/{@code config}/{@code batch_input_shape}, up to
 * standalone Keras 2.2's bare list of layers) and Keras 3 ({@code module}/{@code registered_name}/{@code batch_shape}),
 * Sequential models and Functional models that are a single chain of layers, read into the service's own definition
 * form with every class name and alias resolved. {@link KerasConfigWriter} writes the other way.
 */
public final class KerasConfigReader {

    /** Whether a document was written by Keras 2 or Keras 3: they disagree on {@code hard_sigmoid}. */
    public enum Dialect {
        KERAS_2, KERAS_3;

        /** The dialect of the Keras version that wrote a file or document ({@code keras_version}). */
        static Dialect ofVersion(String kerasVersion) {
            return kerasVersion.startsWith("2.") || kerasVersion.startsWith("1.") ? KERAS_2 : KERAS_3;
        }
    }

    private KerasConfigReader() {
    }

    /** Whether a JSON body is a Keras document rather than the service's own form. */
    public static boolean isKeras(Map<String, Object> body) {
        return body.get("class_name") instanceof String && body.containsKey("config");
    }

    /** The dialect of a {@code to_json()} document: Keras 3 writes {@code module}, Keras 2 a 2.x {@code keras_version}. */
    public static Dialect dialect(Map<String, Object> doc) {
        if (doc.get("keras_version") instanceof String v) {
            return Dialect.ofVersion(v);
        }
        return doc.containsKey("module") ? Dialect.KERAS_3 : Dialect.KERAS_2;
    }

    /**
     * A Keras model read into the service's form; {@code note} says how it was taken when that is not plain (a
     * Functional chain read as a Sequential model), else null.
     */
    public record Definition(Map<String, Object> definition, String note) {
    }

    /** A {@code to_json()} document in the service's own form (its compile from {@code compile_config} if any). */
    public static Definition toDefinition(Map<String, Object> doc) {
        return toDefinition(doc, dialect(doc), doc.get("compile_config"));
    }

    /**
     * A model config in the service's own form; {@code compile} is Keras 3's {@code compile_config} or a legacy HDF5
     * file's {@code training_config}, or null for a model that was never compiled (which stays so).
     */
    static Definition toDefinition(Map<String, Object> doc, Dialect dialect, Object compile) {
        Object cls = doc.get("class_name");
        boolean functional = FunctionalChain.isFunctional(cls);
        if (!functional && !"Sequential".equals(cls)) {
            throw new UnsupportedFeatureException("class_name", "only Sequential models and Functional models that"
                    + " are a single chain of layers are supported, got " + cls);
        }
        Object config = doc.get("config");
        // standalone Keras up to 2.2 wrote the layers as the config itself
        List<?> rawLayers = functional ? FunctionalChain.layers(map(config, "config"))
                : config instanceof List<?> l ? l
                : config instanceof Map<?, ?> m && m.get("layers") instanceof List<?> l2 ? l2 : null;
        if (rawLayers == null) {
            throw new InvalidModelException("config.layers", "config.layers must be a list of layers");
        }
        List<Integer> inputShape = null;
        List<Map<String, Object>> layers = new ArrayList<>();
        for (int i = 0; i < rawLayers.size(); i++) {
            String path = "config.layers[" + i + "]";
            Map<String, Object> entry = map(rawLayers.get(i), path);
            String className = string(entry.get("class_name"), path + ".class_name");
            Map<String, Object> args = new LinkedHashMap<>(map(entry.get("config"), path + ".config"));
            List<Integer> batchShape = batchShape(args, path + ".config");
            if (className.equals("InputLayer")) {
                if (inputShape != null || !layers.isEmpty()) {
                    throw new UnsupportedFeatureException(path, "a second input is not supported");
                }
                inputShape = batchShape;
                continue;
            }
            String type = layerType(entry, className, path);
            if (inputShape == null && batchShape != null) {
                inputShape = batchShape;
            }
            if (inputShape == null && layers.isEmpty() && entry.get("build_config") instanceof Map<?, ?> build
                    && build.get("input_shape") instanceof List<?> s && !s.isEmpty()) {
                inputShape = shape(s.subList(1, s.size()), path + ".build_config.input_shape");
            }
            layers.add(layer(type, args, dialect, path + ".config"));
        }
        if (inputShape == null && config instanceof Map<?, ?> m && m.get("build_input_shape") instanceof List<?> s
                && !s.isEmpty()) {
            inputShape = shape(s.subList(1, s.size()), "config.build_input_shape");
        }
        Map<String, Object> definition = new LinkedHashMap<>();
        if (config instanceof Map<?, ?> m && m.get("name") instanceof String name) {
            definition.put("name", name);
        }
        if (inputShape != null) {
            definition.put("input_shape", inputShape);
        }
        definition.put("layers", layers);
        if (compile instanceof Map<?, ?> c && !c.isEmpty()) { // Keras 3 writes {} for a model never compiled
            definition.put("compile", compile(map(c, "compile_config")));
        }
        String note = functional ? "a Functional model (" + String.join(" -> ", names(rawLayers)) + ") taken as a"
                + " Sequential model of the same layers; exports are written as keras.Sequential" : null;
        return new Definition(definition, note);
    }

    private static List<String> names(List<?> layers) {
        List<String> out = new ArrayList<>();
        for (Object l : layers) {
            if (l instanceof Map<?, ?> m && m.get("config") instanceof Map<?, ?> c && c.get("name") != null) {
                out.add(String.valueOf(c.get("name")));
            }
        }
        return out;
    }

    private static Map<String, Object> layer(String type, Map<String, Object> args, Dialect dialect, String path) {
        Map<String, Object> layer = new LinkedHashMap<>();
        layer.put("type", type);
        for (Map.Entry<String, Object> e : args.entrySet()) {
            String key = e.getKey();
            Object value = e.getValue();
            if (key.equals("batch_input_shape") || key.equals("batch_shape")) {
                continue;
            }
            if (key.equals("dtype")) {
                value = dtype(value);
            } else if ((key.equals("layer") || key.equals("backward_layer")) && value instanceof Map<?, ?> inner) {
                value = wrappedLayer(inner, dialect, path + "." + key);
            } else if (key.endsWith("_initializer")) {
                value = initializer(value);
            } else if (key.equals("activation") || key.equals("recurrent_activation")) {
                value = activation(value, dialect, path + "." + key);
            }
            layer.put(key, value);
        }
        return layer;
    }

    /** The engine's type for a Keras layer class, or 422 naming the class (and a user's own class as such). */
    private static String layerType(Map<?, ?> entry, String className, String path) {
        return KerasNames.layer(className).orElseThrow(() -> new UnsupportedFeatureException(path + ".class_name",
                KerasNames.unsupportedLayer(entry, className)));
    }

    /** The layer a Bidirectional or TimeDistributed wraps, {@code {"class_name", "config"}} in Keras' form. */
    private static Map<String, Object> wrappedLayer(Map<?, ?> inner, Dialect dialect, String path) {
        String type = layerType(inner, string(inner.get("class_name"), path + ".class_name"), path);
        return layer(type, new LinkedHashMap<>(map(inner.get("config"), path + ".config")), dialect,
                path + ".config");
    }

    /** Keras 3 writes a {@code DTypePolicy} object where Keras 2 wrote its name. */
    private static Object dtype(Object value) {
        if (value instanceof Map<?, ?> m && m.get("config") instanceof Map<?, ?> c && c.get("name") != null) {
            return c.get("name");
        }
        return value;
    }

    private static Object initializer(Object value) {
        if (value instanceof String s) {
            return KerasNames.initializer(s).orElse(s);
        }
        if (value instanceof Map<?, ?> m && m.get("class_name") instanceof String cls) {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("class_name", KerasNames.initializer(cls).orElse(cls));
            if (m.get("config") instanceof Map<?, ?> c) {
                Map<String, Object> args = new LinkedHashMap<>();
                c.forEach((k, v) -> {
                    if (v != null) {
                        args.put(String.valueOf(k), v);
                    }
                });
                out.put("config", args);
            }
            return out;
        }
        return value;
    }

    /** Keras 2's hard_sigmoid is 0.2 x + 0.5; Keras 3's is x / 6 + 0.5: the engine has both by distinct names. */
    private static Object activation(Object value, Dialect dialect, String path) {
        Object name = value;
        if (value instanceof Map<?, ?> m) {
            name = m.get("config") instanceof Map<?, ?> c && c.get("name") instanceof String n ? n
                    : m.get("class_name") instanceof String cls ? KerasNames.snakeCase(cls) : null;
            if (name == null) {
                throw new InvalidModelException(path, path + " must be an activation name");
            }
        }
        if ("hard_sigmoid".equals(name) && dialect == Dialect.KERAS_2) {
            return "hard_sigmoid_keras2";
        }
        return name;
    }

    /** Keras 3's {@code compile_config} or a legacy file's {@code training_config}, in the service's words. */
    private static Map<String, Object> compile(Map<String, Object> c) {
        for (String key : List.of("loss_weights", "weighted_metrics", "sample_weight_mode")) {
            if (c.get(key) != null) {
                throw new UnsupportedFeatureException("compile_config." + key, key + " is not supported (only null)");
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        Object optimizer = c.containsKey("optimizer_config") ? c.get("optimizer_config") : c.get("optimizer");
        if (optimizer != null) {
            out.put("optimizer", optimizer(optimizer));
        }
        if (c.get("loss") != null) {
            out.put("loss", loss(c.get("loss")));
        }
        List<String> metrics = new ArrayList<>();
        collectMetrics(c.get("metrics"), metrics);
        out.put("metrics", metrics);
        return out;
    }

    private static Object optimizer(Object value) {
        if (value instanceof String s) {
            return Map.of("type", KerasNames.optimizer(s));
        }
        Map<String, Object> o = map(value, "compile_config.optimizer");
        String cls = string(o.get("class_name"), "compile_config.optimizer.class_name");
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("type", KerasNames.optimizer(cls));
        if (o.get("config") instanceof Map<?, ?> cfg) {
            cfg.forEach((k, v) -> {
                String key = String.valueOf(k);
                if (key.equals("lr")) {
                    key = "learning_rate"; // standalone Keras 2.3 and before
                }
                Object given = v;
                if (key.equals("learning_rate") && v instanceof Map<?, ?> schedule) {
                    // a schedule, serialized with module and registered_name: its class and arguments
                    Map<String, Object> kept = new LinkedHashMap<>();
                    kept.put("class_name", schedule.get("class_name"));
                    kept.put("config", schedule.get("config"));
                    given = kept;
                }
                if (!key.equals("name")) {
                    out.put(key, given);
                }
            });
        }
        return out;
    }

    private static Object loss(Object value) {
        if (value instanceof String s) {
            return KerasNames.loss(s);
        }
        // Keras 3 serializes a loss given by name as a function: {"class_name": "function", "config": "mse"}
        if (value instanceof Map<?, ?> m && "function".equals(m.get("class_name")) && m.get("config") instanceof String f) {
            return KerasNames.loss(f);
        }
        if (value instanceof Map<?, ?> m && m.get("class_name") instanceof String cls) {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("type", KerasNames.loss(cls));
            if (m.get("config") instanceof Map<?, ?> cfg) {
                cfg.forEach((k, v) -> {
                    if (!"name".equals(k) && !"fn".equals(k)) {
                        out.put(String.valueOf(k), v);
                    }
                });
            }
            return out;
        }
        if (value instanceof List<?> list && list.size() == 1) {
            return loss(list.get(0));
        }
        throw new UnsupportedFeatureException("compile_config.loss", "the loss must be one loss by name or object");
    }

    /** Metric names; Keras 2 nests them per output, and metric objects report under their config's name. */
    private static void collectMetrics(Object value, List<String> out) {
        if (value instanceof List<?> list) {
            for (Object m : list) {
                collectMetrics(m, out);
            }
        } else if (value instanceof String s) {
            out.add(s);
        } else if (value instanceof Map<?, ?> m) {
            if (m.get("config") instanceof String f) {
                out.add(f); // a metric function serialized by name
            } else if (m.get("config") instanceof Map<?, ?> c && c.get("name") instanceof String n) {
                out.add(n);
            } else if (m.get("class_name") instanceof String cls) {
                out.add(KerasNames.snakeCase(cls));
            }
        }
    }

    private static List<Integer> batchShape(Map<String, Object> args, String path) {
        for (String key : List.of("batch_input_shape", "batch_shape")) {
            if (args.get(key) instanceof List<?> s && !s.isEmpty()) {
                return shape(s.subList(1, s.size()), path + "." + key);
            }
        }
        return null;
    }

    private static List<Integer> shape(List<?> dims, String path) {
        List<Integer> out = new ArrayList<>();
        for (Object d : dims) {
            if (d == null) {
                out.add(null);
            } else if (d instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue()) && n.intValue() >= 1) {
                out.add(n.intValue());
            } else {
                throw new InvalidModelException(path, path + " entries must be positive integers or null");
            }
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object value, String path) {
        if (value instanceof Map<?, ?> m) {
            return (Map<String, Object>) m;
        }
        throw new InvalidModelException(path, path + " must be an object");
    }

    private static String string(Object value, String path) {
        if (value instanceof String s) {
            return s;
        }
        throw new InvalidModelException(path, path + " must be a string");
    }
}
