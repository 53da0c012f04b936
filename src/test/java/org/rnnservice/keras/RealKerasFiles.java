package org.rnnservice.keras;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.rnnservice.Http;
import org.rnnservice.engine.model.ModelDefinitions;
import org.rnnservice.engine.model.Sequential;
import tools.jackson.databind.JsonNode;

/**
 * The model files real Keras wrote ({@code src/test/resources/keras/real}, made by {@code make_real_fixtures.py}
 * there) with the inputs and Keras' own predictions for each.
 */
final class RealKerasFiles {

    static final JsonNode EXPECTED = Http.JSON.readTree(bytes("expected.json")).get("models");

    private RealKerasFiles() {
    }

    static byte[] bytes(String name) {
        try (InputStream in = RealKerasFiles.class.getResourceAsStream("/keras/real/" + name)) {
            if (in == null) {
                throw new IllegalStateException("missing fixture " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The names of the models the service must take (not those it must refuse). */
    static List<String> accepted() {
        List<String> out = new ArrayList<>();
        EXPECTED.properties().forEach(e -> {
            if (!e.getValue().has("refused")) {
                out.add(e.getKey());
            }
        });
        return out;
    }

    static List<String> refused() {
        List<String> out = new ArrayList<>();
        EXPECTED.properties().forEach(e -> {
            if (e.getValue().has("refused")) {
                out.add(e.getKey());
            }
        });
        return out;
    }

    /** A file read and built as the service builds it: the definition parsed, the model built, the file's weights set. */
    static Sequential build(ImportedModel imported) {
        Sequential model = Sequential.build(ModelDefinitions.parse(imported.definition(), 1));
        model.setWeights(KerasFiles.weights(imported, model));
        return model;
    }

    static ImportedModel read(byte[] file) {
        return KerasFiles.read(file, 1L << 30, 1L << 30);
    }

    /** A batch of inputs from the JSON fixture: {@code [batch][steps][features]} or token ids {@code [batch][steps]}. */
    record Batch(float[] x, int count, int steps) {
        static Batch of(JsonNode batch) {
            int count = batch.size();
            int steps = batch.get(0).size();
            int features = batch.get(0).get(0).isArray() ? batch.get(0).get(0).size() : 1;
            float[] x = new float[count * steps * features];
            int i = 0;
            for (JsonNode sample : batch) {
                for (JsonNode step : sample) {
                    if (step.isArray()) {
                        for (JsonNode v : step) {
                            x[i++] = v.floatValue();
                        }
                    } else {
                        x[i++] = step.floatValue();
                    }
                }
            }
            return new Batch(x, count, steps);
        }
    }

    /** Every number of a nested JSON array, in order. */
    static float[] flat(JsonNode node) {
        List<Float> out = new ArrayList<>();
        collect(node, out);
        float[] f = new float[out.size()];
        for (int i = 0; i < f.length; i++) {
            f[i] = out.get(i);
        }
        return f;
    }

    private static void collect(JsonNode node, List<Float> out) {
        if (node.isArray()) {
            node.forEach(n -> collect(n, out));
        } else {
            out.add(node.floatValue());
        }
    }

    static Map<String, Object> map(JsonNode node) {
        return Http.JSON.convertValue(node, Map.class);
    }
}
