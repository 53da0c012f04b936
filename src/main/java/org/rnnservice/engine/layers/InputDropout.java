package org.rnnservice.engine.layers;

import java.util.Random;

/** Keras' {@code dropout} of a recurrent layer's input without recurrent dropout: one mask per sequence, every step. */
final class InputDropout {

    private final float rate;
    private float[] mask;    // [B, I]
    private float[] dropped; // [T, B, I]
    private int steps;
    private int rowLen;

    InputDropout(float rate) {
        this.rate = rate;
    }

    /** The input {@code x[T, rowLen]} under a newly drawn mask of {@code rowLen}. */
    float[] apply(float[] x, int steps, int rowLen, Random rng) {
        this.steps = steps;
        this.rowLen = rowLen;
        mask = Buffers.atLeast(mask, rowLen);
        float scale = 1f / (1f - rate);
        for (int i = 0; i < rowLen; i++) {
            mask[i] = rng.nextFloat() < rate ? 0f : scale;
        }
        dropped = Buffers.atLeast(dropped, steps * rowLen);
        for (int t = 0; t < steps; t++) {
            int off = t * rowLen;
            for (int i = 0; i < rowLen; i++) {
                dropped[off + i] = x[off + i] * mask[i];
            }
        }
        return dropped;
    }

    /** The gradient of the dropped input, {@code [T, rowLen]}, in place as that of the input. */
    void maskGradient(float[] dx) {
        for (int t = 0; t < steps; t++) {
            for (int i = 0; i < rowLen; i++) {
                dx[t * rowLen + i] *= mask[i];
            }
        }
    }
}
