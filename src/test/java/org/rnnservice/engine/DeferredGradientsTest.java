package org.rnnservice.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.rnnservice.RequestBodies.layer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
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
 * The weight gradients a backward pass leaves as blocks (for the threads of a batch to share) are, run in any order,
 * those of a backward pass that defers nothing, bit for bit, with either kernel set.
 */
class DeferredGradientsTest {

    private static final int BATCH = 5;
    private static final int STEPS = 7;

    /** Two LSTMs of 320 and 288 gate columns: two blocks each, the second one narrower. */
    private static Sequential model() {
        return Models.build(Models.shape(null, 3), List.of(layer("LSTM", "units", 80, "return_sequences", true),
                layer("LSTM", "units", 72), layer("Dense", "units", 1)));
    }

    private static List<float[]> gradients(Sequential m, boolean defer, Kernels kernels) {
        return gradients(m, defer, kernels, false);
    }

    /** The gradients of one batch; deferred blocks run in reverse order, or each on its own thread at once. */
    private static List<float[]> gradients(Sequential m, boolean defer, Kernels kernels, boolean concurrently) {
        m.useKernels(kernels);
        m.deferWeightGradients(defer);
        Random rng = new Random(3);
        float[] x = new float[BATCH * STEPS * 3];
        for (int i = 0; i < x.length; i++) {
            x[i] = rng.nextFloat() * 2 - 1;
        }
        float[] dy = new float[BATCH];
        for (int i = 0; i < dy.length; i++) {
            dy[i] = rng.nextFloat() - 0.5f;
        }
        m.forward(x, BATCH, STEPS, true, new Random(1));
        if (!concurrently) {
            for (Param p : m.params()) {
                Arrays.fill(p.grad(), Float.NaN); // a block left unrun would show
            }
        } // else the gradients are first used by the blocks, as in a fresh replica's first batch
        m.backward(new Tensor(dy, BATCH, 0, 1));
        if (defer) {
            assertEquals(4, m.deferredBlocks());
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

    @Test
    void deferredBlocksRunInReverseGiveTheGradientsOfAWholePassBitForBit() {
        List<Kernels> sets = new ArrayList<>(List.of(KernelsProvider.scalar()));
        KernelsProvider.vector().ifPresent(sets::add);
        for (Kernels k : sets) {
            List<float[]> whole = gradients(model(), false, k);
            List<float[]> blocks = gradients(model(), true, k);
            for (int i = 0; i < whole.size(); i++) {
                float[] g = whole.get(i);
                assertFalse(Float.isNaN(g[0]), k.name() + ": weight " + i + " has a gradient");
                assertArrayEquals(g, blocks.get(i), k.name() + ": weight " + i);
            }
        }
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

    @Test
    void blocksOfAFreshModelRunAtOnceOnSeveralThreadsGiveTheSameGradients() {
        // the first pass is where buffers are allocated: nothing a block uses may be allocated by the blocks
        Kernels k = KernelsProvider.get();
        for (int attempt = 0; attempt < 40; attempt++) {
            List<float[]> whole = gradients(model(), false, k);
            List<float[]> blocks = gradients(model(), true, k, true);
            for (int i = 0; i < whole.size(); i++) {
                assertArrayEquals(whole.get(i), blocks.get(i), "attempt " + attempt + ", weight " + i);
            }
        }
    }
}
