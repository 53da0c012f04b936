package org.rnnservice.engine.layers;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.rnnservice.engine.simd.Kernels;

/**
 * Keras' RNN layer: what SimpleRNN, LSTM and GRU share (the Keras arguments, the weights, input dropout, returning
 * the last output or all of them) around a cell that subclasses implement one step at a time. Time, masks and
 * reversal belong to the {@link TimeLoop}; how the input and the state are multiplied by the kernels to the
 * {@link InputProjection} and {@link StateProjection} a pass chooses.
 */
abstract class Recurrent extends Layer implements DataParallelLayer, RecurrentState, RecurrentCell {

    protected final int units;
    protected final Activation activation;
    protected final boolean useBias;
    protected final boolean returnSequences;
    protected final boolean goBackwards;
    private final boolean zeroOutputForMask;
    protected final float dropout;
    protected final float recurrentDropout;
    protected final Initializer kernelInit;
    protected final Initializer recurrentInit;
    protected final Initializer biasInit;

    protected int inputDim;
    protected Param kernel;
    protected Param recurrentKernel;
    protected Param bias;

    private final TimeLoop loop;
    protected final RecurrentLayouts layouts =
            new RecurrentLayouts(this::packForward, this::transposeRecurrentKernel, this::packTransposed);
    private final DeferredGradients deferred = new DeferredGradients();
    private Projections projections;

    // the last forward pass
    protected int steps;
    protected int batch;
    protected boolean training; // whether the pass may be followed by a backward pass
    protected float[] x;        // the cell's input [T, B, I] in processing order, dropped out in training
    protected float[] h;        // all states [T, B, u]
    protected InputProjection input;
    protected StateProjection recurrence;
    private float[] last;       // h_T [B, u] when not returning sequences
    private float[] zeroed;     // h with the skipped steps' outputs zeroed, for zero_output_for_mask
    private float[] dh;         // gradient of all states [T, B, u]
    private float[] dx;         // gradient of the cell input [T, B, I]

    Recurrent(String name, LayerConfig c, String defaultActivation, Kernels kernels) {
        super(name, kernels);
        this.units = c.positiveInt("units");
        this.activation = c.activation("activation", defaultActivation);
        this.useBias = c.bool("use_bias", true);
        this.returnSequences = c.bool("return_sequences", false);
        this.goBackwards = c.bool("go_backwards", false);
        this.zeroOutputForMask = c.bool("zero_output_for_mask", false);
        this.dropout = c.rate("dropout");
        this.recurrentDropout = c.rate("recurrent_dropout");
        this.kernelInit = c.initializer("kernel_initializer", "glorot_uniform");
        this.recurrentInit = c.initializer("recurrent_initializer", "orthogonal");
        this.biasInit = c.initializer("bias_initializer", "zeros");
        this.loop = new TimeLoop(name);
    }

    /** Gate blocks per unit: 1 for SimpleRNN, 4 for LSTM, 3 for GRU. */
    protected abstract int gates();

    @Override
    public boolean supportsMasking() {
        return true;
    }

    /** Keras' RNN {@code compute_mask}: the mask goes on with the sequence and ends with a single output. */
    @Override
    public Mask computeMask(Tensor input, Mask inputMask) {
        return returnSequences ? inputMask : null;
    }

    @Override
    public LayerShape outputShape(LayerShape input) {
        if (!input.sequence()) {
            throw misfit(name(), "Input 0 of layer \"" + name() + "\" is incompatible with the layer: expected"
                    + " ndim=3, found ndim=2. Full shape received: " + input.toKeras() + ". A " + type()
                    + " reads sequences (timesteps, features): if the layer before it is recurrent, give that layer"
                    + " return_sequences: true so that it passes on every step, not only the last");
        }
        return returnSequences ? LayerShape.sequence(input.steps(), units) : LayerShape.flat(units);
    }

    @Override
    public long countParams(LayerShape input) {
        long width = (long) gates() * units;
        return (input.features() + (long) units) * width + (useBias ? biasRows() * width : 0);
    }

