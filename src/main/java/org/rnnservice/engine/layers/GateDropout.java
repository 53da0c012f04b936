package org.rnnservice.engine.layers;

import java.util.Random;

/**
 * Keras' {@code recurrent_dropout}, with the layer's {@code dropout} beside it, as Keras draws them once recurrent
 * dropout is on (its implementation 1): for each sequence of a training batch, one mask per gate over the state that
 * enters the recurrent product and one per gate over the input. Holds the masks and each gate's dropped copies of
 * inputs and states, which the weight gradients read.
 */
final class GateDropout {

    private final int gates;
    private final int units;
    private final int inputDim;
    private final float inputRate;
    private final float recurrentRate;
    private int batch;
    private float[][] inputMasks;     // per gate [B, I]; null when dropout is 0
    private float[][] stateMasks;     // per gate [B, u]
    private final float[][] inputs;   // per gate [T, B, I]: the dropped inputs
    private final float[][] states;   // per gate [T, B, u]: at step t, the dropped h_{t-1}
    private float[] scratch;

    GateDropout(int gates, int units, int inputDim, float inputRate, float recurrentRate) {
        this.gates = gates;
        this.units = units;
        this.inputDim = inputDim;
        this.inputRate = inputRate;
        this.recurrentRate = recurrentRate;
        this.inputs = new float[gates][];
        this.states = new float[gates][];
    }

    /** Whether the input is dropped per gate (dropout above 0), else it enters every gate as it is. */
    boolean dropsInputs() {
        return inputRate > 0;
    }

    /** Draws this batch's masks: the input's gate by gate, then the state's. */
    void draw(int batch, Random rng) {
        this.batch = batch;
        inputMasks = inputRate > 0 ? masks(batch * inputDim, inputRate, rng) : null;
        stateMasks = masks(batch * units, recurrentRate, rng);
    }

    private float[][] masks(int size, float rate, Random rng) {
        float[][] m = new float[gates][size];
        float scale = 1f / (1f - rate);
        for (float[] gate : m) {
            for (int i = 0; i < size; i++) {
                gate[i] = rng.nextFloat() < rate ? 0f : scale;
            }
        }
        return m;
    }

    /** Each gate's dropped copy of the input {@code x[T, B, I]}. */
    void dropInputs(float[] x, int steps) {
        int rowLen = batch * inputDim;
        for (int g = 0; g < gates; g++) {
            inputs[g] = Buffers.atLeast(inputs[g], steps * rowLen);
            multiplySteps(x, inputMasks[g], inputs[g], steps, rowLen);
        }
    }

    /** Gate {@code g}'s dropped input. */
    float[] input(int g) {
        return inputs[g];
    }

    /** Stores gate {@code g}'s dropped copy of the state {@code h_{t-1}} at {@code h[prevOff]} as that of step t. */
    float[] dropState(int g, float[] h, int prevOff, int t, int steps) {
        int stepLen = batch * units;
        states[g] = Buffers.atLeast(states[g], steps * stepLen);
        float[] m = stateMasks[g];
        float[] d = states[g];
        int at = t * stepLen;
        for (int i = 0; i < stepLen; i++) {
            d[at + i] = h[prevOff + i] * m[i];
        }
        return d;
    }

    /** Gate {@code g}'s dropped states, the one entering step t at {@code t * batch * units}. */
    float[] states(int g) {
        return states[g];
    }

    /** {@code out[B, n] (+)= v[B, n] * mask} for gate {@code g}'s state mask (n = units). */
    void addMaskedState(int g, float[] v, float[] out, boolean accumulate) {
        float[] m = stateMasks[g];
        for (int i = 0; i < batch * units; i++) {
            out[i] = (accumulate ? out[i] : 0f) + v[i] * m[i];
        }
    }

    /** {@code out[T, B, I] (+)= v * mask} for gate {@code g}'s input mask. */
    void addMaskedInput(int g, float[] v, float[] out, int steps, boolean accumulate) {
        float[] m = inputMasks[g];
        int rowLen = batch * inputDim;
        for (int t = 0; t < steps; t++) {
            int off = t * rowLen;
            for (int i = 0; i < rowLen; i++) {
                out[off + i] = (accumulate ? out[off + i] : 0f) + v[off + i] * m[i];
            }
        }
    }

    /** A buffer of at least {@code size} floats for one gate's product before it is masked. */
    float[] scratch(int size) {
        scratch = Buffers.atLeast(scratch, size);
        return scratch;
    }

    private static void multiplySteps(float[] x, float[] mask, float[] out, int steps, int rowLen) {
        for (int t = 0; t < steps; t++) {
            int off = t * rowLen;
            for (int i = 0; i < rowLen; i++) {
                out[off + i] = x[off + i] * mask[i];
            }
        }
    }
}
