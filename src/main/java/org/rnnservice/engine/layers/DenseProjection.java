package org.rnnservice.engine.layers;

import org.rnnservice.engine.simd.Kernels;

/** The input projection as products over all steps at once. */
class DenseProjection extends InputProjection {

    DenseProjection(Kernels kernels, Param kernel, int inputDim) {
        super(kernels, kernel, inputDim);
    }

    @Override
    protected void projectRows(float[] out, int width) {
        kernels.gemm(steps * batch, width, inputDim, x, 0, inputDim, kernel.value(), 0, width, out, 0, width, false);
    }

    @Override
    void kernelGradient(float[] dz, int width, int from, int to) {
        kernels.gemmTransA(inputDim, to - from, steps * batch, x, 0, inputDim, dz, from, width, kernel.grad(), from,
                width, false);
    }

    @Override
    void inputGradient(float[] dz, int width, float[] out) {
        kernels.gemmTransB(steps * batch, inputDim, width, dz, 0, width, kernel.value(), 0, width, out, 0, inputDim,
                false);
    }
}
