package org.rnnservice.engine.layers;

import java.util.List;
import java.util.Map;
import java.util.Random;
import org.rnnservice.engine.simd.Kernels;
import org.rnnservice.engine.simd.KernelsProvider;

/**
 * One Keras layer: builds its weights from the first input shape it sees, runs forward on a batch while keeping what
 * its backward pass needs, and on backward fills its weights' gradients and returns the gradient of its input.
 *
 * <p>A layer keeps its buffers between calls, so one instance serves one caller at a time.
 */
public abstract class Layer {

    private final String name;
    protected Kernels kernels = KernelsProvider.get();

    protected Layer(String name) {
        this.name = name;
    }

    /** Keras' class name, such as {@code "SimpleRNN"}. */
    public abstract String type();

    /** The layer's name, unique within its model. */
    public final String name() {
        return name;
    }

    /** The kernels this layer computes with. */
    public Kernels kernels() {
        return kernels;
    }

    /** Runs this layer on the given kernels from now on (the scalar ones in comparisons, say). */
    public void useKernels(Kernels k) {
        this.kernels = k;
    }

    /** The per-sample output shape for an input shape, failing with a message when the input does not fit. */
    public abstract LayerShape outputShape(LayerShape input);

    /** How many values {@link #build} would create for this input shape, without allocating them. */
    public abstract long countParams(LayerShape input);

    /** Creates and initializes the weights for this input shape. */
    public abstract void build(LayerShape input, Random rng);

    /** The trainable weights in Keras' {@code get_weights()} order. */
    public abstract List<Param> params();

    /** Computes the output; {@code rng} draws dropout masks when {@code training}. */
    public abstract Tensor forward(Tensor x, boolean training, Random rng);

    /**
     * Given the gradient of the loss with respect to the last forward output, sets every weight's gradient and
     * returns the gradient with respect to the input (or {@code null} when {@code needInputGrad} is false).
     */
    public abstract Tensor backward(Tensor dy, boolean needInputGrad);

    /**
     * Pieces of work that lay out this layer's weights once for it and all its replicas (see
     * {@link #shareWeightsWith}) before the parts of a batch run, instead of once per replica; 0 when there are none.
     */
    public int sharedPackings() {
        return 0;
    }

    /** Runs piece {@code piece} of {@link #sharedPackings()}; pieces may run on any thread, at once. */
    public void packShared(int piece) {
        throw new IllegalStateException(name + " has no shared packings");
    }

    /** Stops the passes of this layer and its replicas from using the shared packings: the weights will change. */
    public void dropSharedPackings() {
    }

    /**
     * Whether the next backward passes may leave part of their weight gradients as {@link #deferredBlocks} instead
     * of computing it, so that the threads of a batch can share that work as they finish their parts.
     */
    public void deferWeightGradients(boolean defer) {
    }

    /** Blocks of weight-gradient work the last backward pass left; 0 unless deferring. */
    public int deferredBlocks() {
        return 0;
    }

    /**
     * Computes block {@code block} of the deferred weight gradients. Blocks may run on any thread and in any order,
     * and give the gradients, bit for bit, of a backward pass that deferred nothing.
     */
    public void runDeferredBlock(int block) {
        throw new IllegalStateException(name + " deferred no weight gradients");
    }

    /**
     * Makes this (built) layer use {@code source}'s weight values, keeping its own gradients and buffers, so that two
     * threads can run forward and backward passes on different parts of a batch.
     */
    public abstract void shareWeightsWith(Layer source);

    /** The layer's arguments in Keras' words, enough to rebuild it; includes {@code name} and {@code type}. */
    public abstract Map<String, Object> config();

    /** The start of every {@link #config()}: the layer's type and name. */
    protected Map<String, Object> baseConfig() {
        Map<String, Object> c = new java.util.LinkedHashMap<>();
        c.put("type", type());
        c.put("name", name);
        return c;
    }

    /** Number of trainable values. */
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
