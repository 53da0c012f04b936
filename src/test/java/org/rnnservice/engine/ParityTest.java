package org.rnnservice.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.rnnservice.engine.layers.Param;
import org.rnnservice.engine.model.Sequential;
import org.rnnservice.engine.simd.Kernels;
import org.rnnservice.engine.simd.KernelsProvider;
import org.rnnservice.engine.train.Trainer;
import tools.jackson.databind.JsonNode;

/**
 * Checks the engine against every reference case in {@code -Dparity.dir} (default {@code src/test/resources/parity}):
 * outputs, each layer's output, loss, every gradient, and the weights after one SGD and one Adam step (Keras' form), within
 * rtol 1e-4 / atol 1e-5, on the scalar kernels and on the Vector API kernels when present.
 */
class ParityTest {

    private static final double RTOL = 1e-4;
    private static final double ATOL = 1e-5;

    @TestFactory
    Stream<DynamicTest> everyCaseOnEveryKernelSet() throws Exception {
        List<ParityCase> cases = ParityCase.all();
        assertFalse(cases.isEmpty(), "no parity cases found in " + System.getProperty("parity.dir"));
        List<Kernels> kernelSets = new ArrayList<>();
        kernelSets.add(KernelsProvider.scalar());
        KernelsProvider.vector().ifPresent(kernelSets::add);
        List<DynamicTest> tests = new ArrayList<>();
        for (ParityCase c : cases) {
            for (Kernels k : kernelSets) {
                tests.add(DynamicTest.dynamicTest(c.name() + " on " + k.name(), () -> check(c, k)));
            }
        }
        return tests.stream();
    }

    private static void check(ParityCase c, Kernels kernels) {
        JsonNode json = c.json();
        Sequential model = c.model("sgd", Map.of(), kernels);

        List<Param> params = model.params();
        assertEquals(c.weightNames(), params.stream().map(Param::name).toList(), "weight names and order");
        for (Param p : params) {
            assertEquals(c.weightShape(p.name()), java.util.Arrays.stream(p.shape()).boxed().toList(),
                    "shape of " + p.name());
        }

        float[] x = c.x();
        float[] out = model.predict(x, c.batch(), c.steps(), c.batch());
        assertClose("output", ParityCase.doubles(json.get("output")), out);

        List<float[]> layerOutputs = model.layerOutputs(x, c.batch(), c.steps());
        for (int i = 0; i < model.layers().size(); i++) {
            String name = model.layers().get(i).name();
            assertClose("layer output " + name, ParityCase.doubles(json.get("layer_outputs").get(name)),
                    layerOutputs.get(i));
        }

        Trainer sgd = new Trainer(model, c.compile("sgd", Map.of("learning_rate", 0.01)));
        double loss = sgd.lossAndGradients(c.samples(model.outputShape().features()));
        assertClose("loss", new double[] {json.get("loss_value").asDouble()}, new float[] {(float) loss});
        List<double[]> grads = c.expected(json.get("gradients"));
        for (int i = 0; i < params.size(); i++) {
            assertClose("gradient of " + params.get(i).name(), grads.get(i), params.get(i).grad());
        }
        sgd.optimizer().step(params);
        List<double[]> afterSgd = c.expected(json.get("sgd").get("weights_after_one_step"));
        for (int i = 0; i < params.size(); i++) {
            assertClose("SGD step of " + params.get(i).name(), afterSgd.get(i), params.get(i).value());
        }

        Sequential fresh = c.model("adam", Map.of(), kernels);
        Trainer adam = new Trainer(fresh, c.compile("adam", Map.of()));
        adam.lossAndGradients(c.samples(fresh.outputShape().features()));
        adam.optimizer().step(fresh.params());
        List<double[]> afterAdam = c.expected(json.get("adam_keras_impl").get("weights_after_one_step"));
        for (int i = 0; i < params.size(); i++) {
            // README: at t = 1 an entry whose gradient is ~epsilon is ill-conditioned; skip |g| < 1e-6
            assertClose("Adam step of " + fresh.params().get(i).name(), afterAdam.get(i),
                    fresh.params().get(i).value(), 1e-6, grads.get(i));
        }
    }

    private static void assertClose(String what, double[] expected, float[] actual) {
        assertClose(what, expected, actual, 0, null);
    }

    private static void assertClose(String what, double[] expected, float[] actual, double skipBelow,
                                    double[] gradients) {
        if (actual.length < expected.length) {
            fail(what + ": expected " + expected.length + " values, got " + actual.length);
        }
        for (int i = 0; i < expected.length; i++) {
            if (gradients != null && Math.abs(gradients[i]) < skipBelow) {
                continue;
            }
            double bound = ATOL + RTOL * Math.abs(expected[i]);
            if (!(Math.abs(actual[i] - expected[i]) <= bound)) {
                fail(what + "[" + i + "]: expected " + expected[i] + ", got " + actual[i]
                        + " (bound " + bound + ")");
            }
        }
    }
}
