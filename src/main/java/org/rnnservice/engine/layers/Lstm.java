package org.rnnservice.engine.layers;

import java.util.Map;
import java.util.Random;
import org.rnnservice.engine.simd.Kernels;

/**
 * Keras' {@code LSTM} with gate blocks {@code [i, f, c, o]}: {@code c_t = f*c_{t-1} + i*activation(z_c)},
 * {@code h_t = o*activation(c_t)}. All four gates of a step come from one product with the recurrent kernel.
 */
public final class Lstm extends Recurrent {

    /** One-hot inputs of all steps are gathered at once up to this many gate pre-activations (256 KB, in L2). */
    private static final int PROJECT_ALL_FLOATS = 1 << 16;

    private final Activation recurrentActivation;
    private final boolean unitForgetBias;

    private float[] pre;    // gate pre-activations [T, B, 4u], or one step's [B, 4u] when projected step by step
    private float[] act;    // gate activations [T, B, 4u]
    private float[] cell;   // c_t [T, B, u]
    private float[] cellAct; // activation(c_t) [T, B, u]
    private float[] dPre;   // gradients of the pre-activations [T, B, 4u]
    private float[] dhNext;
    private float[] dcNext;
    private float[] dcTmp;
    private float[] jointWeights; // [b; W; U] stacked, for the joint per-step product (then laid out)
    private float[] jointIn;     // [1 | x_t | h_{t-1}] rows: of every step when training, else of one
    private float[] jointGrad;   // the gradient of [b; W; U]

    // the last forward pass
    private boolean fusedPass;         // with the fused kernels of Keras' default activations
    private boolean keepCells;         // every step's cell state kept, else the last two
    private boolean joint;             // each step one joint product
    private boolean projectAll;        // the input projection of every step at once, before the steps
    private OneHotProjection gather;   // one-hot inputs projected step by step; null when all steps are at once

    public Lstm(String name, LayerConfig c, Kernels kernels) {
        super(name, c, "tanh", kernels);
        this.recurrentActivation = c.activation("recurrent_activation", "sigmoid");
        this.unitForgetBias = c.bool("unit_forget_bias", true);
    }

    @Override
    public String type() {
        return "LSTM";
    }

    @Override
    protected int gates() {
        return 4;
    }

    @Override
    protected Param createBias(Random rng) {
        Param b = super.createBias(rng);
        if (unitForgetBias) {
            // Keras replaces the forget block of the initial bias with ones, whatever bias_initializer says.
            java.util.Arrays.fill(b.value(), units, 2 * units, 1f);
        }
        return b;
    }

    /** Keras' default activations, for which forward and backward steps have fused kernels. */
    private boolean fused() {
        return activation == Activation.TANH && recurrentActivation == Activation.SIGMOID;
    }

    @Override
    public int stateCount() {
        return 2;
    }

    @Override
    public float[] state(int k) {
        return k == 0 ? h : cell;
    }

    /** Prediction with the fused kernels keeps two steps' cell states, the last and the one before. */
    @Override
    public int stateOffset(int k, int t) {
        return k == 1 && !keepCells ? (t & 1) * batch * units : t * batch * units;
    }

    /**
     * Whether each step is one product {@code [1 | x_t | h_{t-1}] . [b; W; U]}, as for all dense inputs: the bias,
     * input projection and recurrent product then make a single pass over the step's gates instead of three, which
     * for a small LSTM at a few rows is much of a step's cost. (Projecting a short input's steps all at once instead
     * was slower for a single sample, and its branch threw the compiled code of the other away at every switch.)
     */
    private boolean jointSteps() {
        return fused() && !(input instanceof OneHotProjection) && recurrence instanceof PackedStateProjection;
    }

    @Override
    protected SharedLayouts.Forward forwardLayout() {
        return jointSteps() ? SharedLayouts.Forward.JOINT : SharedLayouts.Forward.RECURRENT_KERNEL;
    }

    @Override
    protected float[] packForward(SharedLayouts.Forward layout, float[] reuse) {
        return layout == SharedLayouts.Forward.JOINT ? packJoint(reuse) : super.packForward(layout, reuse);
    }

