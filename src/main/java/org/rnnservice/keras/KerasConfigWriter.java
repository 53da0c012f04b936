package org.rnnservice.keras;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.rnnservice.engine.layers.UnsupportedFeatureException;

/**
 * The service's model definitions written as Keras 3 writes models: the document of {@code model.to_json()} and of a
 * {@code .keras} archive's {@code config.json}, and the {@code model_config} and {@code training_config} of a legacy
 * {@code .h5} file. Every layer carries the arguments Keras 3.15 writes for it, with the same values, except those
 * Keras added after 3.0 while they are at their defaults, so that earlier Keras 3 releases read the files too
 * ({@link #LATER_ARGUMENTS}); and dtypes are written by name, which every Keras 3 release reads.
 */
public final class KerasConfigWriter {

    /** The Keras release whose files these are, written into the files' metadata. */
    static final String KERAS_VERSION = "3.15.1";

    /**
     * Arguments Keras added after 3.0, left out while they hold the value given here (their default), because earlier
     * releases refuse an argument they do not know.
     */
    static final Map<String, Object> LATER_ARGUMENTS = Map.of("input_axes", "null", "output_axes", "null",
            "quantization_config", "null", "ragged", false, "optional", false);

    private static final String FLOAT32 = "float32";

    private KerasConfigWriter() {
    }

    /** The two forms of a Keras object the files hold. */
    enum Dialect {
        /** Keras 3's {@code {module, class_name, config, registered_name, build_config}}: to_json, .keras archives. */
        KERAS_3,
        /** Keras 2's {@code {class_name, config}}: a legacy .h5 file's {@code model_config}. */
        LEGACY_H5
    }

    /** A Keras object as both dialects write it; {@code buildConfig} is null for objects that build nothing. */
    record KerasObject(String module, String className, Map<String, Object> config, Map<String, Object> buildConfig) {

        Map<String, Object> in(Dialect dialect) {
            Map<String, Object> out = new LinkedHashMap<>();
            if (dialect == Dialect.KERAS_3) {
                out.put("module", module);
            }
            out.put("class_name", className);
            out.put("config", config);
            if (dialect == Dialect.KERAS_3) {
                out.put("registered_name", null);
                if (buildConfig != null) {
                    out.put("build_config", buildConfig);
                }
            }
            return out;
        }
    }

    /**
     * {@code model.to_json()} of the model (Keras 3), with its {@code compile_config} when it is compiled: the
     * {@code config.json} of a {@code .keras} archive. {@code outputShapes} are the layers' output shapes with their
     * batch axis ({@code [null, null, 8]}), in order.
     */
    public static Map<String, Object> toJson(Map<String, Object> definition, List<List<Integer>> outputShapes) {
        List<Integer> input = batch(inputShape(definition));
        Map<String, Object> doc = new KerasObject("keras", "Sequential",
                modelConfig(definition, outputShapes, Dialect.KERAS_3), Map.of("input_shape", input))
                .in(Dialect.KERAS_3);
        if (definition.get("compile") instanceof Map<?, ?>) {
            doc.put("compile_config", compileConfig(definition));
        }
        return doc;
    }

    /** A legacy {@code .h5} file's {@code model_config}: layers as {@code {class_name, config}}, as Keras writes it. */
    static Map<String, Object> legacyModelConfig(Map<String, Object> definition, List<List<Integer>> outputShapes) {
        return new KerasObject("keras", "Sequential", modelConfig(definition, outputShapes, Dialect.LEGACY_H5), null)
                .in(Dialect.LEGACY_H5);
    }

    /** A legacy {@code .h5} file's {@code training_config}, or null for a model that is not compiled. */
    static Map<String, Object> legacyTrainingConfig(Map<String, Object> definition) {
        if (!(definition.get("compile") instanceof Map<?, ?>)) {
            return null;
        }
        Map<String, Object> compile = compileConfig(definition);
        Map<String, Object> t = new LinkedHashMap<>(compile);
        t.remove("optimizer");
        @SuppressWarnings("unchecked")
        Map<String, Object> optimizer = (Map<String, Object>) compile.get("optimizer");
        @SuppressWarnings("unchecked")
        Map<String, Object> optimizerConfig = (Map<String, Object>) optimizer.get("config");
        t.put("optimizer_config", new KerasObject("keras.optimizers", String.valueOf(optimizer.get("class_name")),
                optimizerConfig, null).in(Dialect.LEGACY_H5));
        return t;
    }

