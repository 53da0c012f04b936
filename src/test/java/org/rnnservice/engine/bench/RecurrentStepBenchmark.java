package org.rnnservice.engine.bench;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
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
import org.rnnservice.engine.layers.Tensor;
import org.rnnservice.engine.model.CompileSpec;
import org.rnnservice.engine.model.ModelSpec;
import org.rnnservice.engine.model.Sequential;

/**
 * One LSTM or GRU layer at batch 64, forward and backward: by default one time step (the cell's cost without the
 * loop); {@code -p steps=20 -p batch=512} measures a sequence as prediction runs it.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Xmx2g"})
public class RecurrentStepBenchmark {

    @Param({"LSTM", "GRU"})
    public String type;

    @Param({"128", "512"})
    public int units;

    @Param({"1"})
    public int steps;

    @Param({"64"})
    public int batch;

    private Sequential model;
    private float[] x;
    private float[] dy;

    @Setup
    public void setup() {
        model = Sequential.build(new ModelSpec(null, Arrays.asList(steps, units),
                List.of(Map.of("type", type, "units", units)),
                new CompileSpec("sgd", Map.of(), "mse", List.of()), 1));
        Random r = new Random(1);
        x = new float[batch * steps * units];
        dy = new float[batch * units];
        for (int i = 0; i < x.length; i++) {
            x[i] = r.nextFloat() - 0.5f;
        }
        for (int i = 0; i < dy.length; i++) {
            dy[i] = r.nextFloat() - 0.5f;
        }
    }

    @Benchmark
    public Tensor forward() {
        return model.forward(x, batch, steps, false, null);
    }

    @Benchmark
    public float[] forwardBackward() {
        model.forward(x, batch, steps, true, null);
        model.backward(new Tensor(dy, batch, 0, units));
        return model.params().get(0).grad();
    }
}
