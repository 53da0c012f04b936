package org.rnnservice.engine.layers;

import java.util.Locale;
import java.util.Random;

/** Keras' weight initializers by name, filling a 2-D {@code (rows, cols)} weight (a 1-D weight is one row). */
public enum Initializer {
    ZEROS, ONES, GLOROT_UNIFORM, GLOROT_NORMAL, HE_UNIFORM, HE_NORMAL, LECUN_UNIFORM, LECUN_NORMAL, ORTHOGONAL,
    RANDOM_UNIFORM, RANDOM_NORMAL, TRUNCATED_NORMAL;

    /** Keras scales truncated normals by this so the truncated distribution keeps the intended variance. */
    private static final double TRUNCATION_STDDEV_FIX = 0.87962566103423978;

    /** The initializer for a Keras name such as {@code "glorot_uniform"}. */
    public static Initializer of(String kerasName) {
        String key = kerasName.trim().toLowerCase(Locale.ROOT);
        for (Initializer i : values()) {
            if (i.kerasName().equals(key)) {
                return i;
            }
        }
        throw new IllegalArgumentException("unknown initializer '" + kerasName + "'; expected one of "
                + java.util.Arrays.stream(values()).map(Initializer::kerasName).toList());
    }

    /** The name Keras uses. */
    public String kerasName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Fills {@code out[off, off + rows*cols)} as a row-major {@code (rows, cols)} weight. */
    public void fill(float[] out, int off, int rows, int cols, Random rng) {
        int n = rows * cols;
        switch (this) {
            case ZEROS -> java.util.Arrays.fill(out, off, off + n, 0f);
            case ONES -> java.util.Arrays.fill(out, off, off + n, 1f);
            case GLOROT_UNIFORM -> uniform(out, off, n, Math.sqrt(6.0 / (rows + cols)), rng);
            case HE_UNIFORM -> uniform(out, off, n, Math.sqrt(6.0 / rows), rng);
            case LECUN_UNIFORM -> uniform(out, off, n, Math.sqrt(3.0 / rows), rng);
            case GLOROT_NORMAL -> truncated(out, off, n, Math.sqrt(2.0 / (rows + cols)) / TRUNCATION_STDDEV_FIX, rng);
            case HE_NORMAL -> truncated(out, off, n, Math.sqrt(2.0 / rows) / TRUNCATION_STDDEV_FIX, rng);
            case LECUN_NORMAL -> truncated(out, off, n, Math.sqrt(1.0 / rows) / TRUNCATION_STDDEV_FIX, rng);
            case RANDOM_UNIFORM -> uniform(out, off, n, 0.05, rng);
            case RANDOM_NORMAL -> {
                for (int i = 0; i < n; i++) {
                    out[off + i] = (float) (0.05 * rng.nextGaussian());
                }
            }
            case TRUNCATED_NORMAL -> truncated(out, off, n, 0.05, rng);
            case ORTHOGONAL -> orthogonal(out, off, rows, cols, rng);
        }
    }

    private static void uniform(float[] out, int off, int n, double limit, Random rng) {
        for (int i = 0; i < n; i++) {
            out[off + i] = (float) ((rng.nextDouble() * 2 - 1) * limit);
        }
    }

    /** Normal draws beyond two standard deviations are redrawn, as TensorFlow's truncated_normal does. */
    private static void truncated(float[] out, int off, int n, double stddev, Random rng) {
        for (int i = 0; i < n; i++) {
            double g;
            do {
                g = rng.nextGaussian();
            } while (Math.abs(g) > 2);
            out[off + i] = (float) (g * stddev);
        }
    }

    /**
     * Keras' orthogonal: QR of a {@code (max, min)} normal matrix, Q's columns sign-fixed by R's diagonal, transposed
     * when the weight is wider than tall. Gram-Schmidt yields R with a positive diagonal, so no sign fix is needed.
     */
    private static void orthogonal(float[] out, int off, int rows, int cols, Random rng) {
        int tall = Math.max(rows, cols);
        int narrow = Math.min(rows, cols);
        double[][] q = new double[narrow][tall]; // column vectors of the (tall, narrow) matrix
        for (int i = 0; i < tall; i++) {
            for (int j = 0; j < narrow; j++) {
                q[j][i] = rng.nextGaussian();
            }
        }
        for (int j = 0; j < narrow; j++) {
            for (int prev = 0; prev < j; prev++) {
                double dot = 0;
                for (int i = 0; i < tall; i++) {
                    dot += q[j][i] * q[prev][i];
                }
                for (int i = 0; i < tall; i++) {
                    q[j][i] -= dot * q[prev][i];
                }
            }
            double norm = 0;
            for (int i = 0; i < tall; i++) {
                norm += q[j][i] * q[j][i];
            }
            norm = Math.sqrt(norm);
            for (int i = 0; i < tall; i++) {
                q[j][i] /= norm;
            }
        }
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                // rows >= cols: element (r, c) is Q[r][c]; otherwise the transpose, Q[c][r]
                out[off + r * cols + c] = (float) (rows >= cols ? q[c][r] : q[r][c]);
            }
        }
    }
}
