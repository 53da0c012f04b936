package org.rnnservice.engine.layers;

import java.util.List;
import java.util.Map;
import java.util.Random;
import org.rnnservice.engine.simd.Kernels;

/**
 * What SimpleRNN, LSTM and GRU share: the Keras arguments, input dropout (one mask per sequence, as Keras draws it),
 * returning the last state or all of them, and the weight gradients that are one product over all time steps.
 * Subclasses implement the cell over a whole time-major sequence.
 */
abstract class Recurrent extends Layer implements DataParallelLayer, RecurrentState {

    /**
     * Gate columns per deferred block of weight gradients: a multiple of every kernel set's panel width (64 at most).
     * The last block takes the rest, so that no block is narrow enough for a kernel to take another path: a block's
     * columns are computed exactly as in the whole product.
     */
    private static final int GRADIENT_BLOCK = 256;

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

    // state of the last forward pass
    protected int steps;
    protected int batch;
    protected boolean training; // whether the last forward pass may be followed by a backward pass
    protected float[] x;      // the cell's input [T, B, I]: the layer input, or its dropped-out copy
    protected float[] h;      // all states [T, B, u]
    private float[] dropped;
    private int[] hot;        // for one-hot inputs, the index of the 1 in each row; null otherwise
    private float[] dropMask; // [B, I]
    private boolean droppedOut; // whether the last forward applied input dropout
    private boolean gateWise;   // whether the last forward dropped inputs and states gate by gate
    private GateDropout gateDropout;
    private boolean[] skipped; // [T, B] in processing order: steps the input mask skips; null when none is
    private float[] heldH;    // [B, u] state gradients that skipped steps pass on unchanged
    private float[] heldC;
    private float[] reversed; // the input in processing order when going backwards
    private float[] dxInOrder; // the input gradient back in the input's order
    private float[] last;     // h_T [B, u] when not returning sequences
    private float[] zeroed;   // h with the skipped steps' outputs zeroed, for zero_output_for_mask
    private float[] dh;       // gradient of all states [T, B, u]
    protected float[] dx;     // gradient of the cell input [T, B, I]
    protected float[] recurrentT; // recurrent kernel transposed [gates*u, u], so each step's dh is a plain product
    protected float[] packedU;    // what each forward step multiplies by, laid out once per pass
    protected float[] packedUT;   // the transposed recurrent kernel laid out for the backward pass
    private float[] ownPackedU;   // this layer's own layouts, used when no shared one is current
    private float[] ownRecurrentT;
    private float[] ownPackedUT;
    private SharedLayouts shared = new SharedLayouts();
    private boolean deferGradients;
    private int deferred;         // blocks of weight gradients the last backward pass left
    private float[][] firstState; // states replacing the first step's, for a stream that continues
    private int lastCellOff;      // where the last step's second state (LSTM's c) is in its buffer
    private float[] lastCell;     // that buffer

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
    }

    /** The bias weight; GRU's differs in shape. */
    protected Param createBias(Random rng) {
        Param b = new Param(name() + "/bias", gates() * units);
        biasInit.fill(b.value(), 0, 1, gates() * units, rng);
        return b;
    }

    @Override
    public void shareLayoutsWith(DataParallelLayer source) {
        shared = ((Recurrent) source).shared;
    }

    /** Two tasks: the forward pass's layout (once a forward pass has shown which one) and the backward's. */
    @Override
    public int layoutTasks() {
        return 2;
    }

    @Override
    public void runLayoutTask(int task) {
        if (task == 0) {
            shared.layOutForward(this::packForward);
        } else {
            shared.layOutBackward(this::transposeRecurrentKernel, this::packTransposed);
        }
    }

    @Override
    public void dropSharedLayouts() {
        shared.drop();
    }

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
    public int stateCount() {
        return 1;
    }

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
        firstState = states;
    }

    @Override
    public float[][] lastStates() {
        int size = batch * units;
        float[] lastH = java.util.Arrays.copyOfRange(h, (steps - 1) * size, steps * size);
        return stateCount() == 1 ? new float[][] {lastH}
                : new float[][] {lastH, java.util.Arrays.copyOfRange(lastCell, lastCellOff, lastCellOff + size)};
    }

    @Override
    public List<Param> params() {
        return useBias ? List.of(kernel, recurrentKernel, bias) : List.of(kernel, recurrentKernel);
    }

    @Override
    public Tensor forward(Tensor in, boolean training, Random rng) {
        deferred = 0; // the blocks of the last backward pass read buffers this pass overwrites
        steps = in.steps();
        batch = in.batch();
        this.training = training;
        x = in.data();
        if (goBackwards) {
            reversed = Buffers.atLeast(reversed, in.size());
            Buffers.reverseSteps(x, steps, batch * inputDim, reversed);
            x = reversed;
        }
        skipped = skippedSteps(goBackwards);
        gateWise = training && recurrentDropout > 0;
        droppedOut = training && dropout > 0 && !gateWise;
        if (droppedOut) {
            x = applyInputDropout(x, rng);
        }
        if (gateWise) {
            if (gateDropout == null) {
                gateDropout = new GateDropout(gates(), units, inputDim, dropout, recurrentDropout);
            }
            gateDropout.draw(batch, rng);
            if (gateDropout.dropsInputs()) {
                gateDropout.dropInputs(x, steps);
            }
        }
        h = Buffers.atLeast(h, steps * batch * units);
        hot = gateWise ? null : oneHotIndices(x, steps * batch);
        SharedLayouts.Forward layout = forwardLayout();
        if (training) {
            shared.used(layout);
        }
        packedU = shared.forward(layout);
        if (packedU == null) {
            ownPackedU = packForward(layout, ownPackedU);
            packedU = ownPackedU;
        }
        runCell();
        if (returnSequences) {
            if (zeroOutputForMask && skipped != null) {
                zeroed = Buffers.atLeast(zeroed, steps * batch * units);
                System.arraycopy(h, 0, zeroed, 0, steps * batch * units);
                zeroSkippedOutputs(zeroed, 0, steps);
                return new Tensor(zeroed, batch, steps, units);
            }
            return new Tensor(h, batch, steps, units);
        }
        last = Buffers.atLeast(last, batch * units);
        System.arraycopy(h, (steps - 1) * batch * units, last, 0, batch * units);
        if (zeroOutputForMask && skipped != null) {
            zeroSkippedOutputs(last, steps - 1, steps);
        }
        return new Tensor(last, batch, 0, units);
    }

    /**
     * Keras' {@code zero_output_for_mask}: the output of a skipped step is zeros rather than the output carried from
     * the step before (the state is still carried). {@code v} holds steps {@code [from, to)} in processing order;
     * without sequences the output is that of the last step processed, so it is zeros when that step is skipped.
     * The same rows of the output's gradient are zeroed on the way back, as the output no longer depends on anything.
     */
    private void zeroSkippedOutputs(float[] v, int from, int to) {
        for (int t = from; t < to; t++) {
            for (int b = 0; b < batch; b++) {
                if (skipped[t * batch + b]) {
                    int off = ((t - from) * batch + b) * units;
                    java.util.Arrays.fill(v, off, off + units, 0f);
                }
            }
        }
    }

    /** The steps the current mask skips, in processing order, or null when it skips none. */
    private boolean[] skippedSteps(boolean backwards) {
        Mask m = mask();
        if (m == null || m.keepsAll()) {
            return null;
        }
        if (m.batch() != batch || m.steps() != steps) {
            throw new IllegalStateException(name() + ": mask of " + m.batch() + "x" + m.steps() + " for input of "
                    + batch + "x" + steps);
        }
        boolean[] skip = skipped != null && skipped.length >= steps * batch ? skipped : new boolean[steps * batch];
        for (int t = 0; t < steps; t++) {
            for (int b = 0; b < batch; b++) {
                skip[t * batch + b] = !m.kept(backwards ? steps - 1 - t : t, b);
            }
        }
        return skip;
    }

    /**
     * Keras' masked step: the samples whose step {@code t} is skipped keep the state (and output) of step
     * {@code t - 1}, zeros before the first step. Cells call it after computing each step's {@code state}, so it is
     * also where a continued stream's state replaces the first step's ({@link #replaceFirstState}) and where the last
     * cell state is found for {@link #lastStates}.
     */
    protected final void carrySkipped(int t, float[] state, int off, int prevOff) {
        if (state != h) {
            lastCell = state;
            lastCellOff = off;
        }
        if (t == 0 && firstState != null) {
            System.arraycopy(firstState[state == h ? 0 : 1], 0, state, off, batch * units);
            return;
        }
        if (skipped == null) {
            return;
        }
        for (int b = 0; b < batch; b++) {
            if (skipped[t * batch + b]) {
                if (prevOff < 0) {
                    java.util.Arrays.fill(state, off + b * units, off + (b + 1) * units, 0f);
                } else {
                    System.arraycopy(state, prevOff + b * units, state, off + b * units, units);
                }
            }
        }
    }

    /**
     * Before back-propagating step {@code t}: the gradient reaching a skipped step's state ({@code dh} of the step
     * plus what later steps sent back, and the cell's for LSTM) is held aside and zeroed, so the step's cell
     * contributes nothing. {@link #passSkipped} then hands it to step {@code t - 1} unchanged.
     */
    protected final void holdSkipped(int t, float[] dh, int off, float[] dhNext, float[] dcNext) {
        if (skipped == null) {
            return;
        }
        heldH = Buffers.atLeast(heldH, batch * units);
        if (dcNext != null) {
            heldC = Buffers.atLeast(heldC, batch * units);
        }
        for (int b = 0; b < batch; b++) {
            if (!skipped[t * batch + b]) {
                continue;
            }
            int r = b * units;
            for (int j = 0; j < units; j++) {
                heldH[r + j] = dh[off + r + j] + dhNext[r + j];
            }
            java.util.Arrays.fill(dh, off + r, off + r + units, 0f);
            java.util.Arrays.fill(dhNext, r, r + units, 0f);
            if (dcNext != null) {
                System.arraycopy(dcNext, r, heldC, r, units);
                java.util.Arrays.fill(dcNext, r, r + units, 0f);
            }
        }
    }

    /** After back-propagating step {@code t}: see {@link #holdSkipped}. */
    protected final void passSkipped(int t, float[] dhNext, float[] dcNext) {
        if (skipped == null) {
            return;
        }
        for (int b = 0; b < batch; b++) {
            if (skipped[t * batch + b]) {
                System.arraycopy(heldH, b * units, dhNext, b * units, units);
                if (dcNext != null) {
                    System.arraycopy(heldC, b * units, dcNext, b * units, units);
                }
            }
        }
    }

    private float[] applyInputDropout(float[] in, Random rng) {
        int rowLen = batch * inputDim;
        dropMask = Buffers.atLeast(dropMask, rowLen);
        float scale = 1f / (1f - dropout);
        for (int i = 0; i < rowLen; i++) {
            dropMask[i] = rng.nextFloat() < dropout ? 0f : scale;
        }
        dropped = Buffers.atLeast(dropped, steps * rowLen);
        for (int t = 0; t < steps; t++) {
            int off = t * rowLen;
            for (int i = 0; i < rowLen; i++) {
                dropped[off + i] = in[off + i] * dropMask[i];
            }
        }
        return dropped;
    }

    @Override
    public Tensor backward(Tensor dy, boolean needInputGrad) {
        int stepLen = batch * units;
        dh = Buffers.atLeast(dh, steps * stepLen);
        if (returnSequences) {
            System.arraycopy(dy.data(), 0, dh, 0, steps * stepLen);
        } else {
            java.util.Arrays.fill(dh, 0, (steps - 1) * stepLen, 0f);
            System.arraycopy(dy.data(), 0, dh, (steps - 1) * stepLen, stepLen);
        }
        if (zeroOutputForMask && skipped != null) {
            zeroSkippedOutputs(dh, 0, steps);
        }
        if (shared.backwardCurrent()) {
            recurrentT = shared.transposed();
            packedUT = shared.backward();
        } else {
            ownRecurrentT = transposeRecurrentKernel(ownRecurrentT);
            ownPackedUT = packTransposed(ownRecurrentT, ownPackedUT);
            recurrentT = ownRecurrentT;
            packedUT = ownPackedUT;
        }
        runCellBackward(dh);
        finishWeightGradients();
        if (!needInputGrad) {
            return null;
        }
        dx = Buffers.atLeast(dx, steps * batch * inputDim);
        inputGradient(dx);
        if (droppedOut) {
            int rowLen = batch * inputDim;
            for (int t = 0; t < steps; t++) {
                for (int i = 0; i < rowLen; i++) {
                    dx[t * rowLen + i] *= dropMask[i];
                }
            }
        }
        if (goBackwards) {
            dxInOrder = Buffers.atLeast(dxInOrder, steps * batch * inputDim);
            Buffers.reverseSteps(dx, steps, batch * inputDim, dxInOrder);
            return new Tensor(dxInOrder, batch, steps, inputDim);
        }
        return new Tensor(dx, batch, steps, inputDim);
    }

    @Override
    public void deferWeightGradients(boolean defer) {
        deferGradients = defer;
    }

    @Override
    public int deferredBlocks() {
        return deferred;
    }

    @Override
    public void runDeferredBlock(int block) {
        if (block < 0 || block >= deferred) {
            throw new IndexOutOfBoundsException("block " + block + " of " + deferred);
        }
        int last = gates() * units;
        weightGradients(block * GRADIENT_BLOCK, block == deferred - 1 ? last : (block + 1) * GRADIENT_BLOCK);
    }

    /** After a backward pass: its weight gradients now, or as blocks for any thread when deferring. */
    private void finishWeightGradients() {
        // allocated here, on one thread: the blocks of one pass may run on several at once
        prepareWeightGradients();
        params().forEach(Param::grad);
        int width = gates() * units;
        if (deferGradients) {
            deferred = Math.max(1, width / GRADIENT_BLOCK);
        } else {
            weightGradients(0, width);
        }
    }

    /** Allocates what {@link #weightGradients} writes to besides the gradients. */
    protected void prepareWeightGradients() {
    }

    /**
     * Gate columns {@code from..to} of every weight's gradient, from what the last backward pass kept. Safe to run
     * for different columns on several threads at once.
     */
    protected abstract void weightGradients(int from, int to);

    /** Fills {@link #h} for all steps from {@link #x}. */
    protected abstract void runCell();

    /** Back-propagates through time given the gradient of every state, keeping what {@link #weightGradients} needs. */
    protected abstract void runCellBackward(float[] dh);

    /** Writes the gradient of the cell input into {@code out} ({@code [T, B, I]}) after {@link #runCellBackward}. */
    protected abstract void inputGradient(float[] out);

    /**
     * For one-hot rows (characters fed one-hot), the position of each row's 1, else null. Multiplying such a row by
     * the kernel just selects a kernel row, so the projection becomes a gather and its gradient a scatter-add: the
     * same numbers, bit for bit, for a fraction of the work.
     */
    private int[] oneHotIndices(float[] in, int rows) {
        if (inputDim < 8) {
            return null;
        }
        int[] idx = hot != null && hot.length >= rows ? hot : new int[rows];
        for (int r = 0; r < rows; r++) {
            int at = -1;
            int off = r * inputDim;
            for (int j = 0; j < inputDim; j++) {
                float v = in[off + j];
                if (v == 1f && at < 0) {
                    at = j;
                } else if (v != 0f) {
                    return null;
                }
            }
            if (at < 0) {
                return null;
            }
            idx[r] = at;
        }
        return idx;
    }

    /** Whether the last forward pass dropped inputs and states gate by gate ({@code recurrent_dropout} in training). */
    protected boolean gateWise() {
        return gateWise;
    }

    /** Whether gate {@code g}'s columns {@code [g*u, (g+1)*u)} overlap {@code [from, to)}. */
    private boolean overlaps(int g, int from, int to) {
        return g * units < to && (g + 1) * units > from;
    }

    /**
     * The recurrent product of step {@code t >= 1}: {@code out[B, gates*u] (+)= h_{t-1} . U}, each gate's columns from
     * the state as that gate's recurrent dropout mask leaves it when dropping gate by gate.
     */
    protected void recurrentProduct(int t, float[] out, int outOff, boolean accumulate) {
        int w = gates() * units;
        int stepLen = batch * units;
        if (!gateWise) {
            kernels.gemmPacked(batch, w, units, h, (t - 1) * stepLen, units, packedU, out, outOff, w, accumulate);
            return;
        }
        for (int g = 0; g < gates(); g++) {
            float[] d = gateDropout.dropState(g, h, (t - 1) * stepLen, t, steps);
            kernels.gemm(batch, units, units, d, t * stepLen, units, recurrentKernel.value(), g * units, w,
                    out, outOff + g * units, w, accumulate);
        }
    }

    /**
     * The gradient the recurrent product sends to the previous state: {@code dhPrev[B, u] (+)= dz . U^T}, through
     * each gate's recurrent dropout mask when dropping gate by gate.
     */
    protected void recurrentProductGradient(float[] dz, int dzOff, float[] dhPrev, boolean accumulate) {
        int w = gates() * units;
        if (!gateWise) {
            kernels.gemmPacked(batch, units, w, dz, dzOff, w, packedUT, dhPrev, 0, units, accumulate);
            return;
        }
        float[] part = gateDropout.scratch(batch * units);
        for (int g = 0; g < gates(); g++) {
            kernels.gemmTransB(batch, units, units, dz, dzOff + g * units, w, recurrentKernel.value(), g * units, w,
                    part, 0, units, false);
            gateDropout.addMaskedState(g, part, dhPrev, accumulate || g > 0);
        }
    }

    /** The input projection of every time step at once: {@code out[T*B, width] = x . kernel (+ bias)}. */
    protected void projectInputs(float[] out, int width, float[] biasValues, int biasOff) {
        int rows = steps * batch;
        if (gateWise && gateDropout.dropsInputs()) {
            for (int g = 0; g < gates(); g++) {
                kernels.gemm(rows, units, inputDim, gateDropout.input(g), 0, inputDim, kernel.value(), g * units,
                        width, out, g * units, width, false);
            }
        } else if (hot != null) {
            gatherKernelRows(0, rows, width, out);
        } else {
            kernels.gemm(rows, width, inputDim, x, 0, inputDim, kernel.value(), 0, width, out, 0, width, false);
        }
        if (biasValues != null) {
            kernels.addRowVector(rows, width, biasValues, biasOff, out, 0, width);
        }
    }

    /** Whether the inputs of the last forward pass were one-hot rows, projected by gathering kernel rows. */
    protected boolean oneHot() {
        return hot != null;
    }

    /** For one-hot input rows {@code from..from+rows}, the kernel rows they select, into {@code out[rows, width]}. */
    private void gatherKernelRows(int from, int rows, int width, float[] out) {
        float[] w = kernel.value();
        for (int r = 0; r < rows; r++) {
            System.arraycopy(w, hot[from + r] * width, out, r * width, width);
        }
    }

    /**
     * For one-hot inputs, the input projection of step {@code t} alone into {@code out[B, width]}: the kernel rows the
     * step selects, plus the bias. Cells that project step by step need no buffer of size {@code [T, B, width]}, which
     * for large batches does not fit in any cache.
     */
    protected void gatherStep(int t, float[] out, int width, float[] biasValues, int biasOff) {
        gatherKernelRows(t * batch, batch, width, out);
        if (biasValues != null) {
            kernels.addRowVector(batch, width, biasValues, biasOff, out, 0, width);
        }
    }

    /**
     * Columns {@code from..to} of {@code kernel.grad = x^T . dz} over all steps at once, for the pre-activation
     * gradients {@code dz} of {@code width} columns.
     */
    protected void kernelGradient(float[] dz, int width, int from, int to) {
        float[] g = kernel.grad();
        int cols = to - from;
        if (gateWise && gateDropout.dropsInputs()) {
            for (int gate = 0; gate < gates(); gate++) {
                if (overlaps(gate, from, to)) {
                    int c0 = Math.max(from, gate * units);
                    int c1 = Math.min(to, (gate + 1) * units);
                    kernels.gemmTransA(inputDim, c1 - c0, steps * batch, gateDropout.input(gate), 0, inputDim,
                            dz, c0, width, g, c0, width, false);
                }
            }
            return;
        }
        if (hot != null) {
            for (int r = 0; r < inputDim; r++) {
                java.util.Arrays.fill(g, r * width + from, r * width + to, 0f);
            }
            for (int r = 0; r < steps * batch; r++) {
                kernels.axpy(cols, 1f, dz, r * width + from, g, hot[r] * width + from);
            }
            return;
        }
        kernels.gemmTransA(inputDim, cols, steps * batch, x, 0, inputDim, dz, from, width, g, from, width, false);
    }

    /** {@code out = dz . kernel^T}: the gradient of the cell input. */
    protected void projectInputGradient(float[] dz, int width, float[] out) {
        if (gateWise && gateDropout.dropsInputs()) {
            float[] part = gateDropout.scratch(steps * batch * inputDim);
            for (int g = 0; g < gates(); g++) {
                kernels.gemmTransB(steps * batch, inputDim, units, dz, g * units, width, kernel.value(), g * units,
                        width, part, 0, inputDim, false);
                gateDropout.addMaskedInput(g, part, out, steps, g > 0);
            }
            return;
        }
        kernels.gemmTransB(steps * batch, inputDim, width, dz, 0, width, kernel.value(), 0, width,
                out, 0, inputDim, false);
    }

    /** {@code recurrent_kernel.grad[:, col..] (+)= h_{t-1}^T . dz_t} summed over t >= 1: one product. */
    protected void recurrentGradient(float[] dz, int width, int cols, int col, boolean accumulate) {
        float[] g = recurrentKernel.grad();
        if (gateWise && steps > 1) {
            for (int gate = 0; gate < gates(); gate++) {
                if (overlaps(gate, col, col + cols)) {
                    int c0 = Math.max(col, gate * units);
                    int c1 = Math.min(col + cols, (gate + 1) * units);
                    kernels.gemmTransA(units, c1 - c0, (steps - 1) * batch, gateDropout.states(gate), batch * units,
                            units, dz, batch * width + c0, width, g, c0, gates() * units, accumulate);
                }
            }
        } else if (steps > 1) {
            kernels.gemmTransA(units, cols, (steps - 1) * batch, h, 0, units, dz, batch * width + col, width,
                    g, col, gates() * units, accumulate);
        } else if (!accumulate) {
            for (int r = 0; r < units; r++) {
                java.util.Arrays.fill(g, r * gates() * units + col, r * gates() * units + col + cols, 0f);
            }
        }
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
