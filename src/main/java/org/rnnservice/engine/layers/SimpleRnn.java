package org.rnnservice.engine.layers;

import org.rnnservice.engine.simd.Kernels;

/** Keras' {@code SimpleRNN}: {@code h_t = activation(x_t . W + h_{t-1} . U + b)}, {@code h_0 = 0}. */
public final class SimpleRnn extends Recurrent {

    private float[] z;   // pre-activations [T, B, u]
    private float[] dz;  // their gradients [T, B, u]
    private float[] dhNext;

    public SimpleRnn(String name, LayerConfig c, Kernels kernels) {
        super(name, c, "tanh", kernels);
    }

    @Override
    public String type() {
        return "SimpleRNN";
    }

    @Override
    protected int gates() {
        return 1;
    }

    @Override
    protected void runCell() {
        int u = units;
        int stepLen = batch * u;
        z = Buffers.atLeast(z, steps * stepLen);
        projectInputs(z, u, useBias ? bias.value() : null, 0);
        for (int t = 0; t < steps; t++) {
            int off = t * stepLen;
            if (t > 0) {
                recurrentProduct(t, z, off, true);
            }
            activation.apply(kernels, z, off, h, off, batch, u);
            carrySkipped(t, h, off, t > 0 ? off - stepLen : -1);
        }
    }

    @Override
    protected void runCellBackward(float[] dh) {
        int u = units;
        int stepLen = batch * u;
        dz = Buffers.atLeast(dz, steps * stepLen);
        dhNext = Buffers.atLeast(dhNext, stepLen);
        java.util.Arrays.fill(dhNext, 0, stepLen, 0f);
        for (int t = steps - 1; t >= 0; t--) {
            int off = t * stepLen;
            holdSkipped(t, dh, off, dhNext, null);
            if (t < steps - 1) {
                for (int i = 0; i < stepLen; i++) {
                    dz[off + i] = dh[off + i] + dhNext[i];
                }
            } else {
                System.arraycopy(dh, off, dz, off, stepLen);
            }
            activation.backward(z, off, h, off, dz, off, dz, off, batch, u);
            if (t > 0) {
                recurrentProductGradient(dz, off, dhNext, false);
            }
            passSkipped(t, dhNext, null);
        }
    }

    @Override
    protected void weightGradients(int from, int to) {
        int u = units;
        kernelGradient(dz, u, from, to);
        recurrentGradient(dz, u, to - from, from, false);
        if (useBias) {
            kernels.sumRows(steps * batch, to - from, dz, from, u, bias.grad(), from, false);
        }
    }

    @Override
    protected void inputGradient(float[] out) {
        projectInputGradient(dz, units, out);
    }
}