    private static Map<String, Object> modelConfig(Map<String, Object> definition, List<List<Integer>> outputShapes,
                                                   Dialect dialect) {
        List<Map<String, Object>> layers = layerList(definition);
        if (outputShapes.size() != layers.size()) {
            throw new IllegalArgumentException(layers.size() + " layers but " + outputShapes.size() + " shapes");
        }
        List<Integer> input = batch(inputShape(definition));
        List<Object> written = new ArrayList<>();
        Map<String, Object> inputLayer = new LinkedHashMap<>();
        inputLayer.put("batch_shape", input);
        inputLayer.put("dtype", "Embedding".equals(type(layers.get(0))) ? "int32" : FLOAT32); // token ids
        inputLayer.put("sparse", false);
        inputLayer.put("name", "input_layer");
        written.add(new KerasObject("keras.layers", "InputLayer", inputLayer, null).in(dialect));
        List<Integer> layerInput = input;
        for (int i = 0; i < layers.size(); i++) {
            Map<String, Object> layer = layers.get(i);
            String type = type(layer);
            Map<String, Object> config = layerConfig(layer, layerInput);
            // Keras records the input shape of the layers that build something (weights, or inner layers)
            Map<String, Object> build = type.equals("Dropout") || type.equals("Masking") || type.equals("Reshape") ? null
                    : Map.of("input_shape", layerInput);
            written.add(new KerasObject("keras.layers", type, config, build).in(dialect));
            layerInput = outputShapes.get(i);
        }
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("name", definition.get("name"));
        config.put("trainable", true);
        config.put("dtype", FLOAT32);
        config.put("layers", written);
        config.put("build_input_shape", input);
        return config;
    }

    /** One layer's {@code config} as Keras 3.15 writes it, for a layer whose input has shape {@code input}. */
    private static Map<String, Object> layerConfig(Map<String, Object> d, List<Integer> input) {
        String type = type(d);
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("name", d.get("name"));
        c.put("trainable", d.getOrDefault("trainable", true));
        c.put("dtype", FLOAT32);
        switch (type) {
            case "SimpleRNN", "LSTM", "GRU" -> recurrent(c, d, type);
            case "Dense" -> {
                activityIfSet(c, d);
                c.put("units", d.get("units"));
                c.put("activation", activation(d, "activation"));
                c.put("use_bias", d.getOrDefault("use_bias", true));
                c.put("kernel_initializer", initializer(d.get("kernel_initializer")));
                c.put("bias_initializer", initializer(d.get("bias_initializer")));
                c.put("kernel_regularizer", regularizer(d.get("kernel_regularizer")));
                c.put("bias_regularizer", regularizer(d.get("bias_regularizer")));
                c.put("kernel_constraint", null);
                c.put("bias_constraint", null);
            }
            case "Embedding" -> {
                c.put("input_dim", d.get("input_dim"));
                c.put("output_dim", d.get("output_dim"));
                c.put("embeddings_initializer", initializer(d.get("embeddings_initializer")));
                c.put("embeddings_regularizer", regularizer(d.get("embeddings_regularizer")));
                c.put("activity_regularizer", regularizer(d.get("activity_regularizer")));
                c.put("embeddings_constraint", null);
                c.put("mask_zero", d.getOrDefault("mask_zero", false));
            }
            case "Dropout" -> {
                activityIfSet(c, d);
                c.put("rate", d.get("rate"));
                c.put("seed", null);
                c.put("noise_shape", null);
            }
            case "Masking" -> {
                activityIfSet(c, d);
                c.put("mask_value", d.getOrDefault("mask_value", 0.0));
            }
            case "Normalization" -> {
                // Keras 3 writes its axis tuple as a list: [-1], or [] for None
                Object axis = d.get("axis");
                boolean everyValue = d.containsKey("axis") && (axis == null || axis instanceof List<?> l && l.isEmpty());
                c.put("axis", everyValue ? List.of() : List.of(-1));
                c.put("invert", d.getOrDefault("invert", false));
                c.put("mean", d.get("mean"));
                c.put("variance", d.get("variance"));
            }
            case "Reshape" -> c.put("target_shape", d.get("target_shape"));
            case "Bidirectional" -> {
                activityIfSet(c, d);
                c.put("merge_mode", d.getOrDefault("merge_mode", "concat"));
                Map<String, Object> forward = wrapped(d);
                c.put("layer", direction(forward, true, input));
                c.put("backward_layer", direction(forward, false, input));
            }
            case "TimeDistributed" -> {
                activityIfSet(c, d);
                Map<String, Object> inner = wrapped(d);
                // the wrapped layer sees one step at a time: the input without its time axis
                List<Integer> step = new ArrayList<>(java.util.Arrays.asList(null, input.get(input.size() - 1)));
                c.put("layer", serialized("keras.layers", type(inner), layerConfig(inner, step),
                        Map.of("input_shape", step)));
            }
            default -> throw new UnsupportedFeatureException("layers", "layer " + type
                    + " cannot be written as a Keras file");
        }
        return c;
    }

