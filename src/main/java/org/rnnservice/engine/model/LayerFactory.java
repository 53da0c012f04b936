package org.rnnservice.engine.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.LinkedHashMap;
import org.rnnservice.engine.layers.Arguments;
import org.rnnservice.engine.layers.Bidirectional;
import org.rnnservice.engine.layers.Dense;
import org.rnnservice.engine.layers.Dropout;
import org.rnnservice.engine.layers.Embedding;
import org.rnnservice.engine.layers.Gru;
import org.rnnservice.engine.layers.InvalidModelException;
import org.rnnservice.engine.layers.Layer;
import org.rnnservice.engine.layers.LayerConfig;
import org.rnnservice.engine.layers.Lstm;
import org.rnnservice.engine.layers.Masking;
import org.rnnservice.engine.layers.Normalization;
import org.rnnservice.engine.layers.Reshape;
import org.rnnservice.engine.layers.SimpleRnn;
import org.rnnservice.engine.layers.TimeDistributed;
import org.rnnservice.engine.layers.UnsupportedFeatureException;
import org.rnnservice.engine.simd.Kernels;

/** Creates layers from Keras class names and arguments, and gives them Keras' default names. */
public final class LayerFactory {

    /** A layer's constructor: its name, its Keras arguments and the kernels it computes with. */
    private interface Constructor {
        Layer create(String name, LayerConfig config, Kernels kernels);
    }

    private record Kind(String type, String baseName, Constructor constructor) {
    }

    private static final List<Kind> KINDS = List.of(
            new Kind("SimpleRNN", "simple_rnn", SimpleRnn::new),
            new Kind("LSTM", "lstm", Lstm::new),
            new Kind("GRU", "gru", Gru::new),
            new Kind("Dense", "dense", Dense::new),
            new Kind("Embedding", "embedding", Embedding::new),
            new Kind("Dropout", "dropout", Dropout::new),
            new Kind("Masking", "masking", Masking::new),
            new Kind("Normalization", "normalization", Normalization::new),
            new Kind("Reshape", "reshape", Reshape::new),
            new Kind("Bidirectional", "bidirectional", null),
            new Kind("TimeDistributed", "time_distributed", null));

    /** Arguments Keras writes that change nothing here, or that the model reads before the layer sees them. */
    private static final List<String> IGNORED = List.of("type", "name", "input_shape", "batch_input_shape",
            "batch_shape", "dtype", "unroll", "implementation", "seed", "input_length",
            "stateful", "return_state", "time_major",
            "kernel_constraint", "recurrent_constraint", "bias_constraint", "embeddings_constraint", "noise_shape",
            "lora_rank", "use_cudnn", "sparse", "quantization_config");

    /**
     * Keras arguments this engine does not implement, accepted (Keras' own JSON always writes them) only at the value
     * that means "off"; anything else would train a different model than the user asked for.
     */
    private static final Map<String, Object> ONLY_AT_DEFAULT = Map.ofEntries(
            Map.entry("stateful", false),
            Map.entry("return_state", false), Map.entry("time_major", false),
            Map.entry("kernel_constraint", "null"), Map.entry("recurrent_constraint", "null"),
            Map.entry("bias_constraint", "null"), Map.entry("embeddings_constraint", "null"),
            Map.entry("noise_shape", "null"),
            Map.entry("lora_rank", "null"), Map.entry("sparse", false),
            Map.entry("quantization_config", "null"));

    /** The weights each layer type lets Keras' {@code <weight>_regularizer} arguments penalise. */
    private static final Map<String, List<String>> REGULARIZED_WEIGHTS = Map.of(
            "SimpleRNN", List.of("kernel", "recurrent_kernel", "bias"),
            "LSTM", List.of("kernel", "recurrent_kernel", "bias"),
            "GRU", List.of("kernel", "recurrent_kernel", "bias"),
            "Dense", List.of("kernel", "bias"),
            "Embedding", List.of("embeddings"));

    private LayerFactory() {
    }

