package org.rnnservice.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.rnnservice.RequestBodies.layer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.rnnservice.engine.layers.Param;
import org.rnnservice.engine.layers.Tensor;
import org.rnnservice.engine.model.Sequential;
import org.rnnservice.engine.simd.Kernels;
import org.rnnservice.engine.simd.KernelsProvider;

/**
 * The weight gradients a backward pass leaves as blocks (for the threads of a batch to share) are, run in any order
 * or all at once, those of a backward pass that defers nothing, bit for bit, with either kernel set.
 */
class DeferredGradientsTest {

    private static final int BATCH = 5;
    private static final int STEPS = 7;
    private static final int FEATURES = 9;

    /** A model, whether its input rows are one-hot, and how many blocks its recurrent layers leave. */
    private record Case(String name, List<Map<String, Object>> layers, boolean oneHot, int blocks) {
    }

    private static final List<Case> CASES = List.of(
            // 640 and 540 gate columns: two blocks each, the second wider than the first
            new Case("LSTM on its joint step, GRU", List.of(layer("LSTM", "units", 160, "return_sequences", true),
                    layer("GRU", "units", 180), layer("Dense", "units", 1)), false, 4),
            new Case("LSTM on one-hot rows, GRU without reset_after, SimpleRNN", List.of(
                    layer("LSTM", "units", 130, "return_sequences", true),
                    layer("GRU", "units", 180, "reset_after", false, "return_sequences", true),
                    layer("SimpleRNN", "units", 520), layer("Dense", "units", 1)), true, 6),
            // blocks of 256 columns cut across gates of 160, each dropped with its own recurrent mask
            new Case("Bidirectional LSTM with recurrent dropout, GRU", List.of(layer("Bidirectional", "layer",
                    layer("LSTM", "units", 160, "return_sequences", true, "recurrent_dropout", 0.3, "dropout", 0.2)),
                    layer("GRU", "units", 180), layer("Dense", "units", 1)), false, 6));

    private static Sequential model(Case c, Kernels kernels) {
        return Models.build(Models.shape(null, FEATURES), c.layers(), kernels);
    }

    private static float[] input(boolean oneHot) {
        Random rng = new Random(3);
        float[] x = new float[BATCH * STEPS * FEATURES];
        for (int r = 0; r < BATCH * STEPS; r++) {
            for (int f = 0; f < FEATURES; f++) {
                x[r * FEATURES + f] = oneHot ? 0f : rng.nextFloat() * 2 - 1;
            }
            if (oneHot) {
                x[r * FEATURES + rng.nextInt(FEATURES)] = 1f;
            }
        }
        return x;
    }

    /** The gradients of one batch; deferred blocks run in reverse order, or each on its own thread at once. */
    private static List<float[]> gradients(Case c, boolean defer, Kernels kernels, boolean concurrently) {
        Sequential m = model(c, kernels);
        m.deferWeightGradients(defer);
        float[] dy = new float[BATCH];
        for (int i = 0; i < dy.length; i++) {
            dy[i] = 0.1f * i - 0.2f;
        }
        m.forward(input(c.oneHot()), BATCH, STEPS, true, new Random(1));
        if (!concurrently) {
            for (Param p : m.params()) {
                Arrays.fill(p.grad(), Float.NaN); // a block left unrun would show
            }
        } // else the gradients are first used by the blocks, as in a fresh replica's first batch
        m.backward(new Tensor(dy, BATCH, 0, 1));
        if (defer) {
            assertEquals(c.blocks(), m.deferredBlocks(), c.name());
            if (concurrently) {
                runAtOnce(m);
            } else {
                for (int b = m.deferredBlocks() - 1; b >= 0; b--) {
                    m.runDeferredBlock(b);
                }
            }
        } else {
            assertEquals(0, m.deferredBlocks());
        }
        List<float[]> grads = new ArrayList<>();
        m.params().forEach(p -> grads.add(p.grad().clone()));
        return grads;
    }

    private static void runAtOnce(Sequential m) {
        int blocks = m.deferredBlocks();
        CyclicBarrier start = new CyclicBarrier(blocks);
        List<Thread> threads = new ArrayList<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        for (int b = 0; b < blocks; b++) {
            int block = b;
            Thread t = new Thread(() -> {
                try {
                    start.await();
                    m.runDeferredBlock(block);
                } catch (Throwable e) {
                    failure.set(e);
                }
            });
            threads.add(t);
            t.start();
        }
        for (Thread t : threads) {
            try {
                t.join();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }
        assertNull(failure.get());
    }

    private static void assertSameGradients(List<float[]> whole, List<float[]> blocks, String what) {
        for (int i = 0; i < whole.size(); i++) {
            float[] g = whole.get(i);
            assertFalse(Float.isNaN(g[0]), what + ": weight " + i + " has a gradient");
            assertArrayEquals(g, blocks.get(i), what + ": weight " + i);
        }
    }

    @Test
    void deferredBlocksRunInReverseGiveTheGradientsOfAWholePassBitForBit() {
        List<Kernels> sets = new ArrayList<>(List.of(KernelsProvider.scalar()));
        KernelsProvider.vector().ifPresent(sets::add);
        for (Kernels k : sets) {
            for (Case c : CASES) {
                assertSameGradients(gradients(c, false, k, false), gradients(c, true, k, false),
                        k.name() + ", " + c.name());
            }
        }
    }

    @Test
    void blocksOfAFreshModelRunAtOnceOnSeveralThreadsGiveTheSameGradients() {
        // the first pass is where buffers are allocated: nothing a block uses may be allocated by the blocks
        Kernels k = KernelsProvider.get();
        for (int attempt = 0; attempt < 20; attempt++) {
            for (Case c : CASES) {
                assertSameGradients(gradients(c, false, k, false), gradients(c, true, k, true),
                        "attempt " + attempt + ", " + c.name());
            }
        }
    }

    @Test
    void aForwardPassDropsTheBlocksOfTheLastBackwardPass() {
        Case c = CASES.get(0);
        Sequential m = model(c, KernelsProvider.get());
        m.deferWeightGradients(true);
        m.forward(input(false), BATCH, STEPS, true, new Random(1));
        m.backward(new Tensor(new float[BATCH], BATCH, 0, 1));
        assertEquals(c.blocks(), m.deferredBlocks());
        m.forward(input(false), BATCH, STEPS, true, new Random(1));
        assertEquals(0, m.deferredBlocks());
    }
}
