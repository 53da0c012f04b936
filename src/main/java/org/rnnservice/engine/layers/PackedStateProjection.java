package org.rnnservice.engine.layers;

import org.rnnservice.engine.simd.Kernels;

/** The recurrent product on the kernel laid out once per pass ({@link RecurrentLayouts}). */
final class PackedStateProjection extends StateProjection {

    private final RecurrentLayouts layouts;

    PackedStateProjection(Kernels kernels, Param recurrentKernel, int gates, int units, RecurrentLayouts layouts) {
        super(kernels, recurrentKernel, gates, units);
        this.layouts = layouts;
    }

    @Override
    void product(int t, float[] out, int outOff, boolean accumulate) {
        int w = gates * units;
        kernels.gemmPacked(batch, w, units, h, (t - 1) * batch * units, units, layouts.forward(), out, outOff, w,
                accumulate);
    }

    @Override
    void gradient(float[] dz, int dzOff, float[] dhPrev, boolean accumulate) {
        int w = gates * units;
        kernels.gemmPacked(batch, units, w, dz, dzOff, w, layouts.backward(), dhPrev, 0, units, accumulate);
    }

    @Override
    protected void kernelGradientOverSteps(float[] dz, int width, int cols, int col, boolean accumulate) {
        kernels.gemmTransA(units, cols, (steps - 1) * batch, h, 0, units, dz, batch * width + col, width,
                recurrentKernel.grad(), col, gates * units, accumulate);
    }
}