    /** Rows of the bias: GRU with reset_after keeps an input and a recurrent bias. */
    protected int biasRows() {
        return 1;
    }

    @Override
    public void build(LayerShape input, Random rng) {
        inputDim = input.features();
        int width = gates() * units;
        kernel = new Param(name() + "/kernel", inputDim, width);
        recurrentKernel = new Param(name() + "/recurrent_kernel", units, width);
        kernelInit.fill(kernel.value(), 0, inputDim, width, rng);
        recurrentInit.fill(recurrentKernel.value(), 0, units, width, rng);
        if (useBias) {
            bias = createBias(rng);
        }
        projections = new Projections(kernels, kernel, recurrentKernel, gates(), units, dropout, recurrentDropout,
                layouts);
    }

    /** The bias weight; GRU's differs in shape. */
    protected Param createBias(Random rng) {
        Param b = new Param(name() + "/bias", gates() * units);
        biasInit.fill(b.value(), 0, 1, gates() * units, rng);
        return b;
    }

    @Override
    public List<Param> params() {
        return useBias ? List.of(kernel, recurrentKernel, bias) : List.of(kernel, recurrentKernel);
    }

    @Override
    public Tensor forward(Tensor in, boolean training, Random rng) {
        deferred.clear();
        steps = in.steps();
        batch = in.batch();
        this.training = training;
        loop.start(mask(), steps, batch, units, goBackwards);
        h = Buffers.atLeast(h, steps * batch * units);
        x = projections.start(loop.inProcessingOrder(in.data(), batch * inputDim), h, steps, batch, training, rng);
        input = projections.input();
        recurrence = projections.state();
        layouts.startForward(forwardLayout(), training);
        loop.forward(this);
        return output();
    }

    private Tensor output() {
        int stepLen = batch * units;
        boolean zero = zeroOutputForMask && loop.skips();
        if (returnSequences) {
            if (!zero) {
                return new Tensor(h, batch, steps, units);
            }
            zeroed = Buffers.atLeast(zeroed, steps * stepLen);
            System.arraycopy(h, 0, zeroed, 0, steps * stepLen);
            loop.zeroSkippedOutputs(zeroed, 0, steps);
            return new Tensor(zeroed, batch, steps, units);
        }
        last = Buffers.atLeast(last, stepLen);
        System.arraycopy(h, (steps - 1) * stepLen, last, 0, stepLen);
        if (zero) {
            loop.zeroSkippedOutputs(last, steps - 1, steps);
        }
        return new Tensor(last, batch, 0, units);
    }

    @Override
    public Tensor backward(Tensor dy, boolean needInputGrad) {
        int stepLen = batch * units;
        dh = Buffers.atLeast(dh, steps * stepLen);
        if (returnSequences) {
            System.arraycopy(dy.data(), 0, dh, 0, steps * stepLen);
        } else {
            Arrays.fill(dh, 0, (steps - 1) * stepLen, 0f);
            System.arraycopy(dy.data(), 0, dh, (steps - 1) * stepLen, stepLen);
        }
        if (zeroOutputForMask && loop.skips()) {
            loop.zeroSkippedOutputs(dh, 0, steps);
        }
        layouts.startBackward();
        loop.backward(this, dh);
        // allocated here, on one thread: the deferred blocks of one pass may run on several at once
        prepareWeightGradients();
        params().forEach(Param::grad);
        deferred.finish(gates() * units, this::weightGradients);
        if (!needInputGrad) {
            return null;
        }
        dx = Buffers.atLeast(dx, steps * batch * inputDim);
        input.inputGradient(projectionGradient(), gates() * units, dx);
        projections.undoDropout(dx);
        return new Tensor(loop.inInputOrder(dx, batch * inputDim), batch, steps, inputDim);
    }

    /** Allocates what {@link #weightGradients} writes to besides the gradients. */
    protected void prepareWeightGradients() {
    }

