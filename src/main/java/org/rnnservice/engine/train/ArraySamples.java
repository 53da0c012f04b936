package org.rnnservice.engine.train;

/** {@link Samples} backed by flat float arrays: inputs, targets and, optionally, a weight per sample. */
record ArraySamples(float[] x, float[] y, int count, int steps, int features, int targetSize, float[] weights)
        implements Samples {

    ArraySamples {
        int perSample = Math.max(steps, 1) * features;
        if ((long) perSample * count != x.length) {
            throw new IllegalArgumentException("x holds " + x.length + " values, expected " + count + " x " + perSample);
        }
        if ((long) targetSize * count != y.length) {
            throw new IllegalArgumentException("y holds " + y.length + " values, expected " + count + " x " + targetSize);
        }
        if (weights != null && weights.length != count) {
            throw new IllegalArgumentException("sample weights hold " + weights.length + " values, expected " + count);
        }
    }

    @Override
    public boolean weighted() {
        return weights != null;
    }

    @Override
    public void sampleWeights(int[] order, int from, int n, float[] dst) {
        for (int i = 0; i < n; i++) {
            dst[i] = weights[order[from + i]];
        }
    }

    @Override
    public void inputs(int[] order, int from, int n, float[] dst) {
        int size = Math.max(steps, 1) * features;
        for (int i = 0; i < n; i++) {
            System.arraycopy(x, order[from + i] * size, dst, i * size, size);
        }
    }

    @Override
    public void targets(int[] order, int from, int n, float[] dst) {
        for (int i = 0; i < n; i++) {
            System.arraycopy(y, order[from + i] * targetSize, dst, i * targetSize, targetSize);
        }
    }
}
