package org.rnnservice.engine.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.rnnservice.engine.layers.Param;
import org.rnnservice.engine.train.optimizers.Optimizer;

/** An optimizer's step taken in parts, as the threads of a fit share it, gives the weights of one whole step. */
class OptimizerTest {

    private static List<Param> params(long seed) {
        Random rng = new Random(seed);
        List<Param> params = List.of(new Param("a", 3, 37), new Param("b", 17), new Param("c", 1));
        for (Param p : params) {
            for (int i = 0; i < p.size(); i++) {
                p.value()[i] = (float) rng.nextGaussian();
                p.grad()[i] = (float) rng.nextGaussian();
            }
        }
        return params;
    }

    @ParameterizedTest
    @ValueSource(strings = {"adam", "sgd", "rmsprop", "adagrad"})
    void aStepInPartsGivesTheWeightsOfOneStep(String name) {
        Map<String, Object> args = name.equals("sgd") ? Map.of("momentum", 0.9, "nesterov", true)
                : name.equals("rmsprop") ? Map.of("momentum", 0.5, "centered", true) : Map.of();
        Optimizer whole = Optimizer.of(name, args);
        Optimizer inParts = Optimizer.of(name, args);
        List<Param> a = params(1);
        List<Param> b = params(1);
        float[] before = a.get(0).value().clone();
        for (int step = 0; step < 3; step++) {
            whole.step(a);
            inParts.begin(b);
            // parts in reverse order, and more parts than some weights have elements
            for (int part = 4; part >= 0; part--) {
                inParts.update(b, part, 5);
            }
        }
        for (int i = 0; i < a.size(); i++) {
            assertArrayEquals(a.get(i).value(), b.get(i).value(), name + " " + a.get(i).name());
        }
        assertFalse(Arrays.equals(before, a.get(0).value()), "the step changed the weights");
    }
}
