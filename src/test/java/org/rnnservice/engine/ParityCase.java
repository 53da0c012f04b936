package org.rnnservice.engine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.rnnservice.engine.model.CompileSpec;
import org.rnnservice.engine.model.ModelSpec;
import org.rnnservice.engine.model.Sequential;
import org.rnnservice.engine.simd.Kernels;
import org.rnnservice.engine.train.Samples;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** One reference case of {@code src/test/resources/parity} (format in its README), read without assuming its sizes. */
record ParityCase(String name, JsonNode json) {

    private static final JsonMapper MAPPER = JsonMapper.builder().build();

    /** Every {@code *.json} in the folder named by {@code parity.dir} (default {@code src/test/resources/parity}). */
    static List<ParityCase> all() throws IOException {
        Path dir = Path.of(System.getProperty("parity.dir", "src/test/resources/parity"));
        try (Stream<Path> files = Files.list(dir)) {
            List<ParityCase> cases = new ArrayList<>();
            for (Path f : files.filter(p -> p.toString().endsWith(".json")).sorted().toList()) {
                cases.add(new ParityCase(f.getFileName().toString(), MAPPER.readTree(f.toFile())));
            }
            return cases;
        }
    }

    int batch() {
        return json.get("batch_size").asInt();
    }

    int steps() {
        return json.get("timesteps").asInt();
    }

    int inputDim() {
        return json.get("input_dim").asInt();
    }

    String loss() {
        return json.get("loss").asString();
    }

    /** The model as our API takes it (the case's layers minus their informative {@code input_dim}), on {@code kernels}. */
    Sequential model(String optimizer, Map<String, Object> optimizerArgs, Kernels kernels) {
        List<Map<String, Object>> layers = new ArrayList<>();
        for (JsonNode l : json.get("layers")) {
            Map<String, Object> m = new LinkedHashMap<>(MAPPER.convertValue(l, Map.class));
            m.remove("input_dim");
            layers.add(m);
        }
        ModelSpec spec = new ModelSpec(null, java.util.Arrays.asList(null, inputDim()), layers,
                new CompileSpec(optimizer, optimizerArgs, loss(), List.of()), 1);
        Sequential model = Sequential.build(spec, Long.MAX_VALUE, kernels);
        model.setWeights(weights("weights"));
        return model;
    }

    CompileSpec compile(String optimizer, Map<String, Object> args) {
        return new CompileSpec(optimizer, args, loss(), List.of());
    }

    List<String> weightNames() {
        List<String> names = new ArrayList<>();
        json.get("weight_names").forEach(n -> names.add(n.asString()));
        return names;
    }

    List<Integer> weightShape(String name) {
        List<Integer> dims = new ArrayList<>();
        json.get("weight_shapes").get(name).forEach(d -> dims.add(d.asInt()));
        return dims;
    }

    /** The weights under {@code field} (an object name -> array), in weight_names order. */
    List<float[]> weights(String field) {
        return weightNames().stream().map(n -> floats(json.get(field).get(n))).toList();
    }

    List<double[]> expected(JsonNode byName) {
        return weightNames().stream().map(n -> doubles(byName.get(n))).toList();
    }

    float[] x() {
        return floats(json.get("x"));
    }

    Samples samples(int outputWidth) {
        float[] y = floats(json.get("y"));
        return Samples.of(x(), y, batch(), steps(), inputDim(), y.length / batch());
    }

    static float[] floats(JsonNode node) {
        double[] d = doubles(node);
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) {
            f[i] = (float) d[i];
        }
        return f;
    }

    static double[] doubles(JsonNode node) {
        List<Double> out = new ArrayList<>();
        flatten(node, out);
        return out.stream().mapToDouble(Double::doubleValue).toArray();
    }

    private static void flatten(JsonNode node, List<Double> out) {
        if (node.isArray()) {
            node.forEach(n -> flatten(n, out));
        } else {
            out.add(node.asDouble());
        }
    }
}
