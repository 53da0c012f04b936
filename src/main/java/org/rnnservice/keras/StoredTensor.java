package org.rnnservice.keras;

import java.util.Arrays;

/** One weight as a Keras file stores it: its path in the file, its shape and its values, row-major. */
record StoredTensor(String name, int[] shape, float[] values) {

    String shapeText() {
        return shapeText(shape);
    }

    /** A shape as Keras and NumPy print it: {@code (3, 16)}. */
    static String shapeText(int[] shape) {
        return Arrays.toString(shape).replace('[', '(').replace(']', ')');
    }
}