    /**
     * With the fused kernels, only training keeps every step's gate activations and cell for the backward pass;
     * prediction reuses one step's buffers. The input projection is part of each step's product; for one-hot inputs
     * it is a gather of kernel rows, for all steps at once while that fits in cache, else step by step.
     */
    @Override
    public void startForward() {
        int stepLen = batch * units;
        int stepW = 4 * stepLen;
        fusedPass = fused();
        keepCells = training || !fusedPass;
        joint = jointSteps();
        gather = fusedPass && input instanceof OneHotProjection o && (long) steps * stepW > PROJECT_ALL_FLOATS ? o : null;
        projectAll = !joint && gather == null;
        pre = Buffers.atLeast(pre, projectAll || !fusedPass ? steps * stepW : stepW);
        act = Buffers.atLeast(act, training || !fusedPass ? steps * stepW : stepW);
        cell = Buffers.atLeast(cell, keepCells ? steps * stepLen : 2 * stepLen);
        cellAct = Buffers.atLeast(cellAct, training || !fusedPass ? steps * stepLen : stepLen);
        if (projectAll) {
            input.project(pre, 4 * units, useBias ? bias.value() : null, 0);
        }
    }

    @Override
    public void forwardSteps(int steps) {
        for (int t = 0; t < steps; t++) {
            forwardStep(t);
        }
    }

    @Override
    public void forwardStep(int t) {
        if (fusedPass) {
            fusedStep(t);
        } else {
            genericStep(t);
        }
    }

    /** The step's products, then one fused elementwise pass. */
    private void fusedStep(int t) {
        int u = units;
        int w = 4 * u;
        int stepLen = batch * u;
        int stepW = batch * w;
        boolean keep = training;
        int p = projectAll ? t * stepW : 0;
        float[] b = useBias ? bias.value() : null;
        if (joint) {
            jointStep(t, w, b);
        } else {
            if (gather != null) {
                gather.projectStep(t, pre, w, b, 0);
            }
            if (t > 0) {
                recurrence.product(t, pre, p, true);
            }
        }
        int c = stateOffset(1, t);
        int cPrev = t > 0 ? stateOffset(1, t - 1) : 0;
        kernels.lstmForwardStep(batch, u, pre, p, act, keep ? t * stepW : 0, t > 0 ? cell : null, cPrev,
                cell, c, cellAct, keep ? t * stepLen : 0, h, t * stepLen);
    }

    /** Rows of the joint matrix {@code [b; W; U]}. */
    private int jointRows() {
        return (useBias ? 1 : 0) + inputDim + units;
    }

    /** {@code [b; W; U]} laid out for the joint per-step product. */
    private float[] packJoint(float[] reuse) {
        int w = 4 * units;
        int rows = jointRows();
        jointWeights = Buffers.atLeast(jointWeights, rows * w);
        int at = 0;
        if (useBias) {
            System.arraycopy(bias.value(), 0, jointWeights, 0, w);
            at = w;
        }
        System.arraycopy(kernel.value(), 0, jointWeights, at, inputDim * w);
        System.arraycopy(recurrentKernel.value(), 0, jointWeights, at + inputDim * w, units * w);
        return kernels.packB(rows, w, jointWeights, 0, w, reuse);
    }

    /**
     * The gate pre-activations of step {@code t} into {@code pre[B, w]} as one product (the first step has no state).
     * Training keeps every step's rows, the first one's with a zero state, for {@link #jointWeightGradient}.
     */
    private void jointStep(int t, int w, float[] b) {
        int k = jointRows();
        int in = training ? t * batch * k : 0;
        jointIn = Buffers.atLeast(jointIn, (training ? steps : 1) * batch * k);
        if (t == 0) {
            if (training) {
                jointRowsOf(0, in, k);
            }
            kernels.gemm(batch, w, inputDim, x, 0, inputDim, kernel.value(), 0, w, pre, 0, w, false);
            if (b != null) {
                kernels.addRowVector(batch, w, b, 0, pre, 0, w);
            }
            return;
        }
        jointRowsOf(t, in, k);
        kernels.gemmPacked(batch, w, k, jointIn, in, k, layouts.forward(), pre, 0, w, false);
    }

