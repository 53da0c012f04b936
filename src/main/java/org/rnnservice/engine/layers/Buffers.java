package org.rnnservice.engine.layers;

/** Scratch arrays that grow to the largest batch seen and are then reused, so steady-state training allocates nothing. */
public final class Buffers {

    private Buffers() {
    }

    /** {@code buf} when it holds at least {@code size} values, else a new array of that size. */
    public static float[] atLeast(float[] buf, int size) {
        return buf != null && buf.length >= size ? buf : new float[size];
    }
}
