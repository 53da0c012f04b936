package org.rnnservice.engine.layers;

import java.util.Arrays;
import org.rnnservice.engine.simd.Kernels;

/**
 * How a recurrent layer's pass multiplies each step's previous state by the recurrent kernel,
 * {@code h_{t-1} . U}, and takes that product's gradients: {@link PackedStateProjection}, or
 * {@link GateWiseStateProjection} under recurrent dropout.
 */
abstract class StateProjection {

    protected final Kernels kernels;
    protected final Param recurrentKernel;
    protected final int gates;
    protected final int units;
    protected float[] h;   // the pass's states [T, B, u]
    protected int steps;
    protected int batch;

    StateProjection(Kernels kernels, Param recurrentKernel, int gates, int units) {
        this.kernels = kernels;
        this.recurrentKernel = recurrentKernel;
        this.gates = gates;
        this.units = units;
    }

    /** Starts a pass whose states go to {@code h}. */
    void start(float[] h, int steps, int batch) {
        this.h = h;
        this.steps = steps;
        this.batch = batch;
    }

    /** Step {@code t >= 1}'s product {@code out[B, gates*u] (+)= h_{t-1} . U}. */
    abstract void product(int t, float[] out, int outOff, boolean accumulate);

    /** What the product sends to the previous state: {@code dhPrev[B, u] (+)= dz . U^T}. */
    abstract void gradient(float[] dz, int dzOff, float[] dhPrev, boolean accumulate);

    /**
     * Columns {@code col..col+cols} of {@code recurrent_kernel.grad (+)= h_{t-1}^T . dz_t} summed over
     * {@code t >= 1} as one product, {@code dz} being {@code width} wide ([T, B, width]).
     */
    final void kernelGradient(float[] dz, int width, int cols, int col, boolean accumulate) {
        if (steps > 1) {
            kernelGradientOverSteps(dz, width, cols, col, accumulate);
        } else if (!accumulate) {
            float[] g = recurrentKernel.grad();
            int w = gates * units;
            for (int r = 0; r < units; r++) {
                Arrays.fill(g, r * w + col, r * w + col + cols, 0f);
            }
        }
    }

    protected abstract void kernelGradientOverSteps(float[] dz, int width, int cols, int col, boolean accumulate);
}
