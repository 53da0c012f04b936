package org.rnnservice.engine.bench;

import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.rnnservice.engine.simd.Kernels;
import org.rnnservice.engine.simd.KernelsProvider;

/**
 * The matrix products of the engine, one thread, in the shapes training uses: 512^3, an LSTM(512) step at batch 64
 * (64 x 2048 x 512), an LSTM(50) step at batch 32 (32 x 200 x 50). GFLOP/s = 2*m*n*k / time; compare with
 * {@link FmaPeakBenchmark} on the same machine.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Xmx2g"})
public class GemmBenchmark {

    @Param({"512x512x512", "64x2048x512", "32x200x50"})
    public String shape;

    @Param({"vector", "scalar"})
    public String kernels;

    private Kernels k;
    private int m;
    private int n;
    private int depth;
    private float[] a;
    private float[] b;
    private float[] c;
    private float[] packed;

    @Setup
    public void setup() {
        String[] d = shape.split("x");
        m = Integer.parseInt(d[0]);
        n = Integer.parseInt(d[1]);
        depth = Integer.parseInt(d[2]);
        k = kernels.equals("vector") ? KernelsProvider.vector().orElseThrow() : KernelsProvider.scalar();
        Random r = new Random(1);
        a = new float[m * depth];
        b = new float[Math.max(depth * n, m * n)];
        c = new float[Math.max(m * n, depth * n)];
        for (int i = 0; i < a.length; i++) {
            a[i] = r.nextFloat() - 0.5f;
        }
        for (int i = 0; i < b.length; i++) {
            b[i] = r.nextFloat() - 0.5f;
        }
        packed = k.packB(depth, n, b, 0, n, null);
    }

    /** C = A . B: forward projections and the recurrent step. */
    @Benchmark
    public float[] ab() {
        k.gemm(m, n, depth, a, 0, depth, b, 0, n, c, 0, n, false);
        return c;
    }

    /** C = A . B with B packed once: the per-step recurrent product. */
    @Benchmark
    public float[] abPacked() {
        k.gemmPacked(m, n, depth, a, 0, depth, packed, c, 0, n, false);
        return c;
    }

    /** C = A^T . B: weight gradients (A stored k x m). */
    @Benchmark
    public float[] atb() {
        k.gemmTransA(m, n, depth, a, 0, m, b, 0, n, c, 0, n, false);
        return c;
    }

    /** C = A . B^T: input gradients (B stored n x k). */
    @Benchmark
    public float[] abt() {
        k.gemmTransB(m, n, depth, a, 0, depth, b, 0, depth, c, 0, n, false);
        return c;
    }
}
