package org.rnnservice.engine.layers;

import java.util.Locale;
import org.rnnservice.engine.simd.Kernels;

/**
 * Keras' activation functions by their Keras names. {@link #apply} maps pre-activations to outputs over rows of width
 * {@code n}; {@link #backward} turns the gradient with respect to the outputs into the gradient with respect to the
 * pre-activations, given both.
 */
public enum Activation {
    LINEAR, RELU, TANH, SIGMOID, SOFTMAX, HARD_SIGMOID, HARD_SIGMOID_KERAS2, ELU, SELU, SOFTPLUS, SOFTSIGN, SWISH, GELU,
    EXPONENTIAL;

    private static final double SELU_ALPHA = 1.6732632423543772848170429916717;
    private static final double SELU_SCALE = 1.0507009873554804934193349852946;

    /** The activation for a Keras name ({@code "tanh"}, {@code "hard_sigmoid"}, ...); {@code null} means linear. */
    public static Activation of(String kerasName) {
        if (kerasName == null) {
            return LINEAR;
        }
        String key = kerasName.trim().toLowerCase(Locale.ROOT);
        if (key.equals("silu")) {
            return SWISH;
        }
        for (Activation a : values()) {
            if (a.kerasName().equals(key)) {
                return a;
            }
        }
        throw new IllegalArgumentException("unknown activation '" + kerasName + "'; expected one of "
                + java.util.Arrays.stream(values()).map(Activation::kerasName).toList());
    }

    /** The name Keras uses for this activation. */
    public String kerasName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** {@code out = f(z)} over {@code rows} rows of {@code n} values (softmax normalizes each row). */
    public void apply(Kernels k, float[] z, int zOff, float[] out, int outOff, int rows, int n) {
        int len = rows * n;
        switch (this) {
            case TANH -> k.tanh(z, zOff, out, outOff, len);
            case SIGMOID -> k.sigmoid(z, zOff, out, outOff, len);
            case LINEAR -> {
                if (z != out || zOff != outOff) {
                    System.arraycopy(z, zOff, out, outOff, len);
                }
            }
            case SOFTMAX -> {
                for (int r = 0; r < rows; r++) {
                    softmaxRow(z, zOff + r * n, out, outOff + r * n, n);
                }
            }
            default -> {
                for (int i = 0; i < len; i++) {
                    out[outOff + i] = (float) scalar(z[zOff + i]);
                }
            }
        }
    }

    private static void softmaxRow(float[] z, int zOff, float[] out, int outOff, int n) {
        float max = Float.NEGATIVE_INFINITY;
        for (int j = 0; j < n; j++) {
            max = Math.max(max, z[zOff + j]);
        }
        double sum = 0;
        for (int j = 0; j < n; j++) {
            float e = (float) Math.exp(z[zOff + j] - max);
            out[outOff + j] = e;
            sum += e;
        }
        float inv = (float) (1.0 / sum);
        for (int j = 0; j < n; j++) {
            out[outOff + j] *= inv;
        }
    }

    /** f(x) in double precision, for the elementwise activations (not softmax). */
    public double scalar(double x) {
        return switch (this) {
            case LINEAR -> x;
            case RELU -> Math.max(0, x);
            case TANH -> Math.tanh(x);
            case SIGMOID -> 1.0 / (1.0 + Math.exp(-x));
            // Keras 3's relu6(x + 3) / 6; Keras 2 (and tf.keras 2.x) had the steeper 0.2 x + 0.5
            case HARD_SIGMOID -> Math.max(0, Math.min(1, x / 6 + 0.5));
            case HARD_SIGMOID_KERAS2 -> Math.max(0, Math.min(1, 0.2 * x + 0.5));
            case ELU -> x > 0 ? x : Math.expm1(x);
            case SELU -> SELU_SCALE * (x > 0 ? x : SELU_ALPHA * Math.expm1(x));
            case SOFTPLUS -> x > 30 ? x : Math.log1p(Math.exp(x));
            case SOFTSIGN -> x / (1 + Math.abs(x));
            case SWISH -> x / (1.0 + Math.exp(-x));
            // Keras' default gelu is the exact (erf) form, not the tanh approximation
            case GELU -> 0.5 * x * (1 + erf(x / Math.sqrt(2)));
            case EXPONENTIAL -> Math.exp(x);
            case SOFTMAX -> throw new IllegalStateException("softmax is not elementwise");
        };
    }

