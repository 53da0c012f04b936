package org.rnnservice.engine.layers;

/** Scratch arrays that grow to the largest batch seen and are then reused, so steady-state training allocates nothing. */
public final class Buffers {

    private Buffers() {
    }

    /** {@code buf} when it holds at least {@code size} values, else a new array of that size. */
    public static float[] atLeast(float[] buf, int size) {
        return buf != null && buf.length >= size ? buf : new float[size];
    }

    /** Copies {@code steps} blocks of {@code stepLen} values from {@code src} into {@code dst} in reverse order. */
    public static void reverseSteps(float[] src, int steps, int stepLen, float[] dst) {
        for (int t = 0; t < steps; t++) {
            System.arraycopy(src, t * stepLen, dst, (steps - 1 - t) * stepLen, stepLen);
        }
    }
}