    /** The layer a wrapper's {@code layer} argument defines. */
    private static Map<String, Object> wrapped(Map<String, Object> definition, String path) {
        if (!(definition.get("layer") instanceof Map<?, ?> inner)) {
            throw new InvalidModelException(path + ".layer", "layer is required: the layer to wrap, such as"
                    + " {\"type\": \"LSTM\", \"units\": 64}");
        }
        Map<String, Object> copy = new LinkedHashMap<>();
        inner.forEach((k, v) -> copy.put(String.valueOf(k), v));
        return copy;
    }

    /**
     * Keras' {@code Bidirectional}: the wrapped layer re-created as {@code forward_<name>} and, reading backwards,
     * {@code backward_<name>}. A {@code backward_layer} (Keras writes one) must be that same layer.
     */
    private static Layer bidirectional(String name, LayerConfig config, Map<String, Object> definition, String path,
                                       Set<String> used, Kernels kernels) {
        Map<String, Object> inner = wrapped(definition, path);
        if (!List.of("simplernn", "lstm", "gru", "simple_rnn").contains(String.valueOf(inner.get("type"))
                .toLowerCase(Locale.ROOT))) {
            throw new InvalidModelException(path + ".layer", "Bidirectional wraps a recurrent layer (SimpleRNN, LSTM"
                    + " or GRU), got " + inner.get("type"));
        }
        String base = innerName(inner, used);
        boolean backwards = Boolean.TRUE.equals(inner.get("go_backwards"));
        Map<String, Object> forward = new LinkedHashMap<>(inner);
        forward.put("name", "forward_" + base);
        Map<String, Object> backward = new LinkedHashMap<>(inner);
        backward.put("name", "backward_" + base);
        backward.put("go_backwards", !backwards);
        config.has("layer");
        if (config.has("backward_layer")) {
            if (!(definition.get("backward_layer") instanceof Map<?, ?> given) || !sameLayer(given, backward)) {
                throw new UnsupportedFeatureException(path + ".backward_layer", "a backward_layer other than the"
                        + " layer itself reading backwards is not supported");
            }
        }
        Set<String> own = new java.util.HashSet<>();
        return new Bidirectional(name, config, create(forward, path + ".layer", own, kernels),
                create(backward, path + ".layer", own, kernels), kernels);
    }

    /** The wrapped layer's own name without the prefix a Bidirectional gives it, or a fresh one (then used). */
    private static String innerName(Map<String, Object> inner, Set<String> used) {
        if (inner.get("name") instanceof String n && !n.isBlank()) {
            return n.replaceFirst("^(forward_|backward_)", "");
        }
        Object type = inner.get("type");
        String base = KINDS.stream().filter(k -> k.type().equalsIgnoreCase(String.valueOf(type)))
                .map(Kind::baseName).findFirst().orElse("layer");
        String name = base;
        for (int k = 1; used.contains(name); k++) {
            name = base + "_" + k;
        }
        used.add(name);
        return name;
    }

    /** Whether two layer definitions agree on every argument but the name. */
    private static boolean sameLayer(Map<?, ?> a, Map<String, Object> b) {
        Map<Object, Object> x = new LinkedHashMap<>(a);
        Map<Object, Object> y = new LinkedHashMap<>(b);
        x.remove("name");
        y.remove("name");
        return x.equals(y);
    }

    /** The layer types the engine builds, by the class names Keras gives them. */
    public static List<String> types() {
        return KINDS.stream().map(Kind::type).toList();
    }

    /** Builds layer {@code index} of a model, naming it from {@code used} when it carries no name. */
    static Layer create(Map<String, Object> definition, int index, Set<String> used, Kernels kernels) {
        return create(definition, "layers[" + index + "]", used, kernels);
    }

    /** The arguments a layer type must be given, with a value that builds it: what {@link #arguments} probes with. */
    private static final Map<String, Map<String, Object>> REQUIRED = Map.ofEntries(
            Map.entry("SimpleRNN", Map.of("units", 1)), Map.entry("LSTM", Map.of("units", 1)),
            Map.entry("GRU", Map.of("units", 1)), Map.entry("Dense", Map.of("units", 1)),
            Map.entry("Embedding", Map.of("input_dim", 2, "output_dim", 1)), Map.entry("Dropout", Map.of("rate", 0.5)),
            Map.entry("Masking", Map.of()), Map.entry("Normalization", Map.of()),
            Map.entry("Reshape", Map.of("target_shape", List.of(1))),
            Map.entry("Bidirectional", Map.of("layer", Map.of("type", "LSTM", "units", 1))),
            Map.entry("TimeDistributed", Map.of("layer", Map.of("type", "Dense", "units", 1))));

