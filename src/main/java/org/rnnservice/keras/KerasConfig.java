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
 * read into the service's own definition form with every class name and alias resolved; and the service's
 * definitions written back as Keras 3 documents, or in the Keras 2 form that legacy HDF5 files carry.
 */
public final class KerasConfig {

    /** Whether a document was written by Keras 2 or Keras 3: they disagree on {@code hard_sigmoid}. */
    public enum Dialect {
        KERAS_2, KERAS_3;

        /** The dialect of the Keras version that wrote a file or document ({@code keras_version}). */
        static Dialect ofVersion(String kerasVersion) {
            return kerasVersion.startsWith("2.") || kerasVersion.startsWith("1.") ? KERAS_2 : KERAS_3;
        }
    }

    /** The Keras version written into exported files: the format of Keras 3's saving library. */
    static final String KERAS_VERSION = "3.6.0";

    /** Every Keras 3 release reads a dtype given by name; only newer ones read a DTypePolicy object. */
    private static final String FLOAT32 = "float32";

    private KerasConfig() {
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

    /** A {@code to_json()} document in the service's own form (its compile from {@code compile_config} if any). */
    public static Map<String, Object> toDefinition(Map<String, Object> doc) {
        return toDefinition(doc, dialect(doc), doc.get("compile_config"));
    }

    /**
     * A model config in the service's own form; {@code compile} is Keras 3's {@code compile_config} or a legacy HDF5
     * file's {@code training_config} (or null for Keras' defaults).
     */
    static Map<String, Object> toDefinition(Map<String, Object> doc, Dialect dialect, Object compile) {
        Object cls = doc.get("class_name");
        if (!"Sequential".equals(cls)) {
            throw new UnsupportedFeatureException("class_name", "only Sequential models are supported, got "
                    + cls + (("Functional".equals(cls) || "Model".equals(cls))
                    ? " (a Functional model: rebuild it as keras.Sequential if it is a plain stack of layers)" : ""));
        }
        Object config = doc.get("config");
        // standalone Keras up to 2.2 wrote the layers as the config itself
        List<?> rawLayers = config instanceof List<?> l ? l
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
            String type = layerType(className, path);
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
        if (compile instanceof Map<?, ?> c) {
            definition.put("compile", compile(map(c, "compile_config")));
        }
        return definition;
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

    /** The engine's type for a Keras layer class, or 422 naming the class at {@code path}. */
    private static String layerType(String className, String path) {
        return KerasNames.layer(className).orElseThrow(() -> new UnsupportedFeatureException(path + ".class_name",
                "layer class '" + className + "' is not supported; supported: " + KerasNames.LAYERS));
    }

    /** The layer a Bidirectional or TimeDistributed wraps, {@code {"class_name", "config"}} in Keras' form. */
    private static Map<String, Object> wrappedLayer(Map<?, ?> inner, Dialect dialect, String path) {
        String type = layerType(string(inner.get("class_name"), path + ".class_name"), path);
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

    /** The service's own definition written as Keras 3's {@code model.to_json()}, with its compile_config. */
    public static Map<String, Object> toKeras3(Map<String, Object> definition) {
        List<Integer> inputShape = inputShape(definition);
        List<Object> layers = new ArrayList<>();
        Map<String, Object> input = new LinkedHashMap<>();
        input.put("batch_shape", batch(inputShape));
        input.put("dtype", "float32");
        input.put("sparse", false);
        input.put("name", "input_layer");
        layers.add(serialized("keras.layers", "InputLayer", input, null));
        for (Map<String, Object> layer : layerList(definition)) {
            layers.add(serialized("keras.layers", (String) layer.get("type"), kerasLayer(layer, true), null));
        }
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("name", definition.get("name"));
        config.put("trainable", true);
        config.put("dtype", FLOAT32);
        config.put("layers", layers);
        config.put("build_input_shape", batch(inputShape));
        Map<String, Object> doc = serialized("keras", "Sequential", config, Map.of("input_shape", batch(inputShape)));
        doc.put("compile_config", compileConfig(definition, true));
        return doc;
    }

    /** The service's own definition in the Keras 2 form that both Keras 2 and Keras 3 read from legacy HDF5. */
    static Map<String, Object> toLegacy(Map<String, Object> definition) {
        List<Object> layers = new ArrayList<>();
        Map<String, Object> input = new LinkedHashMap<>();
        input.put("batch_input_shape", batch(inputShape(definition)));
        input.put("dtype", "float32");
        input.put("name", "input_1");
        layers.add(Map.of("class_name", "InputLayer", "config", input));
        for (Map<String, Object> layer : layerList(definition)) {
            layers.add(Map.of("class_name", layer.get("type"), "config", kerasLayer(layer, false)));
        }
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("name", definition.get("name"));
        config.put("layers", layers);
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("class_name", "Sequential");
        doc.put("config", config);
        doc.put("keras_version", KERAS_VERSION);
        doc.put("backend", "tensorflow");
        return doc;
    }

    /** A legacy HDF5 file's {@code training_config}. */
    static Map<String, Object> trainingConfig(Map<String, Object> definition) {
        Map<String, Object> compile = compileConfig(definition, false);
        Map<String, Object> t = new LinkedHashMap<>();
        t.put("loss", compile.get("loss"));
        t.put("metrics", compile.get("metrics"));
        t.put("weighted_metrics", null);
        t.put("loss_weights", null);
        t.put("optimizer_config", compile.get("optimizer"));
        return t;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> compileConfig(Map<String, Object> definition, boolean keras3) {
        Map<String, Object> compile = definition.get("compile") instanceof Map<?, ?> c
                ? (Map<String, Object>) c : Map.of();
        Map<String, Object> optimizer = compile.get("optimizer") instanceof Map<?, ?> o
                ? new LinkedHashMap<>((Map<String, Object>) o) : new LinkedHashMap<>(Map.of("type", "adam"));
        String className = KerasNames.optimizerClass(String.valueOf(optimizer.remove("type")));
        Map<String, Object> optimizerConfig = new LinkedHashMap<>();
        optimizerConfig.put("name", className.toLowerCase(java.util.Locale.ROOT));
        optimizerConfig.putAll(optimizer);
        if (keras3 && optimizerConfig.get("learning_rate") instanceof Map<?, ?> schedule) {
            optimizerConfig.put("learning_rate", serialized("keras.optimizers.schedules",
                    String.valueOf(schedule.get("class_name")), (Map<String, Object>) schedule.get("config"), null));
        }
        Object loss = compile.getOrDefault("loss", "mean_squared_error");
        if (loss instanceof Map<?, ?> l) {
            Map<String, Object> args = new LinkedHashMap<>((Map<String, Object>) l);
            String name = String.valueOf(args.remove("type"));
            args.put("name", name);
            loss = keras3 ? serialized("keras.losses", KerasNames.lossClass(name), args, null)
                    : Map.of("class_name", KerasNames.lossClass(name), "config", args);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("optimizer", keras3 ? serialized("keras.optimizers", className, optimizerConfig, null)
                : Map.of("class_name", className, "config", optimizerConfig));
        out.put("loss", loss);
        out.put("loss_weights", null);
        out.put("metrics", compile.getOrDefault("metrics", List.of()));
        out.put("weighted_metrics", null);
        if (keras3) {
            out.put("run_eagerly", false);
            out.put("steps_per_execution", 1);
            out.put("jit_compile", false);
        }
        return out;
    }

    /** A layer's own-form config as Keras writes it: initializers as objects, the dtype, trainable. */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> kerasLayer(Map<String, Object> layer, boolean keras3) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("name", layer.get("name"));
        c.put("trainable", layer.getOrDefault("trainable", true));
        c.put("dtype", FLOAT32);
        for (Map.Entry<String, Object> e : layer.entrySet()) {
            String key = e.getKey();
            Object v = e.getValue();
            if (key.equals("type") || key.equals("name") || key.equals("trainable")) {
                continue;
            }
            if ("hard_sigmoid_keras2".equals(v)) {
                throw new UnsupportedFeatureException("layers." + layer.get("name") + "." + key,
                        "Keras 2's hard_sigmoid (0.2 x + 0.5) has no Keras 3 equivalent; Keras 3's hard_sigmoid is"
                                + " x / 6 + 0.5, so this model cannot be written as a Keras 3 file");
            }
            if (key.equals("layer") && v instanceof Map<?, ?> inner) {
                Map<String, Object> wrapped = (Map<String, Object>) inner;
                String type = String.valueOf(wrapped.get("type"));
                v = keras3 ? serialized("keras.layers", type, kerasLayer(wrapped, true), null)
                        : Map.of("class_name", type, "config", kerasLayer(wrapped, false));
            }
            if (key.endsWith("_initializer")) {
                String name = v instanceof Map<?, ?> m ? String.valueOf(m.get("class_name")) : String.valueOf(v);
                Map<String, Object> args = v instanceof Map<?, ?> m && m.get("config") instanceof Map<?, ?> a
                        ? new LinkedHashMap<>((Map<String, Object>) a) : new LinkedHashMap<>();
                String cls = KerasNames.initializerClass(name);
                if (!keras3 && cls.equals("OrthogonalInitializer")) {
                    cls = "Orthogonal"; // Keras 2's name, which Keras 3 still reads
                }
                args.putIfAbsent("seed", null);
                v = keras3 ? serialized("keras.initializers", cls, args, null)
                        : Map.of("class_name", cls, "config", args);
            }
            c.put(key, v);
        }
        return c;
    }

    private static Map<String, Object> serialized(String module, String className, Map<String, Object> config,
                                                  Map<String, Object> buildConfig) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("module", module);
        out.put("class_name", className);
        out.put("config", config);
        out.put("registered_name", null);
        if (buildConfig != null) {
            out.put("build_config", buildConfig);
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> layerList(Map<String, Object> definition) {
        return (List<Map<String, Object>>) definition.get("layers");
    }

    @SuppressWarnings("unchecked")
    private static List<Integer> inputShape(Map<String, Object> definition) {
        return (List<Integer>) definition.get("input_shape");
    }

    private static List<Integer> batch(List<Integer> inputShape) {
        List<Integer> b = new ArrayList<>();
        b.add(null);
        b.addAll(inputShape);
        return b;
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