    private static void recurrent(Map<String, Object> c, Map<String, Object> d, String type) {
        c.put("return_sequences", d.getOrDefault("return_sequences", false));
        c.put("return_state", false);
        c.put("go_backwards", d.getOrDefault("go_backwards", false));
        c.put("stateful", false);
        c.put("unroll", false);
        c.put("zero_output_for_mask", d.getOrDefault("zero_output_for_mask", false));
        c.put("units", d.get("units"));
        c.put("activation", activation(d, "activation"));
        if (!type.equals("SimpleRNN")) {
            c.put("recurrent_activation", activation(d, "recurrent_activation"));
        }
        c.put("use_bias", d.getOrDefault("use_bias", true));
        c.put("kernel_initializer", initializer(d.get("kernel_initializer")));
        c.put("recurrent_initializer", initializer(d.get("recurrent_initializer")));
        c.put("bias_initializer", initializer(d.get("bias_initializer")));
        if (type.equals("LSTM")) {
            c.put("unit_forget_bias", d.getOrDefault("unit_forget_bias", true));
        }
        c.put("kernel_regularizer", regularizer(d.get("kernel_regularizer")));
        c.put("recurrent_regularizer", regularizer(d.get("recurrent_regularizer")));
        c.put("bias_regularizer", regularizer(d.get("bias_regularizer")));
        c.put("activity_regularizer", regularizer(d.get("activity_regularizer")));
        c.put("kernel_constraint", null);
        c.put("recurrent_constraint", null);
        c.put("bias_constraint", null);
        c.put("dropout", d.getOrDefault("dropout", 0.0));
        c.put("recurrent_dropout", d.getOrDefault("recurrent_dropout", 0.0));
        if (type.equals("GRU")) {
            c.put("reset_after", d.getOrDefault("reset_after", true));
        }
        if (!type.equals("SimpleRNN")) {
            c.put("seed", null);
        }
    }

    /**
     * One direction of a Bidirectional as Keras writes it: {@code forward_<name>} and {@code backward_<name>}, the
     * backward one reading the other way, and both with {@code zero_output_for_mask} set to whether they return
     * sequences, which Keras' Bidirectional forces.
     */
    private static Map<String, Object> direction(Map<String, Object> forward, boolean isForward,
                                                 List<Integer> input) {
        Map<String, Object> d = new LinkedHashMap<>(forward);
        String base = String.valueOf(forward.get("name")).replaceFirst("^forward_", "");
        d.put("name", (isForward ? "forward_" : "backward_") + base);
        boolean backwards = Boolean.TRUE.equals(forward.get("go_backwards"));
        d.put("go_backwards", isForward == backwards);
        d.put("zero_output_for_mask", d.getOrDefault("return_sequences", false));
        return serialized("keras.layers", type(d), layerConfig(d, input), Map.of("input_shape", input));
    }

    private static void activityIfSet(Map<String, Object> c, Map<String, Object> d) {
        if (d.get("activity_regularizer") != null) {
            c.put("activity_regularizer", regularizer(d.get("activity_regularizer")));
        }
    }

    private static Object activation(Map<String, Object> d, String key) {
        Object name = d.get(key);
        if ("hard_sigmoid_keras2".equals(name)) {
            throw new UnsupportedFeatureException("layers." + d.get("name") + "." + key,
                    "Keras 2's hard_sigmoid (0.2 x + 0.5) has no Keras 3 equivalent; Keras 3's hard_sigmoid is"
                            + " x / 6 + 0.5, so this model cannot be written as a Keras 3 file");
        }
        return name;
    }