    /** A layer type's arguments as its code reads them, and which of them it requires. */
    public record TypeArguments(String type, Map<String, LayerConfig.Argument> arguments, Set<String> required,
                                Map<String, Object> onlyAtDefault, List<String> ignored) {
    }

    /**
     * Every layer type with its arguments, read off the layers themselves (each built once from its required
     * arguments, its reads recorded): what the API's schema of the model document is made from, so that an argument
     * a layer starts reading cannot be missing from it.
     */
    public static List<TypeArguments> arguments() {
        List<TypeArguments> out = new ArrayList<>();
        for (Kind kind : KINDS) {
            Map<String, Object> probe = new LinkedHashMap<>(REQUIRED.get(kind.type()));
            probe.put("type", kind.type());
            LayerConfig[] seen = new LayerConfig[1];
            create(probe, "layers[0]", new java.util.HashSet<>(), org.rnnservice.engine.simd.KernelsProvider.scalar(),
                    c -> seen[0] = c);
            out.add(new TypeArguments(kind.type(), seen[0].described(), REQUIRED.get(kind.type()).keySet(),
                    ONLY_AT_DEFAULT, IGNORED.stream().filter(k -> !k.equals("type") && !k.equals("name")).toList()));
        }
        return out;
    }

    private static Layer create(Map<String, Object> definition, String path, Set<String> used, Kernels kernels) {
        return create(definition, path, used, kernels, c -> { });
    }

    private static Layer create(Map<String, Object> definition, String path, Set<String> used, Kernels kernels,
                                java.util.function.Consumer<LayerConfig> reads) {
        Object typeValue = definition.get("type");
        if (!(typeValue instanceof String typeName) || typeName.isBlank()) {
            throw new InvalidModelException(path + ".type", "type is required, one of " + types());
        }
        Kind kind = KINDS.stream().filter(k -> k.type().equalsIgnoreCase(typeName)
                        || k.baseName().equals(typeName.toLowerCase(Locale.ROOT)))
                .findFirst()
                .orElseThrow(() -> new InvalidModelException(path + ".type",
                        "unknown layer type '" + typeName + "'; supported: " + types()));
        LayerConfig config = new LayerConfig(definition, path);
        String name = config.string("name", null);
        if (name == null) {
            name = kind.baseName();
            for (int k = 1; used.contains(name); k++) {
                name = kind.baseName() + "_" + k;
            }
        } else if (!name.matches("[A-Za-z0-9_.\\-]{1,64}")) {
            throw new InvalidModelException(path + ".name",
                    "name must be 1 to 64 letters, digits, '_', '.' or '-'");
        } else if (used.contains(name)) {
            throw new InvalidModelException(path + ".name", "layer name '" + name + "' is used twice");
        }
        Layer layer = switch (kind.type()) {
            case "Bidirectional" -> bidirectional(name, config, definition, path, used, kernels);
            case "TimeDistributed" -> new TimeDistributed(name, config,
                    create(wrapped(definition, path), path + ".layer", used, kernels), kernels);
            default -> kind.constructor().create(name, config, kernels);
        };
        layer.setTrainable(config.bool("trainable", true));
        for (String weight : REGULARIZED_WEIGHTS.getOrDefault(kind.type(), List.of())) {
            layer.regularize(weight, config.regularizer(
                    (weight.equals("recurrent_kernel") ? "recurrent" : weight) + "_regularizer"));
        }
        layer.regularize("activity", config.regularizer("activity_regularizer"));
        ONLY_AT_DEFAULT.forEach((key, off) -> config.onlyAt(key, off));
        Object dtype = definition.get("dtype");
        if (dtype != null && !"float32".equals(dtype)) {
            throw new UnsupportedFeatureException(path + ".dtype", "dtype " + dtype
                    + " is not supported: this engine computes in float32");
        }
        config.rejectUnknown(IGNORED);
        used.add(name);
        reads.accept(config);
        return layer;
    }
}
