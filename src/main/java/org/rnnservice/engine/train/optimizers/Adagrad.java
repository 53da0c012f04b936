package org.rnnservice.engine.train.optimizers;

import java.util.Map;
import org.rnnservice.engine.layers.Arguments;

/** Keras' Adagrad: {@code acc += g^2}, {@code w -= lr * g / sqrt(acc + epsilon)}, acc starting at 0.1. */
public final class Adagrad extends Optimizer {

    private final double initialAccumulator;
    private final double epsilon;

    Adagrad(Arguments a) {
        super(a, 0.001, null);
        this.initialAccumulator = a.number("initial_accumulator_value", 0.1);
        this.epsilon = a.positive("epsilon", 1e-7);
        if (initialAccumulator < 0) {
            throw new IllegalArgumentException("initial_accumulator_value must not be negative");
        }
    }

    @Override
    public String kerasName() {
        return "adagrad";
    }

    @Override
    protected int slotsPerParam() {
        return 1;
    }

    @Override
    protected float[] initialSlot(int size, int slot) {
        float[] acc = new float[size];
        java.util.Arrays.fill(acc, (float) initialAccumulator);
        return acc;
    }

    @Override
    protected void update(float[] w, float[] g, int index, long t, int from, int to) {
        float[] acc = slot(index, 0);
        float lr = (float) learningRate;
        float eps = (float) epsilon;
        for (int i = from; i < to; i++) {
            acc[i] += g[i] * g[i];
            w[i] -= lr * g[i] / (float) Math.sqrt(acc[i] + eps);
        }
    }

    @Override
    public Map<String, Object> config() {
        Map<String, Object> c = baseConfig();
        c.put("initial_accumulator_value", initialAccumulator);
        c.put("epsilon", epsilon);
        return c;
    }
}
