package org.rnnservice.engine.train.optimizers;

import java.util.Map;
import org.rnnservice.engine.layers.Arguments;

/**
 * Keras' SGD: {@code w -= lr * g}; with momentum {@code m = momentum*m - lr*g, w += m}, and with Nesterov
 * {@code w += momentum*m - lr*g}.
 */
public final class Sgd extends Optimizer {

    private final double momentum;
    private final boolean nesterov;

    Sgd(Arguments a) {
        super(a, 0.01, null);
        this.momentum = a.fraction("momentum", 0.0);
        this.nesterov = a.bool("nesterov", false);
    }

    @Override
    public String kerasName() {
        return "sgd";
    }

    @Override
    protected int slotsPerParam() {
        return momentum > 0 ? 1 : 0;
    }

    @Override
    protected void update(float[] w, float[] g, int index, long t, int from, int to) {
        float lr = (float) learningRate;
        if (momentum == 0) {
            for (int i = from; i < to; i++) {
                w[i] -= lr * g[i];
            }
            return;
        }
        float mu = (float) momentum;
        float[] m = slot(index, 0);
        for (int i = from; i < to; i++) {
            m[i] = mu * m[i] - lr * g[i];
            w[i] += nesterov ? mu * m[i] - lr * g[i] : m[i];
        }
    }

    @Override
    public Map<String, Object> config() {
        Map<String, Object> c = baseConfig();
        c.put("momentum", momentum);
        c.put("nesterov", nesterov);
        return c;
    }
}
