package org.rnnservice.engine.train.losses;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.rnnservice.engine.layers.Arguments;

/**
 * A Keras loss with its arguments and the {@code sum_over_batch_size} reduction: the per-element loss averaged over
 * the last axis, then over samples (and time steps). Sparse targets hold one class index per output row. The
 * cross-entropies take {@code from_logits} (computed stably from the logits, as TensorFlow's fused ops do) and,
 * except the sparse one, {@code label_smoothing}; Huber takes {@code delta}.
 */
public final class Loss {

    /** The loss functions. */
    private enum Kind {
        MEAN_SQUARED_ERROR, MEAN_ABSOLUTE_ERROR, BINARY_CROSSENTROPY, CATEGORICAL_CROSSENTROPY,
        SPARSE_CATEGORICAL_CROSSENTROPY, HUBER;

        /** The arguments this loss takes besides Keras' bookkeeping ones. */
        List<String> arguments() {
            return switch (this) {
                case BINARY_CROSSENTROPY, CATEGORICAL_CROSSENTROPY -> List.of("from_logits", "label_smoothing");
                case SPARSE_CATEGORICAL_CROSSENTROPY -> List.of("from_logits", "ignore_class");
                case HUBER -> List.of("delta");
                default -> List.of();
            };
        }
    }

    /** Keras' {@code backend.epsilon()}: probabilities are clipped to {@code [EPS, 1 - EPS]}. */
    static final double EPS = 1e-7;
    /** Arguments Keras writes that change nothing here at these values. */
    private static final Map<String, Object> BOOKKEEPING = Map.of("reduction", "sum_over_batch_size", "axis", -1);

    private final Kind kind;
    private final boolean fromLogits;
    private final double labelSmoothing;
    private final double delta;
    private final Map<String, Object> args;

    private Loss(Kind kind, Map<String, Object> args) {
        this.kind = kind;
        this.args = args;
        Arguments a = new Arguments(args, "", kind.name().toLowerCase(Locale.ROOT));
        this.fromLogits = a.bool("from_logits", false);
        this.labelSmoothing = a.number("label_smoothing", 0);
        this.delta = a.number("delta", 1.0);
        if (!(labelSmoothing >= 0 && labelSmoothing <= 1)) {
            throw new IllegalArgumentException("label_smoothing must be in [0, 1], got " + labelSmoothing);
        }
        if (!(delta > 0)) {
            throw new IllegalArgumentException("delta must be positive, got " + delta);
        }
        if (args.get("ignore_class") != null) {
            throw new IllegalArgumentException("ignore_class is not supported (only null)");
        }
    }

    /** The loss for a Keras name or alias ({@code mse}, {@code mae}) with Keras' default arguments. */
    public static Loss of(String name) {
        return of(name, Map.of());
    }

    /** The loss for a Keras name and its arguments; an argument it does not take is refused by name. */
    public static Loss of(String name, Map<String, ?> arguments) {
        Kind kind = kind(name);
        Arguments a = new Arguments(arguments, "", kind.name().toLowerCase(Locale.ROOT), "name");
        a.onlyAt("dtype", "float32");
        BOOKKEEPING.forEach((key, off) -> a.onlyAt(key, off, "auto", -1));
        Map<String, Object> args = new LinkedHashMap<>();
        for (String key : kind.arguments()) {
            if (a.has(key)) {
                args.put(key, a.raw(key));
            }
        }
        a.rejectUnknown();
        return new Loss(kind, args);
    }

    private static Kind kind(String name) {
        String key = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
        return switch (key) {
            case "mse", "mean_squared_error" -> Kind.MEAN_SQUARED_ERROR;
            case "mae", "mean_absolute_error" -> Kind.MEAN_ABSOLUTE_ERROR;
            case "binary_crossentropy" -> Kind.BINARY_CROSSENTROPY;
            case "categorical_crossentropy" -> Kind.CATEGORICAL_CROSSENTROPY;
            case "sparse_categorical_crossentropy" -> Kind.SPARSE_CATEGORICAL_CROSSENTROPY;
            case "huber", "huber_loss" -> Kind.HUBER;
            default -> throw new IllegalArgumentException(org.rnnservice.engine.layers.UnknownName.message("loss",
                    name, List.of("mean_squared_error", "mse", "mean_absolute_error", "mae", "binary_crossentropy",
                            "categorical_crossentropy", "sparse_categorical_crossentropy", "huber")));
        };
    }

    public String kerasName() {
        return kind.name().toLowerCase(Locale.ROOT);
    }

    /** Keras' form: the name alone with default arguments, else {@code {"type": name, arguments...}}. */
    public Object config() {
        if (args.isEmpty()) {
            return kerasName();
        }
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("type", kerasName());
        c.putAll(args);
        return c;
    }

    /** Whether targets are class indices, one per output row, rather than values shaped like the output. */
    public boolean sparse() {
        return kind == Kind.SPARSE_CATEGORICAL_CROSSENTROPY;
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
        return compute(pred, target, rows, width, grad, null);
    }

