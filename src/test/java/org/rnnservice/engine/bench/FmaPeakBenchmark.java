package org.rnnservice.engine.bench;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.rnnservice.bench.FmaPeak;

/**
 * The FMA peak of one core through the Vector API: 12 independent accumulators hide the FMA latency. One call does
 * {@code 12 * ITERATIONS * lanes * 2} flops; the GEMM benchmarks are judged against this number.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--add-modules=jdk.incubator.vector")
public class FmaPeakBenchmark {

    /** Flops of one call: 12 accumulators x ITERATIONS x lanes x 2. */
    public static final int ITERATIONS = 100_000;

    @Benchmark
    public float peak() {
        return FmaPeak.chains(ITERATIONS);
    }
}
