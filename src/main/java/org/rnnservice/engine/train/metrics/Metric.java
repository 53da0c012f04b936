package org.rnnservice.engine.train.metrics;

import java.util.Locale;
import org.rnnservice.engine.train.losses.Loss;

/**
 * A Keras metric, reported under the name the user asked for. {@code accuracy} becomes the binary, categorical or
 * sparse variant as Keras picks it from the target and output shapes.
 */
public record Metric(String key, Kind kind) {

    /** The computations behind the metric names. */
    public enum Kind { MAE, MSE, RMSE, BINARY_ACCURACY, CATEGORICAL_ACCURACY, SPARSE_CATEGORICAL_ACCURACY }

    /** Resolves a metric name for a model trained with {@code loss} whose output rows are {@code width} wide. */
    public static Metric of(String name, Loss loss, int width) {
        String key = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
        Kind kind = switch (key) {
            case "mae", "mean_absolute_error" -> Kind.MAE;
            case "mse", "mean_squared_error" -> Kind.MSE;
            case "binary_accuracy" -> Kind.BINARY_ACCURACY;
            case "categorical_accuracy" -> Kind.CATEGORICAL_ACCURACY;
            case "sparse_categorical_accuracy" -> Kind.SPARSE_CATEGORICAL_ACCURACY;
            // Keras picks from the shapes: one output is binary, class-index targets sparse, else categorical
            case "accuracy", "acc" -> width == 1 ? Kind.BINARY_ACCURACY
                    : loss.sparse() ? Kind.SPARSE_CATEGORICAL_ACCURACY : Kind.CATEGORICAL_ACCURACY;
            default -> throw new IllegalArgumentException("unknown metric '" + name
                    + "'; expected mae, mse, accuracy, binary_accuracy, categorical_accuracy or "
                    + "sparse_categorical_accuracy");
        };
        if (kind == Kind.SPARSE_CATEGORICAL_ACCURACY != loss.sparse()) {
            throw new IllegalArgumentException("metric '" + name + "' needs "
                    + (loss.sparse() ? "dense targets, but the loss takes class indices" : "class-index targets"));
        }
        return new Metric(key, kind);
    }

    /** The mean absolute error under the key {@code mae}. */
    public static Metric mae() {
        return new Metric("mae", Kind.MAE);
    }

    /** The root mean squared error under the key {@code rmse}, as {@code RootMeanSquaredError(name="rmse")} reports. */
    public static Metric rmse() {
        return new Metric("rmse", Kind.RMSE);
    }

    /**
     * The metric over an epoch from the mean of its per-row values: that mean, or its square root for RMSE (Keras'
     * {@code RootMeanSquaredError} takes the root of the mean over all values, not a mean of roots).
     */
    public double finish(double meanPerRow) {
        return kind == Kind.RMSE ? Math.sqrt(meanPerRow) : meanPerRow;
    }

    /** The sum over {@code rows} output rows of the per-row metric (targets laid out as for the loss). */
    public double sum(float[] pred, float[] target, int rows, int width) {
        return sum(pred, target, rows, width, null);
    }

    /** As {@link #sum(float[], float[], int, int)} over the rows {@code kept} keeps (all when null): Keras' mask. */
    public double sum(float[] pred, float[] target, int rows, int width, boolean[] kept) {
        double total = 0;
        for (int r = 0; r < rows; r++) {
            if (kept != null && !kept[r]) {
                continue;
            }
            int p = r * width;
            switch (kind) {
                case MAE, MSE, RMSE, BINARY_ACCURACY -> {
                    double s = 0;
                    for (int j = 0; j < width; j++) {
                        double e = (double) pred[p + j] - target[p + j];
                        s += switch (kind) {
                            case MAE -> Math.abs(e);
                            case MSE, RMSE -> e * e;
                            default -> (pred[p + j] > 0.5f ? 1f : 0f) == target[p + j] ? 1 : 0;
                        };
                    }
                    total += s / width;
                }
                case CATEGORICAL_ACCURACY -> total += argmax(pred, p, width) == argmax(target, p, width) ? 1 : 0;
                case SPARSE_CATEGORICAL_ACCURACY -> total += argmax(pred, p, width) == (int) target[r] ? 1 : 0;
            }
        }
        return total;
    }

    private static int argmax(float[] v, int off, int n) {
        int best = 0;
        for (int j = 1; j < n; j++) {
            if (v[off + j] > v[off + best]) {
                best = j;
            }
        }
        return best;
    }
}