    /**
     * As {@link #compute(float[], float[], int, int, float[])} with a weight per output row (null for none), as
     * Keras' {@code sample_weight}: each row's loss and gradient scaled by its weight, the sum still divided by the
     * row count ({@code sum_over_batch_size}).
     */
    public double compute(float[] pred, float[] target, int rows, int width, float[] grad, float[] rowWeights) {
        double total = 0;
        double perRow = 1.0 / rows;
        double perValue = perRow / width;
        for (int r = 0; r < rows; r++) {
            int p = r * width;
            double row = switch (kind) {
                case MEAN_SQUARED_ERROR, MEAN_ABSOLUTE_ERROR, HUBER -> {
                    double s = 0;
                    for (int j = 0; j < width; j++) {
                        double e = (double) pred[p + j] - target[p + j];
                        double a = Math.abs(e);
                        s += switch (kind) {
                            case MEAN_SQUARED_ERROR -> e * e;
                            case MEAN_ABSOLUTE_ERROR -> a;
                            default -> a <= delta ? 0.5 * e * e : delta * a - 0.5 * delta * delta;
                        };
                        if (grad != null) {
                            double d = switch (kind) {
                                case MEAN_SQUARED_ERROR -> 2 * e;
                                case MEAN_ABSOLUTE_ERROR -> Math.signum(e);
                                default -> a <= delta ? e : delta * Math.signum(e);
                            };
                            grad[p + j] = (float) (d * perValue);
                        }
                    }
                    yield s / width;
                }
                case BINARY_CROSSENTROPY -> binary(pred, target, p, width, grad, perValue) / width;
                case CATEGORICAL_CROSSENTROPY -> fromLogits
                        ? softmaxCrossEntropy(pred, p, width, i -> smoothed(target[p + i], width), grad, perRow)
                        : categorical(pred, target, p, width, grad, perRow);
                case SPARSE_CATEGORICAL_CROSSENTROPY -> {
                    int label = (int) target[r];
                    if (label < 0 || label >= width || label != target[r]) {
                        throw new IllegalArgumentException("label " + target[r] + " is not a class index in [0, "
                                + width + ")");
                    }
                    if (fromLogits) {
                        yield softmaxCrossEntropy(pred, p, width, i -> i == label ? 1 : 0, grad, perRow);
                    }
                    double q = pred[p + label];
                    if (grad != null) {
                        java.util.Arrays.fill(grad, p, p + width, 0f);
                        grad[p + label] = (float) (inRange(q) ? -perRow / q : 0);
                    }
                    yield -Math.log(clip(q));
                }
            };
            float w = rowWeights == null ? 1f : rowWeights[r];
            total += w * row;
            if (w != 1f && grad != null) {
                for (int j = 0; j < width; j++) {
                    grad[p + j] *= w;
                }
            }
        }
        return total * perRow;
    }

    /**
     * The class of each target row as Keras reads it for {@code class_weight}: the index for sparse targets, the
     * argmax of a one-hot row, or the rounded value of a single output.
     */
    public int targetClass(float[] target, int row, int width) {
        if (sparse()) {
            return (int) target[row];
        }
        if (width == 1) {
            return (int) Math.rint(target[row]);
        }
        int p = row * width;
        int best = 0;
        for (int j = 1; j < width; j++) {
            if (target[p + j] > target[p + best]) {
                best = j;
            }
        }
        return best;
    }

    /** Keras' label smoothing of a one-hot target: towards 1/width for the categorical loss, 1/2 for the binary. */
    private double smoothed(double y, int classes) {
        return labelSmoothing == 0 ? y : y * (1 - labelSmoothing) + labelSmoothing / classes;
    }

    private double binary(float[] pred, float[] target, int p, int width, float[] grad, double perValue) {
        double s = 0;
        for (int j = 0; j < width; j++) {
            double y = smoothed(target[p + j], 2);
            if (fromLogits) {
                // TensorFlow's sigmoid_cross_entropy_with_logits: max(x, 0) - x y + log(1 + exp(-|x|))
                double x = pred[p + j];
                s += Math.max(x, 0) - x * y + Math.log1p(Math.exp(-Math.abs(x)));
                if (grad != null) {
                    grad[p + j] = (float) ((1.0 / (1.0 + Math.exp(-x)) - y) * perValue);
                }
            } else {
                double q = clip(pred[p + j]);
                s -= y * Math.log(q + EPS) + (1 - y) * Math.log(1 - q + EPS);
                if (grad != null) {
                    double d = inRange(pred[p + j]) ? -y / (q + EPS) + (1 - y) / (1 - q + EPS) : 0;
                    grad[p + j] = (float) (d * perValue);
                }
            }
        }
        return s;
    }

    private double categorical(float[] pred, float[] target, int p, int width, float[] grad, double perRow) {
        // Keras renormalizes the probabilities before clipping
        double sum = 0;
        for (int j = 0; j < width; j++) {
            sum += pred[p + j];
        }
        double s = 0;
        double gradSum = 0;
        for (int j = 0; j < width; j++) {
            double y = smoothed(target[p + j], width);
            double q = pred[p + j] / sum;
            s -= y * Math.log(clip(q));
            if (grad != null) {
                double d = inRange(q) ? -y / q : 0;
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
        return s;
    }

    /** {@code -sum_j y_j log softmax(x)_j} with the log-sum-exp shifted by the row's maximum. */
    private static double softmaxCrossEntropy(float[] logits, int p, int width,
                                              java.util.function.IntToDoubleFunction y, float[] grad, double perRow) {
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < width; j++) {
            max = Math.max(max, logits[p + j]);
        }
        double sumExp = 0;
        for (int j = 0; j < width; j++) {
            sumExp += Math.exp(logits[p + j] - max);
        }
        double logSumExp = max + Math.log(sumExp);
        double s = 0;
        double ySum = 0;
        for (int j = 0; j < width; j++) {
            double yj = y.applyAsDouble(j);
            s -= yj * (logits[p + j] - logSumExp);
            ySum += yj;
        }
        if (grad != null) {
            for (int j = 0; j < width; j++) {
                double softmax = Math.exp(logits[p + j] - logSumExp);
                grad[p + j] = (float) ((softmax * ySum - y.applyAsDouble(j)) * perRow);
            }
        }
        return s;
    }

    private static double clip(double q) {
        return Math.min(Math.max(q, EPS), 1 - EPS);
    }

    private static boolean inRange(double q) {
        return q >= EPS && q <= 1 - EPS;
    }
}
