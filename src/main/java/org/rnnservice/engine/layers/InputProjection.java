package org.rnnservice.engine.layers;

import org.rnnservice.engine.simd.Kernels;

/**
 * How a recurrent layer's pass multiplies its input by the kernel, {@code x . W} for every step at once, and takes
 * that product's gradients. Which way a pass takes depends on its input and on dropout: {@link DenseProjection},
 * {@link OneHotProjection}, {@link GateWiseInputProjection}.
 */
abstract class InputProjection {

    protected final Kernels kernels;
    protected final Param kernel;
    protected final int inputDim;
    protected float[] x;   // the pass's input [T, B, I]
    protected int steps;
    protected int batch;

    InputProjection(Kernels kernels, Param kernel, int inputDim) {
        this.kernels = kernels;
        this.kernel = kernel;
        this.inputDim = inputDim;
    }

    /** Starts a pass over the input {@code x} of {@code steps} steps of {@code batch} rows. */
    void start(float[] x, int steps, int batch) {
        this.x = x;
        this.steps = steps;
        this.batch = batch;
    }

    /** {@code out[T*B, width] = x . kernel}, plus {@code bias[biasOff..]} on every row unless it is null. */
    final void project(float[] out, int width, float[] bias, int biasOff) {
        projectRows(out, width);
        if (bias != null) {
            kernels.addRowVector(steps * batch, width, bias, biasOff, out, 0, width);
        }
    }

    /** {@code out[T*B, width] = x . kernel}. */
    protected abstract void projectRows(float[] out, int width);

    /** Columns {@code from..to} of {@code kernel.grad = x^T . dz} over all steps, {@code dz} being width wide. */
    abstract void kernelGradient(float[] dz, int width, int from, int to);

    /** {@code out[T*B, I] = dz . kernel^T}: the gradient of the input. */
    abstract void inputGradient(float[] dz, int width, float[] out);
}
