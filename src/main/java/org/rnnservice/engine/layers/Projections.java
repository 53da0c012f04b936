package org.rnnservice.engine.layers;

import java.util.Random;
import org.rnnservice.engine.simd.Kernels;

/**
 * The ways a recurrent layer may multiply its input and its state by its kernels, and the choice for each pass: by
 * dropout as Keras draws it (input {@code dropout} alone masks the input once; with {@code recurrent_dropout} every
 * gate gets its own masks of input and state) and by the input (one-hot rows are gathered).
 */
final class Projections {

    private final InputDropout inputDropout;
    private final GateDropout gateDropout;
    private final float dropout;
    private final float recurrentDropout;
    private final int inputDim;
    private final DenseProjection dense;
    private final OneHotProjection oneHot;
    private final GateWiseInputProjection gateWiseInput;
    private final StateProjection packedState;
    private final StateProjection gateWiseState;
    private boolean droppedOut;
    private InputProjection input;
    private StateProjection state;

    Projections(Kernels kernels, Param kernel, Param recurrentKernel, int gates, int units, float dropout,
            float recurrentDropout, RecurrentLayouts layouts) {
        this.inputDim = kernel.shape()[0];
        this.dropout = dropout;
        this.recurrentDropout = recurrentDropout;
        this.inputDropout = new InputDropout(dropout);
        this.gateDropout = new GateDropout(gates, units, inputDim, dropout, recurrentDropout);
        this.dense = new DenseProjection(kernels, kernel, inputDim);
        this.oneHot = new OneHotProjection(kernels, kernel, inputDim);
        this.gateWiseInput = new GateWiseInputProjection(kernels, kernel, inputDim, gateDropout, gates, units);
        this.packedState = new PackedStateProjection(kernels, recurrentKernel, gates, units, layouts);
        this.gateWiseState = new GateWiseStateProjection(kernels, recurrentKernel, gates, units, gateDropout);
    }

    /**
     * Starts a pass over the input {@code x} ({@code [T, B, I]} in processing order) whose states go to {@code h}:
     * draws its dropout masks and chooses its projections. Returns the input the cell reads (dropped out or not).
     */
    float[] start(float[] x, float[] h, int steps, int batch, boolean training, Random rng) {
        boolean gateWise = training && recurrentDropout > 0;
        droppedOut = training && dropout > 0 && !gateWise;
        if (droppedOut) {
            x = inputDropout.apply(x, steps, batch * inputDim, rng);
        }
        if (gateWise) {
            gateDropout.draw(batch, rng);
            if (gateDropout.dropsInputs()) {
                gateDropout.dropInputs(x, steps);
            }
            input = gateDropout.dropsInputs() ? gateWiseInput : dense;
        } else {
            input = oneHot.matches(x, steps * batch) ? oneHot : dense;
        }
        input.start(x, steps, batch);
        state = gateWise ? gateWiseState : packedState;
        state.start(h, steps, batch);
        return x;
    }

    InputProjection input() {
        return input;
    }

    StateProjection state() {
        return state;
    }

    /** The pass's input gradient {@code [T, B, I]}, in place as that of the input before dropout. */
    void undoDropout(float[] dx) {
        if (droppedOut) {
            inputDropout.maskGradient(dx);
        }
    }
}
