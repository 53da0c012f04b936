package org.rnnservice.engine.layers;

/**
 * The mean and population variance of values seen batch by batch, per feature of the last axis or over every value:
 * what Keras' {@code Normalization.adapt} computes. Sums are kept in double about the first value seen, so values far
 * from zero keep their variance's digits.
 */
public final class Moments {

    private final int features;
    private final boolean perFeature;
    private final double[] shift;
    private final double[] sum;
    private final double[] squares;
    private long rows;

    /** For rows of {@code features} values; {@code perFeature} false pools them into one statistic. */
    public Moments(int features, boolean perFeature) {
        this.features = features;
        this.perFeature = perFeature;
        int n = perFeature ? features : 1;
        this.shift = new double[n];
        this.sum = new double[n];
        this.squares = new double[n];
    }

    /** Adds {@code count} rows of {@link #features} values starting at {@code data[0]}. */
    public void add(float[] data, int count) {
        if (rows == 0 && count > 0) {
            for (int i = 0; i < shift.length; i++) {
                shift[i] = data[i];
            }
        }
        for (int r = 0; r < count; r++) {
            for (int j = 0; j < features; j++) {
                int i = perFeature ? j : 0;
                double d = data[r * features + j] - shift[i];
                sum[i] += d;
                squares[i] += d * d;
            }
        }
        rows += count;
    }

    /** Values per row. */
    public int features() {
        return features;
    }

    /** Values counted per statistic. */
    private long n() {
        return perFeature ? rows : rows * features;
    }

    public boolean isEmpty() {
        return rows == 0;
    }

    public float[] mean() {
        float[] out = new float[shift.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) (shift[i] + sum[i] / n());
        }
        return out;
    }

    public float[] variance() {
        float[] out = new float[shift.length];
        for (int i = 0; i < out.length; i++) {
            double m = sum[i] / n();
            out[i] = (float) Math.max(0, squares[i] / n() - m * m);
        }
        return out;
    }
}
