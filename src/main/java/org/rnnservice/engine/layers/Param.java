package org.rnnservice.engine.layers;

import java.util.Arrays;

/** One trainable weight in Keras layout, with a gradient buffer of the same size once training needs one. */
public final class Param {

    private final String name;
    private final int[] shape;
    private float[] value;
    private float[] grad;

    /** A zero-filled weight named like Keras' {@code layer/kernel}. */
    public Param(String name, int... shape) {
        this.name = name;
        this.shape = shape.clone();
        int size = 1;
        for (int d : shape) {
            size = Math.multiplyExact(size, d);
        }
        this.value = new float[size];
    }

    /**
     * Makes this weight read and write {@code source}'s values from now on, keeping its own gradient: a replica that
     * trains on another part of each batch sees every update of the original.
     */
    public void shareValuesOf(Param source) {
        if (!Arrays.equals(shape, source.shape)) {
            throw new IllegalArgumentException(name + " of shape " + Arrays.toString(shape) + " cannot share "
                    + source.name + " of shape " + Arrays.toString(source.shape));
        }
        value = source.value;
    }

    public String name() {
        return name;
    }

    public int[] shape() {
        return shape.clone();
    }

    public int size() {
        return value.length;
    }

    /** The live values; layers and optimizers update them in place. */
    public float[] value() {
        return value;
    }

    /**
     * The gradient of the last backward pass. Allocated on first use, so that a model that only predicts holds its
     * weights and not a second copy of their size.
     */
    public float[] grad() {
        if (grad == null) {
            grad = new float[value.length];
        }
        return grad;
    }

    /** Replaces the values, checking the size. */
    public void set(float[] values) {
        if (values.length != value.length) {
            throw new IllegalArgumentException(name + " expects " + value.length + " values for shape "
                    + Arrays.toString(shape) + ", got " + values.length);
        }
        System.arraycopy(values, 0, value, 0, value.length);
    }
}