    /** An initializer in Keras 3's form, every argument written as Keras writes it, defaults included. */
    private static Map<String, Object> initializer(Object value) {
        String name = value instanceof Map<?, ?> m ? String.valueOf(m.get("class_name")) : String.valueOf(value);
        Map<String, Object> given = new LinkedHashMap<>();
        if (value instanceof Map<?, ?> m && m.get("config") instanceof Map<?, ?> a) {
            a.forEach((k, v) -> given.put(String.valueOf(k), v));
        }
        String cls = KerasNames.initializerClass(name);
        Map<String, Object> args = new LinkedHashMap<>();
        switch (name) {
            case "zeros", "ones" -> {
            }
            case "constant" -> args.put("value", given.getOrDefault("value", 0.0));
            case "random_uniform" -> {
                args.put("minval", given.getOrDefault("minval", -0.05));
                args.put("maxval", given.getOrDefault("maxval", 0.05));
            }
            case "random_normal", "truncated_normal" -> {
                args.put("mean", given.getOrDefault("mean", 0.0));
                args.put("stddev", given.getOrDefault("stddev", 0.05));
            }
            case "orthogonal" -> args.put("gain", given.getOrDefault("gain", 1.0));
            case "variance_scaling" -> {
                args.put("scale", given.getOrDefault("scale", 1.0));
                args.put("mode", given.getOrDefault("mode", "fan_in"));
                args.put("distribution", given.getOrDefault("distribution", "truncated_normal"));
            }
            default -> {
            }
        }
        if (!name.equals("zeros") && !name.equals("ones") && !name.equals("constant")) {
            args.put("seed", given.get("seed"));
        }
        return serialized("keras.initializers", cls, args, null);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> regularizer(Object value) {
        if (!(value instanceof Map<?, ?> m)) {
            return null;
        }
        return serialized("keras.regularizers", String.valueOf(m.get("class_name")),
                new LinkedHashMap<>((Map<String, Object>) m.get("config")), null);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> compileConfig(Map<String, Object> definition) {
        Map<String, Object> compile = (Map<String, Object>) definition.get("compile");
        Map<String, Object> optimizer = compile.get("optimizer") instanceof Map<?, ?> o
                ? new LinkedHashMap<>((Map<String, Object>) o) : new LinkedHashMap<>(Map.of("type", "adam"));
        String className = KerasNames.optimizerClass(String.valueOf(optimizer.remove("type")));
        Map<String, Object> optimizerConfig = new LinkedHashMap<>();
        optimizerConfig.put("name", KerasNames.snakeCase(className).toLowerCase(Locale.ROOT));
        optimizerConfig.putAll(optimizer);
        if (optimizerConfig.get("learning_rate") instanceof Map<?, ?> schedule) {
            optimizerConfig.put("learning_rate", serialized("keras.optimizers.schedules",
                    String.valueOf(schedule.get("class_name")), (Map<String, Object>) schedule.get("config"), null));
        }
        Object loss = compile.getOrDefault("loss", "mean_squared_error");
        if (loss instanceof Map<?, ?> l) {
            Map<String, Object> args = new LinkedHashMap<>((Map<String, Object>) l);
            String name = String.valueOf(args.remove("type"));
            args.put("name", name);
            loss = serialized("keras.losses", KerasNames.lossClass(name), args, null);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("optimizer", serialized("keras.optimizers", className, optimizerConfig, null));
        out.put("loss", loss);
        out.put("loss_weights", null);
        Object metrics = compile.get("metrics");
        out.put("metrics", metrics instanceof List<?> l && !l.isEmpty() ? l : null); // Keras writes None for none
        out.put("weighted_metrics", null);
        out.put("run_eagerly", false);
        out.put("steps_per_execution", 1);
        out.put("jit_compile", false);
        return out;
    }

    /** An object nested in a config: Keras 3's form in both files (the legacy one keeps it below its layers). */
    private static Map<String, Object> serialized(String module, String className, Map<String, Object> config,
                                                  Map<String, Object> buildConfig) {
        return new KerasObject(module, className, config, buildConfig).in(Dialect.KERAS_3);
    }

    private static String type(Map<String, Object> layer) {
        return String.valueOf(layer.get("type"));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> wrapped(Map<String, Object> layer) {
        return (Map<String, Object>) layer.get("layer");
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
}
