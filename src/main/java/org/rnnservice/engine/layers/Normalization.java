package org.rnnservice.engine.layers;

import java.util.List;
import java.util.Map;
import java.util.Random;
import org.rnnservice.engine.simd.Kernels;

/**
 * Keras' {@code Normalization}: {@code (x - mean) / max(sqrt(variance), 1e-7)} per feature of the last axis (or one
 * mean and variance for every value with {@code axis: null}); {@code invert} maps back. The statistics are given as
 * arguments or learnt by {@link #adapt}, then kept as the non-trainable weights {@code mean}, {@code variance} and
 * {@code count} Keras saves.
 */
public final class Normalization extends Layer {

    /** Keras' {@code backend.epsilon()}: the smallest standard deviation divided by. */
    private static final float EPSILON = 1e-7f;

    private final boolean perFeature;
    private final boolean invert;
    private final float[] givenMean;
    private final float[] givenVariance;

    private int features;
    private Param mean;
    private Param variance;
    private Param count;

    private float[] shift;
    private float[] scale;
    private float[] y;
    private float[] dx;

    public Normalization(String name, LayerConfig c, Kernels kernels) {
        super(name, kernels);
        Integer axis = c.axis("axis", -1);
        if (axis != null && axis != -1) {
            // the input's rank is known only once built; the last axis is the only one a feature axis can be here
            throw new UnsupportedFeatureException(c.path() + ".axis", "axis " + axis + " is not supported: -1 (each"
                    + " feature of the last axis) or null (one mean and variance for all values)");
        }
        this.perFeature = axis != null;
        this.invert = c.bool("invert", false);
        this.givenMean = c.numbers("mean");
        this.givenVariance = c.numbers("variance");
        if ((givenMean == null) != (givenVariance == null)) {
            throw c.invalid(givenMean == null ? "mean" : "variance", "must be given with "
                    + (givenMean == null ? "variance" : "mean") + ": set both, or neither and let the layer adapt");
        }
        if (givenMean != null && givenMean.length != givenVariance.length) {
            throw c.invalid("variance", "must have as many values as mean (" + givenMean.length + ")");
        }
        if (givenVariance != null) {
            for (float v : givenVariance) {
                if (v < 0) {
                    throw c.invalid("variance", "must not be negative, got " + v);
                }
            }
        }
    }

    @Override
    public String type() {
        return "Normalization";
    }

    /** Whether this layer maps normalized values back to the original units. */
    public boolean inverts() {
        return invert;
    }

    /** Whether the statistics are weights to learn by {@link #adapt} rather than arguments. */
    public boolean adapts() {
        return givenMean == null;
    }

    /**
     * Whether the statistics are set: given as arguments, or weights that differ from the zeros and ones a new layer
     * starts with (a layer adapted before, here or in Keras).
     */
    public boolean adapted() {
        if (!adapts()) {
            return true;
        }
        for (int i = 0; i < mean.size(); i++) {
            if (mean.value()[i] != 0f || variance.value()[i] != 1f) {
                return true;
            }
        }
        return false;
    }

    /** Statistics to gather for {@link #adapt}, shaped as this layer keeps them. */
    public Moments moments() {
        return new Moments(features, perFeature);
    }

    /** Keras' {@code adapt}: the mean and variance of the data gathered in {@code moments} become the weights. */
    public void adapt(Moments moments) {
        if (!adapts()) {
            throw new IllegalStateException(name() + " was given its mean and variance");
        }
        if (moments.isEmpty()) {
            throw new IllegalArgumentException(name() + ": no data to adapt to");
        }
        mean.set(moments.mean());
        variance.set(moments.variance());
    }

    @Override
    public boolean supportsMasking() {
        return true;
    }

    @Override
    public LayerShape outputShape(LayerShape input) {
        if (givenMean != null && givenMean.length != 1 && (!perFeature || givenMean.length != input.features())) {
            throw misfit(name(), "mean and variance hold " + givenMean.length + " values, but the input "
                    + input.toKeras() + " has " + (perFeature ? input.features() + " features" : "one statistic")
                    + " (give one value, or one per feature)");
        }
        return input;
    }

    @Override
    public long countParams(LayerShape input) {
        return adapts() ? 2L * (perFeature ? input.features() : 1) + 1 : 0;
    }

    @Override
    public void build(LayerShape input, Random rng) {
        features = input.features();
        if (adapts()) {
            int[] shape = perFeature ? new int[] {features} : new int[0];
            mean = new Param(name() + "/mean", shape);
            variance = new Param(name() + "/variance", shape);
            java.util.Arrays.fill(variance.value(), 1f);
            count = new Param(name() + "/count");
        }
    }

    @Override
    public List<Param> params() {
        return adapts() ? List.of(mean, variance, count) : List.of();
    }

    @Override
    public List<Param> trainableParams() {
        return List.of();
    }

    /**
     * Per feature of the last axis, the mean and the standard deviation it divides by (at least epsilon), in float32
     * as Keras computes them: {@code {shift, scale}}, for writers of other formats.
     */
    public float[][] shiftAndScale() {
        statisticsPerFeature();
        return new float[][] {java.util.Arrays.copyOf(shift, features), java.util.Arrays.copyOf(scale, features)};
    }

    private void statisticsPerFeature() {
        shift = Buffers.atLeast(shift, features);
        scale = Buffers.atLeast(scale, features);
        for (int j = 0; j < features; j++) {
            int i = perFeature ? j : 0;
            float m = adapts() ? mean.value()[i] : givenMean[givenMean.length == 1 ? 0 : j];
            float v = adapts() ? variance.value()[i] : givenVariance[givenVariance.length == 1 ? 0 : j];
            shift[j] = m;
            scale[j] = Math.max((float) Math.sqrt(v), EPSILON);
        }
    }

    @Override
    public Tensor forward(Tensor x, boolean training, Random rng) {
        statisticsPerFeature();
        int f = x.features();
        y = Buffers.atLeast(y, x.size());
        float[] in = x.data();
        for (int r = 0; r < x.rows(); r++) {
            for (int j = 0; j < f; j++) {
                int k = r * f + j;
                y[k] = invert ? shift[j] + in[k] * scale[j] : (in[k] - shift[j]) / scale[j];
            }
        }
        return new Tensor(y, x.batch(), x.steps(), f);
    }

    @Override
    public Tensor backward(Tensor dy, boolean needInputGrad) {
        if (!needInputGrad) {
            return null;
        }
        int f = dy.features();
        dx = Buffers.atLeast(dx, dy.size());
        float[] g = dy.data();
        for (int r = 0; r < dy.rows(); r++) {
            for (int j = 0; j < f; j++) {
                int k = r * f + j;
                dx[k] = invert ? g[k] * scale[j] : g[k] / scale[j];
            }
        }
        return new Tensor(dx, dy.batch(), dy.steps(), f);
    }

    @Override
    public Map<String, Object> config() {
        Map<String, Object> c = baseConfig();
        c.put("axis", perFeature ? -1 : null);
        c.put("invert", invert);
        c.put("mean", values(givenMean));
        c.put("variance", values(givenVariance));
        return c;
    }

    private static Object values(float[] v) {
        if (v == null) {
            return null;
        }
        if (v.length == 1) {
            return Arguments.decimal(v[0]);
        }
        List<Object> out = new java.util.ArrayList<>();
        for (float x : v) {
            out.add(Arguments.decimal(x));
        }
        return out;
    }
}