    /** Step {@code t}'s rows {@code [1 | x_t | h_{t-1}]} into {@code jointIn} from {@code at}; zeros for h_{-1}. */
    private void jointRowsOf(int t, int at, int k) {
        int lead = useBias ? 1 : 0;
        // plain loops, not System.arraycopy: rows of one feature and 50 units are too short to pay for a stub call
        for (int r = 0; r < batch; r++) {
            int row = at + r * k;
            if (useBias) {
                jointIn[row] = 1f;
            }
            int xr = (t * batch + r) * inputDim;
            int to = row + lead;
            for (int i = 0; i < inputDim; i++) {
                jointIn[to + i] = x[xr + i];
            }
            to += inputDim;
            if (t == 0) {
                java.util.Arrays.fill(jointIn, to, to + units, 0f);
                continue;
            }
            int hr = ((t - 1) * batch + r) * units;
            for (int j = 0; j < units; j++) {
                jointIn[to + j] = h[hr + j];
            }
        }
    }

    /**
     * Columns {@code from..to} of the gradients of the bias, kernel and recurrent kernel as one product
     * {@code [1 | x_t | h_{t-1}]^T . dPre} over every step: one pass over the gate gradients instead of three. The zero
     * state of the first step adds exact zeros, so each sum has the terms, in the order, of the separate products.
     */
    private void jointWeightGradient(int from, int to) {
        int w = 4 * units;
        int k = jointRows();
        int cols = to - from;
        kernels.gemmTransA(k, cols, steps * batch, jointIn, 0, k, dPre, from, w, jointGrad, from, w, false);
        int row = 0;
        if (useBias) {
            System.arraycopy(jointGrad, from, bias.grad(), from, cols);
            row = 1;
        }
        float[] kg = kernel.grad();
        for (int r = 0; r < inputDim; r++, row++) {
            System.arraycopy(jointGrad, row * w + from, kg, r * w + from, cols);
        }
        float[] rg = recurrentKernel.grad();
        for (int r = 0; r < units; r++, row++) {
            System.arraycopy(jointGrad, row * w + from, rg, r * w + from, cols);
        }
    }

    @Override
    protected void prepareWeightGradients() {
        if (joint) {
            jointGrad = Buffers.atLeast(jointGrad, jointRows() * 4 * units);
        }
    }

    @Override
    protected void weightGradients(int from, int to) {
        if (joint) {
            jointWeightGradient(from, to);
            return;
        }
        int w = 4 * units;
        input.kernelGradient(dPre, w, from, to);
        recurrence.kernelGradient(dPre, w, to - from, from, false);
        if (useBias) {
            kernels.sumRows(steps * batch, to - from, dPre, from, w, bias.grad(), from, false);
        }
    }

    private void genericStep(int t) {
        int u = units;
        int w = 4 * u;
        int stepLen = batch * u;
        int off4 = t * batch * w;
        int off = t * stepLen;
        if (t > 0) {
            recurrence.product(t, pre, off4, true);
        }
        boolean wholeBlock = recurrentActivation != Activation.SOFTMAX;
        if (wholeBlock) {
            // one call over the step's whole [B, 4u] block beats 3B short calls; the candidate block is
            // overwritten with its own activation below
            recurrentActivation.apply(kernels, pre, off4, act, off4, batch, w);
        }
        for (int b = 0; b < batch; b++) {
            int row = off4 + b * w;
            if (!wholeBlock) {
                recurrentActivation.apply(kernels, pre, row, act, row, 1, 2 * u);
                recurrentActivation.apply(kernels, pre, row + 3 * u, act, row + 3 * u, 1, u);
            }
            activation.apply(kernels, pre, row + 2 * u, act, row + 2 * u, 1, u);
            int cr = off + b * u;
            // two plain loops rather than one with a branch inside, so that C2 can vectorize them
            if (t > 0) {
                for (int j = 0; j < u; j++) {
                    cell[cr + j] = act[row + u + j] * cell[cr - stepLen + j] + act[row + j] * act[row + 2 * u + j];
                }
            } else {
                for (int j = 0; j < u; j++) {
                    cell[cr + j] = act[row + j] * act[row + 2 * u + j];
                }
            }
        }
        activation.apply(kernels, cell, off, cellAct, off, batch, u);
        for (int b = 0; b < batch; b++) {
            int row = off4 + b * w + 3 * u;
            int cr = off + b * u;
            for (int j = 0; j < u; j++) {
                h[cr + j] = act[row + j] * cellAct[cr + j];
            }
        }
    }

