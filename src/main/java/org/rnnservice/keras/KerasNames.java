package org.rnnservice.keras;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Keras' class names and aliases, Keras 2 and Keras 3 spellings alike, mapped to the engine's names, and back to the
 * class names Keras 3 writes.
 */
final class KerasNames {

    /** Layer classes the engine implements, by the class name Keras writes: the engine's own layer types. */
    static final List<String> LAYERS = org.rnnservice.engine.model.LayerFactory.types();
    /** The layers whose weights Keras keeps on a {@code cell}. */
    static final List<String> RECURRENT = List.of("SimpleRNN", "LSTM", "GRU");

    /**
     * Where Keras 3 keeps a layer's variables below its object path, in weight order: on the cell of a recurrent
     * layer, on the forward then the backward layer's cell of a Bidirectional, on the wrapped layer of a
     * TimeDistributed, else on the layer.
     */
    static List<String> varPaths(String layerClass) {
        if (RECURRENT.contains(layerClass)) {
            return List.of("cell/vars");
        }
        return switch (layerClass) {
            case "Bidirectional" -> List.of("forward_layer/cell/vars", "backward_layer/cell/vars");
            case "TimeDistributed" -> List.of("layer/vars");
            default -> List.of("vars");
        };
    }

    /** A layer's weights split as {@link #varPaths} keeps them: the two directions of a Bidirectional, else one. */
    static List<List<org.rnnservice.engine.layers.Param>> paramGroups(org.rnnservice.engine.layers.Layer layer) {
        if (layer instanceof org.rnnservice.engine.layers.Bidirectional b) {
            return List.of(b.forwardLayer().params(), b.backwardLayer().params());
        }
        return List.of(layer.params());
    }

    private static final Map<String, String> INITIALIZERS = Map.ofEntries(
            Map.entry("zeros", "zeros"), Map.entry("zero", "zeros"), Map.entry("ones", "ones"),
            Map.entry("one", "ones"), Map.entry("constant", "constant"),
            Map.entry("random_uniform", "random_uniform"), Map.entry("uniform", "random_uniform"),
            Map.entry("random_normal", "random_normal"), Map.entry("normal", "random_normal"),
            Map.entry("truncated_normal", "truncated_normal"), Map.entry("orthogonal", "orthogonal"),
            Map.entry("orthogonal_initializer", "orthogonal"), Map.entry("variance_scaling", "variance_scaling"),
            Map.entry("glorot_uniform", "glorot_uniform"), Map.entry("glorot_normal", "glorot_normal"),
            Map.entry("he_uniform", "he_uniform"), Map.entry("he_normal", "he_normal"),
            Map.entry("lecun_uniform", "lecun_uniform"), Map.entry("lecun_normal", "lecun_normal"),
            Map.entry("xavier_uniform", "glorot_uniform"), Map.entry("xavier_normal", "glorot_normal"));

    /** The class names Keras 3 writes for the engine's initializers. */
    private static final Map<String, String> INITIALIZER_CLASSES = Map.ofEntries(
            Map.entry("zeros", "Zeros"), Map.entry("ones", "Ones"), Map.entry("constant", "Constant"),
            Map.entry("random_uniform", "RandomUniform"), Map.entry("random_normal", "RandomNormal"),
            Map.entry("truncated_normal", "TruncatedNormal"), Map.entry("orthogonal", "Orthogonal"),
            Map.entry("variance_scaling", "VarianceScaling"), Map.entry("glorot_uniform", "GlorotUniform"),
            Map.entry("glorot_normal", "GlorotNormal"), Map.entry("he_uniform", "HeUniform"),
            Map.entry("he_normal", "HeNormal"), Map.entry("lecun_uniform", "LecunUniform"),
            Map.entry("lecun_normal", "LecunNormal"));

    private static final Map<String, String> LOSSES = Map.ofEntries(
            Map.entry("mean_squared_error", "mean_squared_error"), Map.entry("mse", "mean_squared_error"),
            Map.entry("mean_absolute_error", "mean_absolute_error"), Map.entry("mae", "mean_absolute_error"),
            Map.entry("binary_crossentropy", "binary_crossentropy"),
            Map.entry("categorical_crossentropy", "categorical_crossentropy"),
            Map.entry("sparse_categorical_crossentropy", "sparse_categorical_crossentropy"),
            Map.entry("huber", "huber"), Map.entry("huber_loss", "huber"));

