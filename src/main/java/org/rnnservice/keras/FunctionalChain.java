package org.rnnservice.keras;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.rnnservice.engine.layers.InvalidModelException;
import org.rnnservice.engine.layers.UnsupportedFeatureException;

/**
 * A Functional model ({@code keras.Model(inputs, outputs)}: Keras 3's {@code Functional}, tf.keras' {@code Model})
 * whose graph is a single chain, one input through layers each fed by the one before to one output, read as the
 * layers of a Sequential model in the order data flows. Anything else is refused naming the first layer that is not
 * part of such a chain.
 */
final class FunctionalChain {

    private static final String CHAIN_ONLY = "only a chain of layers, each fed by the one before, can be imported as"
            + " a Sequential model";

    private FunctionalChain() {
    }

    /** Whether a model config's class is a Functional model. */
    static boolean isFunctional(Object className) {
        return "Functional".equals(className) || "Model".equals(className);
    }

    /**
     * The layer entries of {@code config} (a Functional model's {@code config}) in the order of the chain, its
     * {@code InputLayer} first; 422 naming the first layer that branches, merges, is called more than once, or is
     * a class the engine does not have.
     */
    static List<Map<String, Object>> layers(Map<String, Object> config) {
        if (!(config.get("layers") instanceof List<?> raw)) {
            throw new InvalidModelException("config.layers", "config.layers must be a list of layers");
        }
        Map<String, Map<String, Object>> byName = new LinkedHashMap<>();
        Map<String, List<String>> sources = new LinkedHashMap<>();
        Map<String, List<String>> consumers = new LinkedHashMap<>();
        for (int i = 0; i < raw.size(); i++) {
            Map<String, Object> entry = KerasConfigReader.map(raw.get(i), "config.layers[" + i + "]");
            String name = layerName(entry, i);
            byName.put(name, entry);
            consumers.putIfAbsent(name, new ArrayList<>());
            List<String> from = new ArrayList<>();
            if (entry.get("inbound_nodes") instanceof List<?> nodes && !nodes.isEmpty()) {
                collectHistory(nodes.get(0), from);
            }
            sources.put(name, from);
        }
        sources.forEach((name, from) -> from.forEach(source -> {
            if (consumers.containsKey(source) && !consumers.get(source).contains(name)) {
                consumers.get(source).add(name);
            }
        }));
        String input = endpoint(config.get("input_layers"), "input_layers");
        String output = endpoint(config.get("output_layers"), "output_layers");
        List<Map<String, Object>> chain = new ArrayList<>();
        String current = input;
        while (true) {
            Map<String, Object> entry = byName.get(current);
            if (entry == null) {
                throw new InvalidModelException("config.layers", "the model names layer '" + current
                        + "', which it does not have");
            }
            checkLayer(current, entry, sources.get(current));
            chain.add(entry);
            List<String> next = consumers.get(current);
            if (current.equals(output)) {
                if (!next.isEmpty()) {
                    throw branches(current, next);
                }
                break;
            }
            if (next.size() != 1) {
                throw next.isEmpty() ? new UnsupportedFeatureException("config.layers", "layer '" + current
                        + "' feeds no layer but is not the model's output '" + output + "'") : branches(current, next);
            }
            current = next.get(0);
        }
        if (chain.size() != byName.size()) {
            List<String> outside = new ArrayList<>(byName.keySet());
            chain.forEach(l -> outside.remove(layerName(l, -1)));
            throw new UnsupportedFeatureException("config.layers", "layers " + quoted(outside) + " are not on the"
                    + " path from the input to the output: " + CHAIN_ONLY);
        }
        return chain;
    }

    /** A layer on the chain: a class the engine has, called once, fed by one layer (or none, for the input). */
    private static void checkLayer(String name, Map<String, Object> entry, List<String> sources) {
        checkClass(entry, name);
        if (entry.get("inbound_nodes") instanceof List<?> nodes && nodes.size() > 1) {
            throw new UnsupportedFeatureException("config.layers", "layer '" + name + "' is called " + nodes.size()
                    + " times (a shared layer): " + CHAIN_ONLY);
        }
        if (sources.size() > 1) {
            throw new UnsupportedFeatureException("config.layers", "layer '" + name + "' merges " + sources.size()
                    + " inputs (" + quoted(sources) + "): " + CHAIN_ONLY);
        }
    }

    private static UnsupportedFeatureException branches(String layer, List<String> next) {
        return new UnsupportedFeatureException("config.layers", "layer '" + layer + "' feeds " + next.size()
                + " layers (" + quoted(next) + "), so the graph branches: " + CHAIN_ONLY);
    }

    private static String quoted(List<String> names) {
        return String.join(", ", names.stream().map(n -> "'" + n + "'").toList());
    }

    /** Refuses a class the engine lacks, telling a user's own layer from a Keras layer the service does not have. */
    private static void checkClass(Map<String, Object> entry, String name) {
        Object cls = entry.get("class_name");
        if ("InputLayer".equals(cls) || cls instanceof String c && KerasNames.layer(c).isPresent()) {
            return;
        }
        throw new UnsupportedFeatureException("config.layers", "layer '" + name + "': "
                + KerasNames.unsupportedLayer(entry, String.valueOf(cls)));
    }

    /** The layers a node reads: Keras 3's {@code keras_history} of each tensor, or tf.keras' {@code [name, i, j]}. */
    private static void collectHistory(Object node, List<String> out) {
        if (node instanceof Map<?, ?> m) {
            if (m.get("config") instanceof Map<?, ?> c && c.get("keras_history") instanceof List<?> h
                    && !h.isEmpty()) {
                out.add(String.valueOf(h.get(0)));
                return;
            }
            for (Object v : m.values()) {
                collectHistory(v, out);
            }
        } else if (node instanceof List<?> l) {
            if (l.size() >= 3 && l.get(0) instanceof String name && l.get(1) instanceof Number) {
                out.add(name); // tf.keras: [layer_name, node_index, tensor_index, kwargs]
                return;
            }
            for (Object v : l) {
                collectHistory(v, out);
            }
        }
    }

    /** The single layer named by {@code input_layers} or {@code output_layers}: {@code [name, 0, 0]} or a list of one. */
    private static String endpoint(Object value, String field) {
        if (value instanceof List<?> l && !l.isEmpty() && l.get(0) instanceof String name) {
            return name;
        }
        if (value instanceof List<?> l && l.size() == 1 && l.get(0) instanceof List<?> one && !one.isEmpty()
                && one.get(0) instanceof String name) {
            return name;
        }
        if (value instanceof List<?> l && l.size() > 1) {
            throw new UnsupportedFeatureException("config." + field, "the model has " + l.size() + " "
                    + field.replace("_layers", "s") + ": only a model of one input and one output can be imported as"
                    + " a Sequential model");
        }
        throw new InvalidModelException("config." + field, "config." + field + " must name a layer");
    }

    private static String layerName(Map<String, Object> entry, int index) {
        if (entry.get("name") instanceof String n) {
            return n;
        }
        if (entry.get("config") instanceof Map<?, ?> c && c.get("name") instanceof String n) {
            return n;
        }
        throw new InvalidModelException("config.layers[" + index + "].name", "every layer of a Functional model"
                + " must have a name");
    }
}