    /**
     * Gate columns {@code from..to} of every weight's gradient, from what the last backward pass kept. Safe to run
     * for different columns on several threads at once.
     */
    protected abstract void weightGradients(int from, int to);

    /** The gradient of the input projection {@code [T, B, gates*u]} the last backward pass left. */
    protected abstract float[] projectionGradient();

    // the cell, one step at a time, for the loop (RecurrentCell). The loop calls the steps directly, not through an
    // adapter: each level of calls between the loop and the SIMD kernels counts against C2's inlining depth, and one
    // more cost a tenth of SimpleRNN's speed.

    @Override
    public int stateCount() {
        return 1;
    }

    /** {@code h}, every step kept. */
    @Override
    public float[] state(int k) {
        return h;
    }

    @Override
    public int stateOffset(int k, int t) {
        return t * batch * units;
    }

    // streaming (RecurrentState)

    @Override
    public int units() {
        return units;
    }

    @Override
    public boolean reversed() {
        return goBackwards;
    }

    @Override
    public void replaceFirstState(float[][] states) {
        if (states != null && states.length != stateCount()) {
            throw new IllegalArgumentException(name() + " has " + stateCount() + " states, not " + states.length);
        }
        loop.replaceFirstState(states);
    }

    @Override
    public float[][] lastStates() {
        return loop.lastStates(this);
    }

    // data-parallel training (DataParallelLayer)

    /** What the forward steps multiply by; decided by each forward pass from its input. */
    protected SharedLayouts.Forward forwardLayout() {
        return SharedLayouts.Forward.RECURRENT_KERNEL;
    }

    /** Lays out what the forward steps multiply by, into {@code reuse} when it is large enough. */
    protected float[] packForward(SharedLayouts.Forward layout, float[] reuse) {
        return kernels.packB(units, gates() * units, recurrentKernel.value(), 0, gates() * units, reuse);
    }

    private float[] transposeRecurrentKernel(float[] reuse) {
        int width = gates() * units;
        float[] t = Buffers.atLeast(reuse, width * units);
        kernels.transpose(units, width, recurrentKernel.value(), 0, width, t, 0, units);
        return t;
    }

    private float[] packTransposed(float[] transposed, float[] reuse) {
        return kernels.packB(gates() * units, units, transposed, 0, units, reuse);
    }

    @Override
    public void shareLayoutsWith(DataParallelLayer source) {
        layouts.shareWith(((Recurrent) source).layouts);
    }

    /** Two tasks: the forward pass's layout (once a forward pass has shown which one) and the backward's. */
    @Override
    public int layoutTasks() {
        return 2;
    }

    @Override
    public void runLayoutTask(int task) {
        layouts.runTask(task);
    }

    @Override
    public void dropSharedLayouts() {
        layouts.drop();
    }

    @Override
    public void deferWeightGradients(boolean defer) {
        deferred.defer(defer);
    }

    @Override
    public int deferredBlocks() {
        return deferred.blocks();
    }

    @Override
    public void runDeferredBlock(int block) {
        deferred.run(block, gates() * units, this::weightGradients);
    }

    @Override
    public Map<String, Object> config() {
        Map<String, Object> c = baseConfig();
        c.put("units", units);
        c.put("activation", activation.kerasName());
        extraConfig(c);
        c.put("use_bias", useBias);
        c.put("return_sequences", returnSequences);
        c.put("go_backwards", goBackwards);
        if (zeroOutputForMask) {
            c.put("zero_output_for_mask", true);
        }
        c.put("dropout", Arguments.decimal(dropout));
        c.put("recurrent_dropout", Arguments.decimal(recurrentDropout));
        c.put("kernel_initializer", kernelInit.config());
        c.put("recurrent_initializer", recurrentInit.config());
        c.put("bias_initializer", biasInit.config());
        return c;
    }

    /** Arguments only some recurrent layers have. */
    protected void extraConfig(Map<String, Object> c) {
    }
}