    @Override
    public void startBackward() {
        if (!training) {
            throw new IllegalStateException("backward needs a forward pass in training mode");
        }
        int stepLen = batch * units;
        dPre = Buffers.atLeast(dPre, steps * 4 * stepLen);
        dhNext = Buffers.atLeast(dhNext, stepLen);
        dcNext = Buffers.atLeast(dcNext, stepLen);
        dcTmp = Buffers.atLeast(dcTmp, stepLen);
    }

    @Override
    public float[] stateGradient(int k) {
        return k == 0 ? dhNext : dcNext;
    }

    /** Keras' defaults have derivatives from the outputs alone: one fused pass does all the elementwise work. */
    @Override
    public void backwardSteps(int steps, float[] dh) {
        for (int t = steps - 1; t >= 0; t--) {
            backwardStep(t, dh);
        }
    }

    @Override
    public void backwardStep(int t, float[] dh) {
        int u = units;
        int w = 4 * u;
        int stepLen = batch * u;
        int off4 = t * batch * w;
        int off = t * stepLen;
        if (fusedPass) {
            kernels.lstmBackwardStep(batch, u, act, off4, cellAct, off, t > 0 ? cell : null, off - stepLen,
                    dh, off, dhNext, dcNext, dPre, off4);
        } else {
            genericBackwardStep(t, dh);
        }
        if (t > 0) {
            recurrence.gradient(dPre, off4, dhNext, false);
        }
    }

    private void genericBackwardStep(int t, float[] dh) {
        int u = units;
        int w = 4 * u;
        int stepLen = batch * u;
        int off4 = t * batch * w;
        int off = t * stepLen;
        // dcTmp = dh_total * o, then through activation(c)
        for (int b = 0; b < batch; b++) {
            int row = off4 + b * w + 3 * u;
            int cr = b * u;
            for (int j = 0; j < u; j++) {
                float dhv = dh[off + cr + j] + dhNext[cr + j];
                dhNext[cr + j] = dhv; // keep the total for the output gate below
                dcTmp[cr + j] = dhv * act[row + j];
            }
        }
        activation.backward(cell, off, cellAct, off, dcTmp, 0, dcTmp, 0, batch, u);
        for (int b = 0; b < batch; b++) {
            int row = off4 + b * w;
            int cr = b * u;
            for (int j = 0; j < u; j++) {
                float dc = dcNext[cr + j] + dcTmp[cr + j];
                float prev = t > 0 ? cell[off - stepLen + cr + j] : 0f;
                dPre[row + j] = dc * act[row + 2 * u + j];                 // d i
                dPre[row + u + j] = dc * prev;                             // d f
                dPre[row + 2 * u + j] = dc * act[row + j];                 // d g
                dPre[row + 3 * u + j] = dhNext[cr + j] * cellAct[off + cr + j]; // d o
                dcNext[cr + j] = dc * act[row + u + j];
            }
            recurrentActivation.backward(pre, row, act, row, dPre, row, dPre, row, 1, 2 * u);
            activation.backward(pre, row + 2 * u, act, row + 2 * u, dPre, row + 2 * u, dPre, row + 2 * u, 1, u);
            recurrentActivation.backward(pre, row + 3 * u, act, row + 3 * u, dPre, row + 3 * u,
                    dPre, row + 3 * u, 1, u);
        }
    }

    @Override
    protected float[] projectionGradient() {
        return dPre;
    }

    @Override
    protected void extraConfig(Map<String, Object> c) {
        c.put("recurrent_activation", recurrentActivation.kerasName());
        c.put("unit_forget_bias", unitForgetBias);
    }
}
