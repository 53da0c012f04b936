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
    public void startForward() {
        z = Buffers.atLeast(z, steps * batch * units);
        input.project(z, units, useBias ? bias.value() : null, 0);
    }

    @Override
    public void forwardSteps(int steps) {
        for (int t = 0; t < steps; t++) {
            forwardStep(t);
        }
    }

    @Override
    public void forwardStep(int t) {
        int off = t * batch * units;
        if (t > 0) {
            recurrence.product(t, z, off, true);
        }
        activation.apply(kernels, z, off, h, off, batch, units);
    }

    @Override
    public void startBackward() {
        int stepLen = batch * units;
        dz = Buffers.atLeast(dz, steps * stepLen);
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
        int stepLen = batch * units;
        int off = t * stepLen;
        if (t < steps - 1) {
            for (int i = 0; i < stepLen; i++) {
                dz[off + i] = dh[off + i] + dhNext[i];
            }
        } else {
            System.arraycopy(dh, off, dz, off, stepLen);
        }
        activation.backward(z, off, h, off, dz, off, dz, off, batch, units);
        if (t > 0) {
            recurrence.gradient(dz, off, dhNext, false);
        }
    }

    @Override
    protected void weightGradients(int from, int to) {
        input.kernelGradient(dz, units, from, to);
        recurrence.kernelGradient(dz, units, to - from, from, false);
        if (useBias) {
            kernels.sumRows(steps * batch, to - from, dz, from, units, bias.grad(), from, false);
        }
    }

    @Override
    protected float[] projectionGradient() {
        return dz;
    }
}
