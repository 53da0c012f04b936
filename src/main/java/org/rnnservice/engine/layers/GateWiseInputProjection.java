package org.rnnservice.engine.layers;

import org.rnnservice.engine.simd.Kernels;

/** The input projection under {@link GateDropout}'s input masks: each gate's columns from that gate's dropped input. */
final class GateWiseInputProjection extends InputProjection {

    private final GateDropout dropout;
    private final int gates;
    private final int units;

    GateWiseInputProjection(Kernels kernels, Param kernel, int inputDim, GateDropout dropout, int gates, int units) {
        super(kernels, kernel, inputDim);
        this.dropout = dropout;
        this.gates = gates;
        this.units = units;
    }

    @Override
    protected void projectRows(float[] out, int width) {
        for (int g = 0; g < gates; g++) {
            kernels.gemm(steps * batch, units, inputDim, dropout.input(g), 0, inputDim, kernel.value(), g * units,
                    width, out, g * units, width, false);
        }
    }

    @Override
    void kernelGradient(float[] dz, int width, int from, int to) {
        float[] grad = kernel.grad();
        for (int g = 0; g < gates; g++) {
            int c0 = Math.max(from, g * units);
            int c1 = Math.min(to, (g + 1) * units);
            if (c0 < c1) {
                kernels.gemmTransA(inputDim, c1 - c0, steps * batch, dropout.input(g), 0, inputDim, dz, c0, width,
                        grad, c0, width, false);
            }
        }
    }

    @Override
    void inputGradient(float[] dz, int width, float[] out) {
        float[] part = dropout.scratch(steps * batch * inputDim);
        for (int g = 0; g < gates; g++) {
            kernels.gemmTransB(steps * batch, inputDim, units, dz, g * units, width, kernel.value(), g * units, width,
                    part, 0, inputDim, false);
            dropout.addMaskedInput(g, part, out, steps, g > 0);
        }
    }
}
