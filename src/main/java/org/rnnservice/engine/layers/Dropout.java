package org.rnnservice.engine.layers;

import java.util.Map;
import java.util.Random;
import org.rnnservice.engine.simd.Kernels;

/** Keras' {@code Dropout}: in training zeroes each value with probability {@code rate} and scales the rest up. */
public final class Dropout extends WeightlessLayer {

    private final float rate;
    private float[] mask;
    private float[] out;
    private float[] dx;
    private boolean applied;

    public Dropout(String name, LayerConfig c, Kernels kernels) {
        super(name, kernels);
        if (!c.has("rate")) {
            throw c.invalid("rate", "is required");
        }
        this.rate = c.rate("rate");
    }

    @Override
    public String type() {
        return "Dropout";
    }

    @Override
    public boolean supportsMasking() {
        return true;
    }

    @Override
    public LayerShape outputShape(LayerShape input) {
        return input;
    }


    @Override
    public Tensor forward(Tensor x, boolean training, Random rng) {
        applied = training && rate > 0;
        if (!applied) {
            return x;
        }
        int n = x.size();
        mask = Buffers.atLeast(mask, n);
        out = Buffers.atLeast(out, n);
        float scale = 1f / (1f - rate);
        float[] in = x.data();
        for (int i = 0; i < n; i++) {
            mask[i] = rng.nextFloat() < rate ? 0f : scale;
            out[i] = in[i] * mask[i];
        }
        return new Tensor(out, x.batch(), x.steps(), x.features());
    }

    @Override
    public Tensor backward(Tensor dy, boolean needInputGrad) {
        if (!needInputGrad || !applied) {
            return needInputGrad ? dy : null;
        }
        int n = dy.size();
        dx = Buffers.atLeast(dx, n);
        for (int i = 0; i < n; i++) {
            dx[i] = dy.data()[i] * mask[i];
        }
        return new Tensor(dx, dy.batch(), dy.steps(), dy.features());
    }

    @Override
    public Map<String, Object> config() {
        Map<String, Object> c = baseConfig();
        c.put("rate", Arguments.decimal(rate));
        return c;
    }
}
