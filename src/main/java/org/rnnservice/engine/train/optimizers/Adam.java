package org.rnnservice.engine.train.optimizers;

import java.util.Map;
import org.rnnservice.engine.layers.Arguments;

/**
 * Keras' Adam: {@code w -= lr * sqrt(1-b2^t)/(1-b1^t) * m / (sqrt(v) + epsilon)}, epsilon 1e-7 applied outside the
 * bias correction exactly as the Keras source does; with {@code amsgrad} the running maximum of v.
 */
public final class Adam extends Optimizer {

    private final double beta1;
    private final double beta2;
    private final double epsilon;
    private final boolean amsgrad;
    private final boolean decoupled;

    /** Adam, or with {@code decoupled} AdamW: the same update with a weight decay of 0.004 unless given. */
    Adam(Arguments a, boolean decoupled) {
        super(a, 0.001, decoupled ? 0.004 : null);
        this.decoupled = decoupled;
        this.beta1 = a.fraction("beta_1", 0.9);
        this.beta2 = a.fraction("beta_2", 0.999);
        this.epsilon = a.positive("epsilon", 1e-7);
        this.amsgrad = a.bool("amsgrad", false);
    }

    @Override
    public String kerasName() {
        return decoupled ? "adamw" : "adam";
    }

    @Override
    protected int slotsPerParam() {
        return amsgrad ? 3 : 2;
    }

    @Override
    protected void update(float[] w, float[] g, int index, long t, int from, int to) {
        float[] m = slot(index, 0);
        float[] v = slot(index, 1);
        float[] vMax = amsgrad ? slot(index, 2) : null;
        float alpha = (float) (learningRate * Math.sqrt(1 - Math.pow(beta2, t)) / (1 - Math.pow(beta1, t)));
        float b1 = (float) (1 - beta1);
        float b2 = (float) (1 - beta2);
        float eps = (float) epsilon;
        for (int i = from; i < to; i++) {
            float gi = g[i];
            m[i] += (gi - m[i]) * b1;
            v[i] += (gi * gi - v[i]) * b2;
            float vi = v[i];
            if (vMax != null) {
                vMax[i] = Math.max(vMax[i], vi);
                vi = vMax[i];
            }
            w[i] -= alpha * m[i] / ((float) Math.sqrt(vi) + eps);
        }
    }

    @Override
    public Map<String, Object> config() {
        Map<String, Object> c = baseConfig();
        c.put("beta_1", beta1);
        c.put("beta_2", beta2);
        c.put("epsilon", epsilon);
        c.put("amsgrad", amsgrad);
        return c;
    }
}
