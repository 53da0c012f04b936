package org.rnnservice.engine.model;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.rnnservice.engine.layers.Arguments;
import org.rnnservice.engine.layers.Dense;
import org.rnnservice.engine.layers.Dropout;
import org.rnnservice.engine.layers.Embedding;
import org.rnnservice.engine.layers.Gru;
import org.rnnservice.engine.layers.InvalidModelException;
import org.rnnservice.engine.layers.Layer;
import org.rnnservice.engine.layers.LayerConfig;
import org.rnnservice.engine.layers.Lstm;
import org.rnnservice.engine.layers.SimpleRnn;
import org.rnnservice.engine.layers.UnsupportedFeatureException;
import org.rnnservice.engine.simd.Kernels;

/** Creates layers from Keras class names and arguments, and gives them Keras' default names. */
final class LayerFactory {

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
            new Kind("Dropout", "dropout", Dropout::new));

    /** Arguments Keras writes that change nothing here, or that the model reads before the layer sees them. */
    private static final List<String> IGNORED = List.of("type", "name", "input_shape", "batch_input_shape",
            "batch_shape", "dtype", "unroll", "implementation", "seed", "input_length",
            "recurrent_dropout", "stateful", "go_backwards", "return_state", "time_major", "mask_zero",
            "kernel_regularizer", "recurrent_regularizer", "bias_regularizer", "activity_regularizer",
            "kernel_constraint", "recurrent_constraint", "bias_constraint", "embeddings_regularizer",
            "embeddings_constraint", "noise_shape", "lora_rank", "zero_output_for_mask", "use_cudnn", "sparse",
            "quantization_config");

    /**
     * Keras arguments this engine does not implement, accepted (Keras' own JSON always writes them) only at the value
     * that means "off"; anything else would train a different model than the user asked for.
     */
    private static final Map<String, Object> ONLY_AT_DEFAULT = Map.ofEntries(
            Map.entry("recurrent_dropout", 0.0), Map.entry("stateful", false), Map.entry("go_backwards", false),
            Map.entry("return_state", false), Map.entry("time_major", false), Map.entry("mask_zero", false),
            Map.entry("kernel_regularizer", "null"), Map.entry("recurrent_regularizer", "null"),
            Map.entry("bias_regularizer", "null"), Map.entry("activity_regularizer", "null"),
            Map.entry("kernel_constraint", "null"), Map.entry("recurrent_constraint", "null"),
            Map.entry("bias_constraint", "null"), Map.entry("noise_shape", "null"),
            Map.entry("lora_rank", "null"), Map.entry("sparse", false),
            Map.entry("quantization_config", "null"));

    private LayerFactory() {
    }

    /** The type names accepted, in Keras' spelling. */
    static List<String> types() {
        return KINDS.stream().map(Kind::type).toList();
    }

    /** Builds layer {@code index} of a model, naming it from {@code used} when it carries no name. */
    static Layer create(Map<String, Object> definition, int index, Set<String> used, Kernels kernels) {
        String path = "layers[" + index + "]";
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
        Layer layer = kind.constructor().create(name, config, kernels);
        layer.setTrainable(config.bool("trainable", true));
        for (Map.Entry<String, Object> unsupported : ONLY_AT_DEFAULT.entrySet()) {
            Object given = definition.get(unsupported.getKey());
            if (!Arguments.isOff(given, unsupported.getValue())) {
                throw new UnsupportedFeatureException(path + "." + unsupported.getKey(),
                        unsupported.getKey() + " is not supported (only " + unsupported.getValue() + ")");
            }
        }
        Object dtype = definition.get("dtype");
        if (dtype != null && !"float32".equals(dtype)) {
            throw new UnsupportedFeatureException(path + ".dtype", "dtype " + dtype
                    + " is not supported: this engine computes in float32");
        }
        config.rejectUnknown(IGNORED);
        used.add(name);
        return layer;
    }
}
