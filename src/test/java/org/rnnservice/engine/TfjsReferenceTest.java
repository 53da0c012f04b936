package org.rnnservice.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.rnnservice.engine.layers.Param;
import org.rnnservice.engine.model.CompileSpec;
import org.rnnservice.engine.model.ModelSpec;
import org.rnnservice.engine.model.Sequential;
import org.rnnservice.engine.simd.Kernels;
import org.rnnservice.engine.simd.KernelsProvider;
import org.rnnservice.engine.train.Samples;
import org.rnnservice.engine.train.Trainer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Masking, go_backwards and Bidirectional against TensorFlow.js' port of Keras: each case in
 * {@code src/test/resources/tfjs} (made by its {@code make_reference.mjs}, see its README) gives seeded weights, an
 * input, the output, the loss with Keras' reductions and every weight's gradient; the engine must agree to rtol 1e-4 on
 * the scalar kernels and on the Vector API kernels when present.
 */
class TfjsReferenceTest {

    private static final double RTOL = 1e-4;
    private static final double ATOL = 1e-6;
    private static final JsonMapper MAPPER = JsonMapper.builder().build();

    @TestFactory
    Stream<DynamicTest> everyCaseOnEveryKernelSet() throws IOException {
        List<Path> cases;
        try (Stream<Path> files = Files.list(Path.of("src/test/resources/tfjs"))) {
            cases = files.filter(p -> p.toString().endsWith(".json") && !p.getFileName().toString().startsWith("package"))
                    .sorted().toList();
        }
        assertFalse(cases.isEmpty(), "no TensorFlow.js reference cases");
        List<Kernels> kernelSets = new ArrayList<>();
        kernelSets.add(KernelsProvider.scalar());
        KernelsProvider.vector().ifPresent(kernelSets::add);
        List<DynamicTest> tests = new ArrayList<>();
        for (Path c : cases) {
            JsonNode json = MAPPER.readTree(c.toFile());
            for (Kernels k : kernelSets) {
                tests.add(DynamicTest.dynamicTest(json.get("case").asString() + " on " + k.name(), () -> check(json, k)));
            }
        }
        return tests.stream();
    }

    @SuppressWarnings("unchecked")
    private static void check(JsonNode json, Kernels kernels) {
        List<Integer> inputShape = new ArrayList<>();
        json.get("model").get("input_shape").forEach(d -> inputShape.add(d.isNull() ? null : d.asInt()));
        List<Map<String, Object>> layers = new ArrayList<>();
        json.get("model").get("layers").forEach(l -> layers.add(MAPPER.convertValue(l, Map.class)));
        CompileSpec compile = new CompileSpec("sgd", Map.of(), json.get("loss").asString(), List.of());
        Sequential model = Sequential.build(new ModelSpec(null, inputShape, layers, compile, 1), Long.MAX_VALUE,
                kernels);
        List<float[]> weights = new ArrayList<>();
        json.get("weights").forEach(w -> weights.add(ParityCase.floats(w)));
        model.setWeights(weights);

        float[] x = ParityCase.floats(json.get("x"));
        float[] y = ParityCase.floats(json.get("y"));
        int batch = json.get("x").size();
        int steps = json.get("x").get(0).size();
        int features = inputShape.size() == 1 ? 1 : inputShape.get(1);
        assertClose("output", ParityCase.doubles(json.get("output")), model.predict(x, batch, steps, batch));

        Trainer trainer = new Trainer(model, compile);
        double loss = trainer.lossAndGradients(Samples.of(x, y, batch, steps, features, y.length / batch));
        assertClose("loss", new double[] {json.get("loss_value").asDouble()}, new float[] {(float) loss});
        List<Param> params = model.params();
        assertEquals(json.get("gradients").size(), params.size(), "weights");
        for (int i = 0; i < params.size(); i++) {
            assertClose("gradient of " + params.get(i).name(), ParityCase.doubles(json.get("gradients").get(i)),
                    params.get(i).grad());
        }
    }

    private static void assertClose(String what, double[] expected, float[] actual) {
        assertEquals(expected.length, Math.min(actual.length, expected.length), what + ": too few values");
        for (int i = 0; i < expected.length; i++) {
            double bound = ATOL + RTOL * Math.abs(expected[i]);
            if (!(Math.abs(actual[i] - expected[i]) <= bound)) {
                fail(what + "[" + i + "]: expected " + expected[i] + ", got " + actual[i] + " (bound " + bound + ")");
            }
        }
    }
}
