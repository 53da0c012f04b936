package org.rnnservice.engine.train.optimizers;

import java.util.Map;
import org.rnnservice.engine.layers.Arguments;

/**
 * Keras' RMSprop: {@code v = rho*v + (1-rho)*g^2}, {@code w -= lr * g / sqrt(v + epsilon)} (epsilon inside the root);
 * {@code centered} subtracts the squared running mean of g; {@code momentum} accumulates the increments.
 */
public final class RmsProp extends Optimizer {

    private final double rho;
    private final double momentum;
    private final double epsilon;
    private final boolean centered;

    RmsProp(Arguments a) {
        super(a, 0.001, null);
        this.rho = a.fraction("rho", 0.9);
        this.momentum = a.fraction("momentum", 0.0);
        this.epsilon = a.positive("epsilon", 1e-7);
        this.centered = a.bool("centered", false);
    }

    @Override
    public String kerasName() {
        return "rmsprop";
    }

    @Override
    protected int slotsPerParam() {
        return 3;
    }

    @Override
    protected void update(float[] w, float[] g, int index, long t, int from, int to) {
        float[] v = slot(index, 0);
        float[] mean = slot(index, 1);
        float[] mom = slot(index, 2);
        float r = (float) rho;
        float lr = (float) learningRate;
        float eps = (float) epsilon;
        float mu = (float) momentum;
        for (int i = from; i < to; i++) {
            float gi = g[i];
            v[i] = r * v[i] + (1 - r) * gi * gi;
            float denom = v[i];
            if (centered) {
                mean[i] = r * mean[i] + (1 - r) * gi;
                denom -= mean[i] * mean[i];
            }
            float increment = lr * gi / (float) Math.sqrt(denom + eps);
            if (momentum > 0) {
                mom[i] = mu * mom[i] + increment;
                w[i] -= mom[i];
            } else {
                w[i] -= increment;
            }
        }
    }

    @Override
    public Map<String, Object> config() {
        Map<String, Object> c = baseConfig();
        c.put("rho", rho);
        c.put("momentum", momentum);
        c.put("epsilon", epsilon);
        c.put("centered", centered);
        return c;
    }
}
