package org.rnnservice.engine.layers;

import org.rnnservice.engine.simd.Kernels;

/** The recurrent product under {@link GateDropout}'s state masks: each gate's columns from that gate's dropped state. */
final class GateWiseStateProjection extends StateProjection {

    private final GateDropout dropout;

    GateWiseStateProjection(Kernels kernels, Param recurrentKernel, int gates, int units, GateDropout dropout) {
        super(kernels, recurrentKernel, gates, units);
        this.dropout = dropout;
    }

    @Override
    void product(int t, float[] out, int outOff, boolean accumulate) {
        int w = gates * units;
        int stepLen = batch * units;
        for (int g = 0; g < gates; g++) {
            float[] d = dropout.dropState(g, h, (t - 1) * stepLen, t, steps);
            kernels.gemm(batch, units, units, d, t * stepLen, units, recurrentKernel.value(), g * units, w,
                    out, outOff + g * units, w, accumulate);
        }
    }

    @Override
    void gradient(float[] dz, int dzOff, float[] dhPrev, boolean accumulate) {
        int w = gates * units;
        float[] part = dropout.scratch(batch * units);
        for (int g = 0; g < gates; g++) {
            kernels.gemmTransB(batch, units, units, dz, dzOff + g * units, w, recurrentKernel.value(), g * units, w,
                    part, 0, units, false);
            dropout.addMaskedState(g, part, dhPrev, accumulate || g > 0);
        }
    }

    @Override
    protected void kernelGradientOverSteps(float[] dz, int width, int cols, int col, boolean accumulate) {
        float[] grad = recurrentKernel.grad();
        for (int g = 0; g < gates; g++) {
            int c0 = Math.max(col, g * units);
            int c1 = Math.min(col + cols, (g + 1) * units);
            if (c0 < c1) {
                kernels.gemmTransA(units, c1 - c0, (steps - 1) * batch, dropout.states(g), batch * units, units,
                        dz, batch * width + c0, width, grad, c0, gates * units, accumulate);
            }
        }
    }
}
