package org.rnnservice.engine.layers;

import java.util.List;
import java.util.Map;
import java.util.Random;
import org.rnnservice.engine.simd.Kernels;

/**
 * One Keras layer: builds its weights from the first input shape it sees, runs forward on a batch while keeping what
 * its backward pass needs, and on backward fills its weights' gradients and returns the gradient of its input.
 *
 * <p>A layer keeps its buffers between calls, so one instance serves one caller at a time. It computes with the
 * {@link Kernels} it was created with. Layers that take part in data-parallel training beyond their weights also
 * implement {@link DataParallelLayer}.
 */
public abstract class Layer {

    private final String name;
    protected final Kernels kernels;
    private boolean trainable = true;
    private Mask mask;
    private final Map<String, Regularizer> weightRegularizers = new java.util.LinkedHashMap<>();
    private Regularizer activityRegularizer;

    protected Layer(String name, Kernels kernels) {
        this.name = name;
        this.kernels = kernels;
    }

    /** Keras' class name, such as {@code "SimpleRNN"}. */
    public abstract String type();

    /** The layer's name, unique within its model. */
    public final String name() {
        return name;
    }

    /** Whether training changes this layer's weights: Keras' {@code layer.trainable}. */
    public final boolean trainable() {
        return trainable;
    }

    /** Freezes ({@code false}) or unfreezes the layer's weights, as setting Keras' {@code layer.trainable} does. */
    public final void setTrainable(boolean trainable) {
        this.trainable = trainable;
    }

    /** The per-sample output shape for an input shape, failing with a message when the input does not fit. */
    public abstract LayerShape outputShape(LayerShape input);

    /** How many values {@link #build} would create for this input shape, without allocating them. */
    public abstract long countParams(LayerShape input);

    /** Creates and initializes the weights for this input shape. */
    public abstract void build(LayerShape input, Random rng);

    /** The weights in Keras' {@code get_weights()} order. */
    public abstract List<Param> params();

    /**
     * The weights training may change: all of a {@link #trainable} layer's, except those a layer keeps fixed (the
     * statistics of a Normalization).
     */
    public List<Param> trainableParams() {
        return trainable ? params() : List.of();
    }

    /** Computes the output; {@code rng} draws dropout masks when {@code training}. */
    public abstract Tensor forward(Tensor x, boolean training, Random rng);

    /**
     * Given the gradient of the loss with respect to the last forward output, sets every weight's gradient and
     * returns the gradient with respect to the input (or {@code null} when {@code needInputGrad} is false).
     */
    public abstract Tensor backward(Tensor dy, boolean needInputGrad);

    /**
     * Whether a mask made by an earlier layer may reach this one: Keras' {@code supports_masking}. Layers that cannot
     * honour a mask refuse it when the model is built rather than compute as if every step were there.
     */
    public boolean supportsMasking() {
        return false;
    }

    /** Whether this layer makes a mask from its input, as {@code Embedding(mask_zero=True)} and {@code Masking} do. */
    public boolean makesMask() {
        return false;
    }

    /** For a layer that {@link #makesMask}: whether the input step of {@code features} values at {@code off} is kept. */
    public boolean keepsStep(float[] x, int off, int features) {
        throw new UnsupportedOperationException(type() + " makes no mask");
    }

    /**
     * The mask of this layer's output, given its input and that input's mask: Keras' {@code compute_mask}. By default
     * a mask passes through layers whose output is still a sequence and ends at those that return one vector.
     */
    public Mask computeMask(Tensor input, Mask inputMask) {
        if (makesMask()) {
            boolean[] kept = new boolean[input.rows()];
            for (int r = 0; r < kept.length; r++) {
                kept[r] = keepsStep(input.data(), r * input.features(), input.features());
            }
            return new Mask(kept, input.batch(), input.steps());
        }
        return inputMask;
    }

    /** Sets the mask of the next forward pass's input (null for none); the model calls it before {@link #forward}. */
    public void useMask(Mask mask) {
        this.mask = mask;
    }

    /** The mask of the current input, or null when every step counts. */
    protected final Mask mask() {
        return mask;
    }

    /** The layer's arguments in Keras' words, enough to rebuild it; includes {@code name} and {@code type}. */
    public abstract Map<String, Object> config();

    /**
     * Sets the penalty Keras' argument {@code <weight>_regularizer} asks for on the weight of that name
     * ({@code kernel}, {@code recurrent_kernel}, {@code bias}, {@code embeddings}), or on the output for
     * {@code activity}.
     */
    public final void regularize(String weight, Regularizer regularizer) {
        if (weight.equals("activity")) {
            activityRegularizer = regularizer;
        } else if (regularizer == null) {
            weightRegularizers.remove(weight);
        } else {
            weightRegularizers.put(weight, regularizer);
        }
    }

    /** The penalty on this layer's output ({@code activity_regularizer}), or null. */
    public final Regularizer activityRegularizer() {
        return activityRegularizer;
    }

    /** A weight and the penalty on it. */
    public record RegularizedWeight(Param param, Regularizer regularizer) {
    }

    /** Every weight of this layer (and of the layers it wraps) that carries a penalty. */
    public List<RegularizedWeight> regularizedWeights() {
        List<RegularizedWeight> out = new java.util.ArrayList<>();
        for (Param p : params()) {
            Regularizer r = weightRegularizers.get(p.name().substring(p.name().lastIndexOf('/') + 1));
            if (r != null) {
                out.add(new RegularizedWeight(p, r));
            }
        }
        return out;
    }

    /** The start of every {@link #config()}: the layer's type and name. */
    protected Map<String, Object> baseConfig() {
        Map<String, Object> c = new java.util.LinkedHashMap<>();
        c.put("type", type());
        c.put("name", name);
        if (!trainable) {
            c.put("trainable", false);
        }
        weightRegularizers.forEach((weight, r) -> c.put(argument(weight), r.config()));
        if (activityRegularizer != null) {
            c.put("activity_regularizer", activityRegularizer.config());
        }
        return c;
    }

    /** Keras' argument naming the penalty on a weight: {@code recurrent_kernel} is {@code recurrent_regularizer}. */
    private static String argument(String weight) {
        return (weight.equals("recurrent_kernel") ? "recurrent" : weight) + "_regularizer";
    }

    /** Number of weight values. */
    public long paramCount() {
        long n = 0;
        for (Param p : params()) {
            n += p.size();
        }
        return n;
    }

    protected static InvalidModelException misfit(String layer, String message) {
        return new InvalidModelException("layers", layer + ": " + message);
    }
}
