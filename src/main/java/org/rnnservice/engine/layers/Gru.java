package org.rnnservice.engine.layers;

import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import org.rnnservice.engine.simd.Kernels;

/**
 * Keras' {@code GRU} with gate blocks {@code [z, r, h]} and {@code h_t = z*h_{t-1} + (1-z)*hh}. With
 * {@code reset_after=true} (the default) the reset gate multiplies the recurrent term including its own bias, and the
 * bias is {@code (2, 3u)}: input bias, then recurrent bias. With {@code false} it multiplies the previous state.
 */
public final class Gru extends Recurrent {

    private final Activation recurrentActivation;
    private final boolean resetAfter;

    private float[] xz;    // x . W + input bias [T, B, 3u]
    private float[] hz;    // reset_after: h_{t-1} . U + recurrent bias [T, B, 3u]; else [B, 3u] scratch
    private float[] pre;   // pre-activations of z, r, hh [T, B, 3u]
    private float[] act;   // z, r, hh [T, B, 3u]
    private float[] rh;    // reset_after=false: r * h_{t-1} [T, B, u]
    private float[] dxz;   // gradients of the input-side pre-activations [T, B, 3u]
    private float[] dhz;   // reset_after: gradients of the recurrent-side terms [T, B, 3u]
    private float[] dhNext;
    private float[] drh;
    private boolean fusedPass; // the last forward pass ran the fused kernels of Keras' default activations

    public Gru(String name, LayerConfig c, Kernels kernels) {
        super(name, c, "tanh", kernels);
        this.recurrentActivation = c.activation("recurrent_activation", "sigmoid");
        this.resetAfter = c.bool("reset_after", true);
        if (!resetAfter && recurrentDropout > 0) {
            throw new UnsupportedFeatureException(c.path() + ".recurrent_dropout", "recurrent_dropout is supported"
                    + " with reset_after: true (Keras' default) only");
        }
    }

    @Override
    public String type() {
        return "GRU";
    }

    @Override
    protected int gates() {
        return 3;
    }

    @Override
    protected int biasRows() {
        return resetAfter ? 2 : 1;
    }

    @Override
    protected Param createBias(Random rng) {
        if (!resetAfter) {
            return super.createBias(rng);
        }
        Param b = new Param(name() + "/bias", 2, 3 * units);
        biasInit.fill(b.value(), 0, 2, 3 * units, rng);
        return b;
    }

    /** Keras' defaults, for which forward and backward steps have fused kernels. */
    private boolean fused() {
        return resetAfter && activation == Activation.TANH && recurrentActivation == Activation.SIGMOID;
    }

