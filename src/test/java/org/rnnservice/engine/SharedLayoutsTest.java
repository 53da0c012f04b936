package org.rnnservice.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.rnnservice.RequestBodies.layer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.rnnservice.engine.layers.Param;
import org.rnnservice.engine.layers.Tensor;
import org.rnnservice.engine.model.Sequential;

/**
 * A replica that multiplies by the weights its model laid out once for all replicas computes what it computes with
 * its own layout, bit for bit; and once the weights change, a layout made before is never used again.
 */
class SharedLayoutsTest {

    private static final int BATCH = 4;
    private static final int STEPS = 6;
    private static final int FEATURES = 9;

    private static final List<Map<String, Object>> LAYERS = List.of(
            layer("LSTM", "units", 20, "return_sequences", true), layer("GRU", "units", 12, "return_sequences", true),
            layer("SimpleRNN", "units", 8), layer("Dense", "units", 1));

    /** Dense rows (the LSTM's joint step) or one-hot rows (the LSTM's gathered inputs, another layout). */
    private static float[] input(boolean oneHot, int seed) {
        Random rng = new Random(seed);
        float[] x = new float[BATCH * STEPS * FEATURES];
        for (int r = 0; r < BATCH * STEPS; r++) {
            if (oneHot) {
                x[r * FEATURES + rng.nextInt(FEATURES)] = 1f;
            } else {
                for (int f = 0; f < FEATURES; f++) {
                    x[r * FEATURES + f] = rng.nextFloat() * 2 - 1;
                }
            }
        }
        return x;
    }

    /** Outputs and weight gradients of one training pass. */
    private static List<float[]> pass(Sequential m, float[] x) {
        Tensor y = m.forward(x, BATCH, STEPS, true, new Random(1));
        List<float[]> result = new ArrayList<>();
        result.add(y.data().clone());
        float[] dy = new float[BATCH];
        Arrays.fill(dy, 0.25f);
        m.backward(new Tensor(dy, BATCH, 0, 1));
        for (Param p : m.params()) {
            result.add(p.grad().clone());
        }
        return result;
    }

    private static void assertSame(List<float[]> expected, List<float[]> actual, String what) {
        assertEquals(expected.size(), actual.size());
        for (int i = 0; i < expected.size(); i++) {
            assertArrayEquals(expected.get(i), actual.get(i), what + ", array " + i);
        }
    }

    private static void packAll(Sequential m) {
        for (int t = m.layoutTasks() - 1; t >= 0; t--) {
            m.runLayoutTask(t);
        }
    }

    private static Sequential model() {
        return Models.build(Models.shape(null, FEATURES), LAYERS);
    }

    @Test
    void aReplicaOnTheSharedLayoutComputesWhatItDoesOnItsOwn() {
        for (boolean oneHot : new boolean[] {false, true}) {
            Sequential m = model();
            Sequential replica = m.replica();
            float[] x = input(oneHot, 7);
            List<float[]> own = pass(replica, x);
            pass(m, x); // shows the layout the forward passes use
            packAll(m);
            List<float[]> shared = pass(replica, x);
            m.dropSharedLayouts();
            assertSame(own, shared, oneHot ? "one-hot" : "dense");
        }
    }

    @Test
    void aLayoutMadeBeforeTheWeightsChangedIsNeverUsed() {
        Sequential m = model();
        Sequential replica = m.replica();
        float[] x = input(false, 3);
        pass(m, x);
        packAll(m);
        List<float[]> before = pass(replica, x);
        m.dropSharedLayouts();
        for (Param p : m.params()) {
            float[] v = p.value();
            for (int i = 0; i < v.length; i++) {
                v[i] += 0.01f * ((i % 5) - 2);
            }
        }
        List<float[]> after = pass(replica, x);
        assertFalse(Arrays.equals(before.get(0), after.get(0)), "the new weights changed the outputs");
        Sequential fresh = model();
        fresh.setWeights(m.weights());
        assertSame(pass(fresh, x), after, "after the weights changed");
    }

    @Test
    void aLayoutForDenseInputsIsNotUsedForOneHotOnes() {
        Sequential m = model();
        Sequential replica = m.replica();
        float[] dense = input(false, 5);
        float[] oneHot = input(true, 5);
        List<float[]> own = pass(replica, oneHot);
        pass(m, dense);
        packAll(m);
        List<float[]> shared = pass(replica, oneHot);
        m.dropSharedLayouts();
        assertSame(own, shared, "one-hot after a dense layout");
    }
}
