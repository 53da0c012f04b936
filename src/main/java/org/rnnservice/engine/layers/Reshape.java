package org.rnnservice.engine.layers;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.rnnservice.engine.simd.Kernels;

/**
 * Keras' {@code Reshape}: each sample's values, in order, given the per-sample shape {@code target_shape} (one
 * dimension may be -1, worked out from the others), such as a forecast of {@code horizon * targets} values given as
 * {@code (horizon, targets)}. A two-dimensional target is a sequence of fixed length whatever the input's length.
 */
public final class Reshape extends WeightlessLayer {

    private final List<Integer> targetShape;

    private int inSteps;
    private int inFeatures;
    private float[] flat;
    private float[] y;
    private float[] dx;

    public Reshape(String name, LayerConfig c, Kernels kernels) {
        super(name, kernels);
        this.targetShape = c.shape("target_shape");
        if (targetShape.isEmpty() || targetShape.size() > 2) {
            throw c.invalid("target_shape", "must have one or two dimensions here (a vector, or steps x features),"
                    + " got " + targetShape);
        }
        if (targetShape.stream().filter(d -> d == -1).count() > 1) {
            throw c.invalid("target_shape", "may leave one dimension to work out (-1), got " + targetShape);
        }
    }

    @Override
    public String type() {
        return "Reshape";
    }

    @Override
    public LayerShape outputShape(LayerShape input) {
        if (input.sequence() && input.steps() == null) {
            throw misfit(name(), "Reshape needs a known number of values per sample, but the input "
                    + input.toKeras() + " has any number of steps; give the model a fixed input length");
        }
        long size = (long) (input.sequence() ? input.steps() : 1) * input.features();
        List<Integer> dims = new ArrayList<>(targetShape);
        long known = dims.stream().filter(d -> d != -1).mapToLong(Integer::longValue).reduce(1, (a, b) -> a * b);
        int unknown = dims.indexOf(-1);
        if (unknown >= 0) {
            if (known == 0 || size % known != 0) {
                throw misfit(name(), "cannot reshape " + size + " values per sample to " + targetShape);
            }
            dims.set(unknown, (int) (size / known));
        } else if (known != size) {
            throw misfit(name(), "target_shape " + targetShape + " holds " + known + " values, but each sample of "
                    + input.toKeras() + " has " + size);
        }
        return dims.size() == 1 ? LayerShape.flat(dims.get(0)) : LayerShape.sequence(dims.get(0), dims.get(1));
    }

    /** The per-sample shape this layer gives, as configured (with -1 where worked out). */
    public List<Integer> targetShape() {
        return targetShape;
    }

    @Override
    public Tensor forward(Tensor x, boolean training, Random rng) {
        inSteps = x.steps();
        inFeatures = x.features();
        flat = Buffers.atLeast(flat, x.size());
        x.toBatchMajor(flat);
        y = Buffers.atLeast(y, x.size());
        int perSample = x.size() / x.batch();
        if (targetShape.size() == 1) {
            System.arraycopy(flat, 0, y, 0, x.size());
            return new Tensor(y, x.batch(), 0, perSample);
        }
        int features = targetShape.get(1) == -1 ? perSample / targetShape.get(0) : targetShape.get(1);
        return Tensor.fromBatchMajor(flat, 0, x.batch(), perSample / features, features, y);
    }

    @Override
    public Tensor backward(Tensor dy, boolean needInputGrad) {
        if (!needInputGrad) {
            return null;
        }
        flat = Buffers.atLeast(flat, dy.size());
        dy.toBatchMajor(flat);
        dx = Buffers.atLeast(dx, dy.size());
        return Tensor.fromBatchMajor(flat, 0, dy.batch(), inSteps, inFeatures, dx);
    }

    @Override
    public Map<String, Object> config() {
        Map<String, Object> c = baseConfig();
        c.put("target_shape", targetShape);
        return c;
    }
}