    private static final Map<String, String> LOSS_CLASSES = Map.of(
            "mean_squared_error", "MeanSquaredError", "mean_absolute_error", "MeanAbsoluteError",
            "binary_crossentropy", "BinaryCrossentropy", "categorical_crossentropy", "CategoricalCrossentropy",
            "sparse_categorical_crossentropy", "SparseCategoricalCrossentropy", "huber", "Huber");

    private static final Map<String, String> OPTIMIZER_CLASSES = Map.of(
            "adam", "Adam", "adamw", "AdamW", "sgd", "SGD", "rmsprop", "RMSprop", "adagrad", "Adagrad");

    private static final Pattern NOT_WORD = Pattern.compile("\\W+");
    private static final Pattern WORD_START = Pattern.compile("(.)([A-Z][a-z]+)");
    private static final Pattern CASE_CHANGE = Pattern.compile("([a-z0-9])([A-Z])");

    private KerasNames() {
    }

    /** Keras' {@code naming.to_snake_case}: {@code SimpleRNN} is {@code simple_rnn}, {@code LSTM} is {@code lstm}. */
    static String snakeCase(String className) {
        String name = NOT_WORD.matcher(className).replaceAll("");
        name = WORD_START.matcher(name).replaceAll("$1_$2");
        return CASE_CHANGE.matcher(name).replaceAll("$1_$2").toLowerCase(Locale.ROOT);
    }

    /**
     * Names the children of a container as Keras 3's saving library does ({@code _save_container_state}): the class
     * in snake case, numbered among the earlier children of that class ({@code lstm}, {@code lstm_1}, ...).
     */
    static final class ObjectNames {
        private final Map<String, Integer> used = new java.util.HashMap<>();

        String next(String className) {
            String snake = snakeCase(className);
            int n = used.merge(snake, 0, (a, b) -> a + 1);
            return n == 0 ? snake : snake + "_" + n;
        }
    }

    /** The engine's layer type for a Keras layer class, if the engine has it. */
    static Optional<String> layer(String className) {
        return LAYERS.stream().filter(l -> l.equalsIgnoreCase(className)).findFirst();
    }

    /**
     * Why a layer class cannot be read: a user's own class (Keras 3 writes it with a module outside Keras, or a
     * registered name {@code package>Class}) is named as custom code, anything else as a Keras layer the engine lacks.
     */
    static String unsupportedLayer(Map<?, ?> entry, String className) {
        Object module = entry.get("module");
        Object registered = entry.get("registered_name");
        if (registered == null && className.contains(">")) {
            registered = className; // a legacy .h5 file writes the registered name as the class
        }
        boolean custom = entry.containsKey("module") && (module == null || !String.valueOf(module).startsWith("keras"))
                || registered instanceof String r && r.contains(">");
        if (custom) {
            String simple = className.substring(className.indexOf('>') + 1);
            return "'" + simple + "' is a custom layer" + (registered != null ? " (registered as '" + registered
                    + "')" : "") + ": the service runs Keras' own layers, not a model author's code; supported: "
                    + LAYERS;
        }
        return "layer class '" + className + "' is not supported; supported: " + LAYERS;
    }

    /** The engine's name of an initializer given as a Keras 2 or 3 class name or alias, if there is one. */
    static Optional<String> initializer(String name) {
        return Optional.ofNullable(INITIALIZERS.get(snakeCase(name)));
    }

    static String initializerClass(String engineName) {
        return INITIALIZER_CLASSES.getOrDefault(engineName, engineName);
    }

    /** The engine's name of a loss given as a class name, a function name or an alias ({@code MSE}, {@code mse}). */
    static String loss(String name) {
        String snake = name.equals(name.toUpperCase(Locale.ROOT)) ? name.toLowerCase(Locale.ROOT) : snakeCase(name);
        return LOSSES.getOrDefault(snake, snake);
    }

    static String lossClass(String engineName) {
        return LOSS_CLASSES.getOrDefault(engineName, engineName);
    }

    /**
     * The engine's name of an optimizer: Keras 3's {@code Adam}, tf 2.11+'s {@code Custom>Adam} and legacy
     * {@code Adam} (module {@code keras.optimizers.legacy}) alike.
     */
    static String optimizer(String className) {
        String name = className.startsWith("Custom>") ? className.substring("Custom>".length()) : className;
        return name.toLowerCase(Locale.ROOT);
    }

    static String optimizerClass(String engineName) {
        return OPTIMIZER_CLASSES.getOrDefault(engineName, engineName);
    }
}