    @Override
    public void startForward() {
        fusedPass = fused();
        int stepW = batch * 3 * units;
        xz = Buffers.atLeast(xz, steps * stepW);
        act = Buffers.atLeast(act, steps * stepW);
        hz = Buffers.atLeast(hz, (fusedPass || resetAfter ? steps : 1) * stepW);
        if (!fusedPass) {
            pre = Buffers.atLeast(pre, steps * stepW);
            if (!resetAfter) {
                rh = Buffers.atLeast(rh, steps * batch * units);
            }
        }
        input.project(xz, 3 * units, useBias ? bias.value() : null, 0);
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

    /** The recurrent product plus its bias, then one fused elementwise pass (no pre-activations kept). */
    private void fusedStep(int t) {
        int u = units;
        int w = 3 * u;
        int stepLen = batch * u;
        int stepW = batch * w;
        int off3 = t * stepW;
        int off = t * stepLen;
        if (t > 0) {
            recurrence.product(t, hz, off3, false);
        } else {
            Arrays.fill(hz, off3, off3 + stepW, 0f);
        }
        if (useBias) {
            kernels.addRowVector(batch, w, bias.value(), w, hz, off3, w);
        }
        kernels.gruForwardStep(batch, u, xz, off3, hz, off3, act, off3, t > 0 ? h : null, off - stepLen, h, off);
    }

    private void genericStep(int t) {
        int u = units;
        int w = 3 * u;
        int stepLen = batch * u;
        float[] uw = recurrentKernel.value();
        int off3 = t * batch * w;
        int off = t * stepLen;
        int hzOff = resetAfter ? off3 : 0;
        // recurrent z and r terms (and, with reset_after, the whole recurrent product plus its bias)
        if (t > 0) {
            if (resetAfter) {
                recurrence.product(t, hz, hzOff, false);
            } else {
                kernels.gemm(batch, 2 * u, u, h, off - stepLen, u, uw, 0, w, hz, hzOff, w, false);
            }
        } else {
            Arrays.fill(hz, hzOff, hzOff + batch * w, 0f);
        }
        if (resetAfter && useBias) {
            kernels.addRowVector(batch, w, bias.value(), w, hz, hzOff, w);
        }
        for (int b = 0; b < batch; b++) {
            int row = off3 + b * w;
            int hrow = hzOff + b * w;
            for (int j = 0; j < 2 * u; j++) {
                pre[row + j] = xz[row + j] + hz[hrow + j];
            }
            recurrentActivation.apply(kernels, pre, row, act, row, 1, 2 * u);
            if (resetAfter) {
                for (int j = 0; j < u; j++) {
                    pre[row + 2 * u + j] = xz[row + 2 * u + j] + act[row + u + j] * hz[hrow + 2 * u + j];
                }
            } else {
                for (int j = 0; j < u; j++) {
                    rh[off + b * u + j] = t > 0 ? act[row + u + j] * h[off - stepLen + b * u + j] : 0f;
                }
            }
        }
        if (!resetAfter) {
            // (r * h_{t-1}) . U_h, written next to x_h so the candidate's pre-activation is one add
            if (t > 0) {
                kernels.gemm(batch, u, u, rh, off, u, uw, 2 * u, w, hz, 2 * u, w, false);
            }
            for (int b = 0; b < batch; b++) {
                int row = off3 + b * w + 2 * u;
                for (int j = 0; j < u; j++) {
                    pre[row + j] = xz[row + j] + (t > 0 ? hz[b * w + 2 * u + j] : 0f);
                }
            }
        }
        for (int b = 0; b < batch; b++) {
            int row = off3 + b * w;
            activation.apply(kernels, pre, row + 2 * u, act, row + 2 * u, 1, u);
            int hr = off + b * u;
            // two plain loops rather than one with a branch inside, so that C2 can vectorize them
            if (t > 0) {
                for (int j = 0; j < u; j++) {
                    float z = act[row + j];
                    h[hr + j] = z * h[hr - stepLen + j] + (1f - z) * act[row + 2 * u + j];
                }
            } else {
                for (int j = 0; j < u; j++) {
                    h[hr + j] = (1f - act[row + j]) * act[row + 2 * u + j];
                }
            }
        }
    }

    @Override
    public void startBackward() {
        int stepLen = batch * units;
        dxz = Buffers.atLeast(dxz, steps * 3 * stepLen);
        if (resetAfter) {
            dhz = Buffers.atLeast(dhz, steps * 3 * stepLen);
        } else {
            drh = Buffers.atLeast(drh, stepLen);
        }
        dhNext = Buffers.atLeast(dhNext, stepLen);
    }

    @Override
    public float[] stateGradient(int k) {
        return dhNext;
    }

    @Override
    public void backwardSteps(int steps, float[] dh) {
        for (int t = steps - 1; t >= 0; t--) {
            backwardStep(t, dh);
        }
    }

    @Override
    public void backwardStep(int t, float[] dh) {
        int u = units;
        int w = 3 * u;
        int stepLen = batch * u;
        int off3 = t * batch * w;
        int off = t * stepLen;
        if (fusedPass) {
            kernels.gruBackwardStep(batch, u, act, off3, hz, off3, t > 0 ? h : null, off - stepLen, dh, off,
                    dhNext, dxz, dhz);
            if (t > 0) {
                recurrence.gradient(dhz, off3, dhNext, true);
            }
            return;
        }
        for (int b = 0; b < batch; b++) {
            int row = off3 + b * w;
            int hr = off + b * u;
            for (int j = 0; j < u; j++) {
                float d = dh[hr + j] + dhNext[b * u + j];
                float z = act[row + j];
                float prev = t > 0 ? h[hr - stepLen + j] : 0f;
                dxz[row + j] = d * (prev - act[row + 2 * u + j]);  // d z (post-activation)
                dxz[row + 2 * u + j] = d * (1f - z);                // d hh (post-activation)
                dhNext[b * u + j] = d * z;
            }
            activation.backward(pre, row + 2 * u, act, row + 2 * u, dxz, row + 2 * u, dxz, row + 2 * u, 1, u);
        }
        if (resetAfter) {
            for (int b = 0; b < batch; b++) {
                int row = off3 + b * w;
                for (int j = 0; j < u; j++) {
                    float dcand = dxz[row + 2 * u + j];
                    dxz[row + u + j] = dcand * hz[row + 2 * u + j];   // d r (post-activation)
                    dhz[row + 2 * u + j] = dcand * act[row + u + j];
                }
                recurrentActivation.backward(pre, row, act, row, dxz, row, dxz, row, 1, 2 * u);
                System.arraycopy(dxz, row, dhz, row, 2 * u);
            }
            if (t > 0) {
                recurrence.gradient(dhz, off3, dhNext, true);
            }
        } else {
            if (t > 0) {
                kernels.gemm(batch, u, u, dxz, off3 + 2 * u, w, layouts.transposed(), 2 * u * u, u, drh, 0, u, false);
            } else {
                Arrays.fill(drh, 0, stepLen, 0f);
            }
            for (int b = 0; b < batch; b++) {
                int row = off3 + b * w;
                int hr = off + b * u;
                for (int j = 0; j < u; j++) {
                    float prev = t > 0 ? h[hr - stepLen + j] : 0f;
                    dxz[row + u + j] = drh[b * u + j] * prev;                 // d r (post-activation)
                    dhNext[b * u + j] += drh[b * u + j] * act[row + u + j];
                }
                recurrentActivation.backward(pre, row, act, row, dxz, row, dxz, row, 1, 2 * u);
            }
            if (t > 0) {
                kernels.gemm(batch, u, 2 * u, dxz, off3, w, layouts.transposed(), 0, u, dhNext, 0, u, true);
            }
        }
    }

    @Override
    protected void weightGradients(int from, int to) {
        int u = units;
        int w = 3 * u;
        int cols = to - from;
        int rows = steps * batch;
        input.kernelGradient(dxz, w, from, to);
        if (resetAfter) {
            recurrence.kernelGradient(dhz, w, cols, from, false);
            if (useBias) {
                kernels.sumRows(rows, cols, dxz, from, w, bias.grad(), from, false);
                kernels.sumRows(rows, cols, dhz, from, w, bias.grad(), w + from, false);
            }
            return;
        }
        // z and r columns from h_{t-1}, candidate columns from r*h_{t-1}
        int split = 2 * u;
        if (from < split) {
            recurrence.kernelGradient(dxz, w, Math.min(to, split) - from, from, false);
        }
        if (to > split) {
            int c0 = Math.max(from, split);
            kernels.gemmTransA(u, to - c0, rows, rh, 0, u, dxz, c0, w, recurrentKernel.grad(), c0, w, false);
        }
        if (useBias) {
            kernels.sumRows(rows, cols, dxz, from, w, bias.grad(), from, false);
        }
    }

    @Override
    protected float[] projectionGradient() {
        return dxz;
    }

    @Override
    protected void extraConfig(Map<String, Object> c) {
        c.put("recurrent_activation", recurrentActivation.kerasName());
        c.put("reset_after", resetAfter);
    }
}
