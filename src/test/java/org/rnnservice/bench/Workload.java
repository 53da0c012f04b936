package org.rnnservice.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.rnnservice.engine.model.CompileSpec;
import org.rnnservice.engine.model.ModelSpec;
import org.rnnservice.engine.train.Samples;
import org.rnnservice.engine.train.TokenWindows;
import tools.jackson.databind.JsonNode;

/**
 * One training workload of a workloads file (the format of {@code bench/workloads.json}): its model, and its
 * data generated from the file's formulas, so every implementation trains on the same numbers.
 */
record Workload(String id, List<Map<String, Object>> layers, int seqLen, int features, int n, int batchSize,
                int epochs, int warmupEpochs, String loss, String data, int vocab, double learningRate,
                boolean shuffle) {

    static Workload of(JsonNode w, JsonNode defaults) {
        List<Map<String, Object>> layers = new ArrayList<>();
        for (JsonNode l : w.get("layers")) {
            Map<String, Object> m = new LinkedHashMap<>();
            l.properties().forEach(e -> m.put(e.getKey(), e.getValue().isNumber() ? e.getValue().numberValue()
                    : e.getValue().isBoolean() ? e.getValue().asBoolean() : e.getValue().asString()));
            layers.add(m);
        }
        return new Workload(w.get("id").asString(), layers, w.get("seq_len").asInt(), w.get("features").asInt(),
                w.get("n").asInt(), w.get("batch_size").asInt(), w.get("epochs").asInt(),
                pick(w, defaults, "warmup_epochs").asInt(), w.get("loss").asString(), w.get("data").asString(),
                w.path("vocab").asInt(0), pick(w, defaults, "learning_rate").asDouble(),
                pick(w, defaults, "shuffle").asBoolean());
    }

    private static JsonNode pick(JsonNode w, JsonNode defaults, String key) {
        return w.has(key) ? w.get(key) : defaults.get(key);
    }

    ModelSpec spec() {
        return new ModelSpec(id, Arrays.asList(seqLen, features), layers,
                new CompileSpec("adam", Map.of("learning_rate", learningRate), loss, List.of()), 1234);
    }

    /** s(t) = sin(0.05 t) + 0.1 sin(0.37 t), the file's series. */
    static double series(long t) {
        return Math.sin(0.05 * t) + 0.1 * Math.sin(0.37 * t);
    }

    Samples samples() {
        switch (data) {
            case "seed" -> {
                float[] x = new float[n];
                float[] y = new float[n];
                for (int i = 0; i < n; i++) {
                    x[i] = (float) (i / 100.0);
                    y[i] = (float) (i / 100.0 + 0.1);
                }
                return Samples.of(x, y, n, seqLen, features, 1);
            }
            case "series" -> {
                float[] x = new float[n * seqLen * features];
                float[] y = new float[n];
                for (int i = 0; i < n; i++) {
                    for (int t = 0; t < seqLen; t++) {
                        for (int f = 0; f < features; f++) {
                            x[(i * seqLen + t) * features + f] = (float) series(i + t + 7L * f);
                        }
                    }
                    y[i] = (float) series(i + seqLen);
                }
                return Samples.of(x, y, n, seqLen, features, 1);
            }
            case "chars" -> {
                // window i holds tokens p = i .. i+seq_len-1 and predicts p = i+seq_len: one stream, step 1
                int[] tokens = new int[n + seqLen];
                for (int p = 0; p < tokens.length; p++) {
                    tokens[p] = (7 * p + p / 13) % vocab;
                }
                return new TokenWindows(tokens, vocab, seqLen, 1, true);
            }
            default -> throw new IllegalArgumentException("unknown data '" + data + "' in workload " + id);
        }
    }

    /**
     * Floating-point operations of one sample's matrix products (a multiply-add counts two): the recurrent layers'
     * {@code x.W + h.U} per step and Dense's, forward only, or with training's backward and weight-gradient products
     * (each the size of the forward one; the first layer sends no gradient to its input). 0 when it is not known:
     * one-hot inputs are gathered rather than multiplied.
     */
    double flopsPerSample(boolean training) {
        if ("chars".equals(data)) {
            return 0;
        }
        double flops = 0;
        int in = features;
        boolean first = true;
        for (Map<String, Object> layer : layers) {
            int units = ((Number) layer.get("units")).intValue();
            int gates = switch (String.valueOf(layer.get("type"))) {
                case "LSTM" -> 4;
                case "GRU" -> 3;
                case "SimpleRNN" -> 1;
                default -> 0;
            };
            double forward = gates > 0 ? 2.0 * seqLen * (in + units) * gates * units : 2.0 * in * units;
            double inputGradient = gates > 0 ? 2.0 * seqLen * in * gates * units : 2.0 * in * units;
            flops += training ? 3 * forward - (first ? inputGradient : 0) : forward;
            in = units;
            first = false;
        }
        return flops;
    }
}
