package org.rnnservice.engine.train;

import java.util.Locale;

/**
 * Keras' losses with the {@code sum_over_batch_size} reduction: the per-element loss averaged over the last axis,
 * then over samples (and time steps). Sparse targets hold one class index per output row.
 */
public enum Loss {
    MEAN_SQUARED_ERROR, MEAN_ABSOLUTE_ERROR, BINARY_CROSSENTROPY, CATEGORICAL_CROSSENTROPY,
    SPARSE_CATEGORICAL_CROSSENTROPY, HUBER;

    /** Keras' {@code backend.epsilon()}: probabilities are clipped to {@code [EPS, 1 - EPS]}. */
    static final double EPS = 1e-7;
    private static final double HUBER_DELTA = 1.0;

    /** The loss for a Keras name or alias ({@code mse}, {@code mae}). */
    public static Loss of(String name) {
        String key = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
        return switch (key) {
            case "mse", "mean_squared_error" -> MEAN_SQUARED_ERROR;
            case "mae", "mean_absolute_error" -> MEAN_ABSOLUTE_ERROR;
            case "binary_crossentropy" -> BINARY_CROSSENTROPY;
            case "categorical_crossentropy" -> CATEGORICAL_CROSSENTROPY;
            case "sparse_categorical_crossentropy" -> SPARSE_CATEGORICAL_CROSSENTROPY;
            case "huber", "huber_loss" -> HUBER;
            default -> throw new IllegalArgumentException("unknown loss '" + name + "'; expected one of "
                    + "mean_squared_error (mse), mean_absolute_error (mae), binary_crossentropy, "
                    + "categorical_crossentropy, sparse_categorical_crossentropy, huber");
        };
    }

    public String kerasName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Whether targets are class indices, one per output row, rather than values shaped like the output. */
    public boolean sparse() {
        return this == SPARSE_CATEGORICAL_CROSSENTROPY;
    }

    /** Target values per output row of width {@code width}. */
    public int targetWidth(int width) {
        return sparse() ? 1 : width;
    }

    /**
     * The mean loss over {@code rows} output rows of width {@code width}, and when {@code grad} is not null its
     * gradient with respect to the predictions (already divided by the row count, as the mean reduction does).
     */
    public double compute(float[] pred, float[] target, int rows, int width, float[] grad) {
        double total = 0;
        double perRow = 1.0 / rows;
        double perValue = perRow / width;
        for (int r = 0; r < rows; r++) {
            int p = r * width;
            switch (this) {
                case MEAN_SQUARED_ERROR, MEAN_ABSOLUTE_ERROR, HUBER -> {
                    double s = 0;
                    for (int j = 0; j < width; j++) {
                        double e = (double) pred[p + j] - target[p + j];
                        double a = Math.abs(e);
                        s += switch (this) {
                            case MEAN_SQUARED_ERROR -> e * e;
                            case MEAN_ABSOLUTE_ERROR -> a;
                            default -> a <= HUBER_DELTA ? 0.5 * e * e : HUBER_DELTA * a - 0.5 * HUBER_DELTA * HUBER_DELTA;
                        };
                        if (grad != null) {
                            double d = switch (this) {
                                case MEAN_SQUARED_ERROR -> 2 * e;
                                case MEAN_ABSOLUTE_ERROR -> Math.signum(e);
                                default -> a <= HUBER_DELTA ? e : HUBER_DELTA * Math.signum(e);
                            };
                            grad[p + j] = (float) (d * perValue);
                        }
                    }
                    total += s / width;
                }
                case BINARY_CROSSENTROPY -> {
                    double s = 0;
                    for (int j = 0; j < width; j++) {
                        double y = target[p + j];
                        double q = clip(pred[p + j]);
                        s -= y * Math.log(q + EPS) + (1 - y) * Math.log(1 - q + EPS);
                        if (grad != null) {
                            double d = inRange(pred[p + j]) ? -y / (q + EPS) + (1 - y) / (1 - q + EPS) : 0;
                            grad[p + j] = (float) (d * perValue);
                        }
                    }
                    total += s / width;
                }
                case CATEGORICAL_CROSSENTROPY -> {
                    // Keras renormalizes the probabilities before clipping
                    double sum = 0;
                    for (int j = 0; j < width; j++) {
                        sum += pred[p + j];
                    }
                    double s = 0;
                    double gradSum = 0;
                    for (int j = 0; j < width; j++) {
                        double q = pred[p + j] / sum;
                        s -= target[p + j] * Math.log(clip(q));
                        if (grad != null) {
                            double d = inRange(q) ? -target[p + j] / q : 0;
                            grad[p + j] = (float) d;
                            gradSum += d * q;
                        }
                    }
                    if (grad != null) {
                        // chain rule through q_j = p_j / sum: dL/dp_j = (dL/dq_j - sum_k dL/dq_k q_k) / sum
                        for (int j = 0; j < width; j++) {
                            grad[p + j] = (float) ((grad[p + j] - gradSum) / sum * perRow);
                        }
                    }
                    total += s;
                }
                case SPARSE_CATEGORICAL_CROSSENTROPY -> {
                    int label = (int) target[r];
                    if (label < 0 || label >= width || label != target[r]) {
                        throw new IllegalArgumentException("label " + target[r] + " is not a class index in [0, "
                                + width + ")");
                    }
                    double q = pred[p + label];
                    total -= Math.log(clip(q));
                    if (grad != null) {
                        java.util.Arrays.fill(grad, p, p + width, 0f);
                        grad[p + label] = (float) (inRange(q) ? -perRow / q : 0);
                    }
                }
            }
        }
        return total * perRow;
    }

    private static double clip(double q) {
        return Math.min(Math.max(q, EPS), 1 - EPS);
    }

    private static boolean inRange(double q) {
        return q >= EPS && q <= 1 - EPS;
    }
}
