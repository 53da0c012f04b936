package org.rnnservice.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The machine's single-precision FMA peak at the vector width this JVM uses, measured in the run it anchors: twelve
 * independent FMA chains per thread (enough to cover the FMA latency of two units), on one thread and on
 * {@code threads} at once, so that every benchmark run prints its own anchor; {@code FmaPeakBenchmark} times the same
 * chains under JMH.
 */
public final class FmaPeak {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int ITERATIONS = 2_000_000;
    private static volatile float sink;

    private FmaPeak() {
    }

    /** Vector width in bits of the measurement (the JVM's preferred species). */
    static int bits() {
        return S.vectorBitSize();
    }

    /** GFLOP/s summed over {@code threads} threads running the chains at once; the median of five runs. */
    static double gflops(int threads) throws InterruptedException {
        run(threads); // compiled before it counts
        double[] runs = new double[5];
        for (int i = 0; i < runs.length; i++) {
            runs[i] = run(threads);
        }
        Arrays.sort(runs);
        return runs[runs.length / 2];
    }

    private static double run(int threads) throws InterruptedException {
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> workers = new ArrayList<>();
        long[] nanos = new long[threads];
        for (int t = 0; t < threads; t++) {
            int id = t;
            Thread w = new Thread(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    return;
                }
                long t0 = System.nanoTime();
                sink = chains(ITERATIONS);
                nanos[id] = System.nanoTime() - t0;
            });
            w.start();
            workers.add(w);
        }
        start.countDown();
        for (Thread w : workers) {
            w.join();
        }
        double flops = 12.0 * ITERATIONS * S.length() * 2 * threads;
        return flops / Arrays.stream(nanos).max().orElseThrow();
    }

    /** Twelve FMA chains of {@code iterations} steps each: {@code 12 * iterations * lanes * 2} flops. */
    public static float chains(int iterations) {
        FloatVector a0 = FloatVector.broadcast(S, 1f), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0;
        FloatVector a6 = a0, a7 = a0, a8 = a0, a9 = a0, a10 = a0, a11 = a0;
        FloatVector m = FloatVector.broadcast(S, 0.999999f);
        FloatVector c = FloatVector.broadcast(S, 1e-7f);
        for (int i = 0; i < iterations; i++) {
            a0 = a0.fma(m, c); a1 = a1.fma(m, c); a2 = a2.fma(m, c); a3 = a3.fma(m, c);
            a4 = a4.fma(m, c); a5 = a5.fma(m, c); a6 = a6.fma(m, c); a7 = a7.fma(m, c);
            a8 = a8.fma(m, c); a9 = a9.fma(m, c); a10 = a10.fma(m, c); a11 = a11.fma(m, c);
        }
        return a0.add(a1).add(a2).add(a3).add(a4).add(a5).add(a6).add(a7).add(a8).add(a9).add(a10).add(a11)
                .reduceLanes(VectorOperators.ADD);
    }
}
