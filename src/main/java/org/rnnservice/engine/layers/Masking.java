package org.rnnservice.engine.layers;

import java.util.Map;
import java.util.Random;
import org.rnnservice.engine.simd.Kernels;

/**
 * Keras' {@code Masking}: a time step whose features all equal {@code mask_value} is skipped by the layers after it,
 * and its values are zeroed as Keras does.
 */
public final class Masking extends WeightlessLayer {

    private final float maskValue;
    private float[] out;
    private float[] dx;
    private boolean[] kept; // of the last forward pass's rows

    public Masking(String name, LayerConfig c, Kernels kernels) {
        super(name, kernels);
        this.maskValue = c.number("mask_value", 0);
    }

    @Override
    public String type() {
        return "Masking";
    }

    /** The value whose steps are skipped. */
    public float maskValue() {
        return maskValue;
    }

    @Override
    public boolean supportsMasking() {
        return true;
    }

    @Override
    public boolean makesMask() {
        return true;
    }

    @Override
    public boolean keepsStep(float[] x, int off, int features) {
        for (int j = 0; j < features; j++) {
            if (x[off + j] != maskValue) {
                return true;
            }
        }
        return false;
    }

    @Override
    public LayerShape outputShape(LayerShape input) {
        if (!input.sequence()) {
            throw misfit(name(), "Masking reads sequences (timesteps, features), got " + input.toKeras());
        }
        return input;
    }

    @Override
    public Tensor forward(Tensor x, boolean training, Random rng) {
        int f = x.features();
        out = Buffers.atLeast(out, x.size());
        if (kept == null || kept.length < x.rows()) {
            kept = new boolean[x.rows()];
        }
        for (int r = 0; r < x.rows(); r++) {
            boolean keep = keepsStep(x.data(), r * f, f);
            kept[r] = keep;
            for (int j = 0; j < f; j++) {
                out[r * f + j] = keep ? x.data()[r * f + j] : 0f;
            }
        }
        return new Tensor(out, x.batch(), x.steps(), f);
    }

    @Override
    public Tensor backward(Tensor dy, boolean needInputGrad) {
        if (!needInputGrad) {
            return null;
        }
        int f = dy.features();
        dx = Buffers.atLeast(dx, dy.size());
        for (int r = 0; r < dy.rows(); r++) {
            for (int j = 0; j < f; j++) {
                dx[r * f + j] = kept[r] ? dy.data()[r * f + j] : 0f;
            }
        }
        return new Tensor(dx, dy.batch(), dy.steps(), f);
    }

    @Override
    public Map<String, Object> config() {
        Map<String, Object> c = baseConfig();
        c.put("mask_value", Arguments.decimal(maskValue));
        return c;
    }
}