    /** f'(x) given the pre-activation {@code x} and the output {@code y = f(x)}. */
    public double derivative(double x, double y) {
        return switch (this) {
            case LINEAR -> 1;
            case RELU -> x > 0 ? 1 : 0;
            case TANH -> 1 - y * y;
            case SIGMOID -> y * (1 - y);
            case HARD_SIGMOID -> (x > -3 && x < 3) ? 1.0 / 6 : 0;
            case HARD_SIGMOID_KERAS2 -> (x > -2.5 && x < 2.5) ? 0.2 : 0;
            case ELU -> x > 0 ? 1 : y + 1;
            case SELU -> x > 0 ? SELU_SCALE : y + SELU_SCALE * SELU_ALPHA;
            case SOFTPLUS -> 1.0 / (1.0 + Math.exp(-x));
            case SOFTSIGN -> 1.0 / ((1 + Math.abs(x)) * (1 + Math.abs(x)));
            case SWISH -> {
                double s = 1.0 / (1.0 + Math.exp(-x));
                yield s + x * s * (1 - s);
            }
            case GELU -> 0.5 * (1 + erf(x / Math.sqrt(2))) + x * Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI);
            case EXPONENTIAL -> y;
            case SOFTMAX -> throw new IllegalStateException("softmax is not elementwise");
        };
    }

    /**
     * {@code dz = f'(z) * dy} over {@code rows} rows of {@code n}; for softmax the row-wise Jacobian product
     * {@code dz = y * (dy - sum(dy * y))}. {@code dz} may alias {@code dy}.
     */
    public void backward(float[] z, int zOff, float[] y, int yOff, float[] dy, int dyOff, float[] dz, int dzOff,
                         int rows, int n) {
        int len = rows * n;
        switch (this) {
            case LINEAR -> {
                if (dy != dz || dyOff != dzOff) {
                    System.arraycopy(dy, dyOff, dz, dzOff, len);
                }
            }
            case TANH -> {
                for (int i = 0; i < len; i++) {
                    float v = y[yOff + i];
                    dz[dzOff + i] = dy[dyOff + i] * (1f - v * v);
                }
            }
            case SIGMOID -> {
                for (int i = 0; i < len; i++) {
                    float v = y[yOff + i];
                    dz[dzOff + i] = dy[dyOff + i] * v * (1f - v);
                }
            }
            case SOFTMAX -> {
                for (int r = 0; r < rows; r++) {
                    int yr = yOff + r * n, dyr = dyOff + r * n, dzr = dzOff + r * n;
                    double dot = 0;
                    for (int j = 0; j < n; j++) {
                        dot += (double) dy[dyr + j] * y[yr + j];
                    }
                    for (int j = 0; j < n; j++) {
                        dz[dzr + j] = (float) (y[yr + j] * (dy[dyr + j] - dot));
                    }
                }
            }
            default -> {
                for (int i = 0; i < len; i++) {
                    dz[dzOff + i] = (float) (dy[dyOff + i] * derivative(z[zOff + i], y[yOff + i]));
                }
            }
        }
    }

    /** Abramowitz-Stegun 7.1.26 is too coarse for gradient checks; this Chebyshev fit (Numerical Recipes) is ~1.2e-7. */
    private static double erf(double x) {
        double z = Math.abs(x);
        double t = 1 / (1 + 0.5 * z);
        double r = t * Math.exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418
                + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587
                + t * (-0.82215223 + t * 0.17087277)))))))));
        return x >= 0 ? 1 - r : r - 1;
    }
}
