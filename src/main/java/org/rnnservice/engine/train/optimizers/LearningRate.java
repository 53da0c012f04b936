package org.rnnservice.engine.train.optimizers;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.rnnservice.engine.layers.Arguments;

/**
 * An optimizer's learning rate: a number, or one of Keras' schedules ({@code ExponentialDecay},
 * {@code PiecewiseConstantDecay}, {@code CosineDecay}) evaluated, as Keras does, at the count of updates already
 * applied (0 for the first).
 */
public final class LearningRate {

    private enum Kind { CONSTANT, EXPONENTIAL_DECAY, PIECEWISE_CONSTANT_DECAY, COSINE_DECAY }

    private final Kind kind;
    private final double initial;
    private final double decaySteps;
    private final double decayRate;
    private final boolean staircase;
    private final double alpha;
    private final double[] boundaries;
    private final double[] values;
    private final Map<String, Object> config;

    private LearningRate(Kind kind, double initial, double decaySteps, double decayRate, boolean staircase,
                         double alpha, double[] boundaries, double[] values, Map<String, Object> config) {
        this.kind = kind;
        this.initial = initial;
        this.decaySteps = decaySteps;
        this.decayRate = decayRate;
        this.staircase = staircase;
        this.alpha = alpha;
        this.boundaries = boundaries;
        this.values = values;
        this.config = config;
    }

    static LearningRate constant(double value) {
        return new LearningRate(Kind.CONSTANT, value, 0, 0, false, 0, null, null, null);
    }

    /** Whether this is a plain number rather than a schedule. */
    boolean constant() {
        return kind == Kind.CONSTANT;
    }

    /**
     * A learning rate as given: a positive number, or a schedule as {@code {"class_name": ..., "config": {...}}}
     * (Keras' serialized form, {@code module} tolerated); a schedule or argument this engine lacks is refused by name.
     */
    public static LearningRate of(Object value, double fallback) {
        if (value == null) {
            return constant(fallback);
        }
        if (value instanceof Number n) {
            if (!(n.doubleValue() > 0) || !Double.isFinite(n.doubleValue())) {
                throw new IllegalArgumentException("learning_rate must be positive, got " + n);
            }
            return constant(n.doubleValue());
        }
        if (!(value instanceof Map<?, ?> m) || !(m.get("class_name") instanceof String cls)) {
            throw new IllegalArgumentException("learning_rate must be a number or a schedule such as {\"class_name\":"
                    + " \"ExponentialDecay\", \"config\": {...}}");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> args = m.get("config") instanceof Map<?, ?> c ? (Map<String, Object>) c : Map.of();
        Map<String, Object> kept = new LinkedHashMap<>(args);
        kept.remove("name");
        Arguments a = new Arguments(kept, "", cls);
        String key = cls.replaceAll("([a-z])([A-Z])", "$1_$2").toLowerCase(Locale.ROOT);
        LearningRate rate = switch (key) {
            case "exponential_decay" -> new LearningRate(Kind.EXPONENTIAL_DECAY, required(a, "initial_learning_rate"),
                    required(a, "decay_steps"), required(a, "decay_rate"), a.bool("staircase", false), 0, null, null,
                    kept);
            case "piecewise_constant_decay" -> {
                double[] b = numbers(a, "boundaries");
                double[] v = numbers(a, "values");
                if (v.length != b.length + 1) {
                    throw new IllegalArgumentException("PiecewiseConstantDecay needs one value more than boundaries, got "
                            + b.length + " boundaries and " + v.length + " values");
                }
                yield new LearningRate(Kind.PIECEWISE_CONSTANT_DECAY, v[0], 0, 0, false, 0, b, v, kept);
            }
            case "cosine_decay" -> {
                if (a.has("warmup_target") || a.number("warmup_steps", 0) != 0) {
                    throw new IllegalArgumentException("CosineDecay's warmup is not supported (only warmup_target"
                            + " null and warmup_steps 0)");
                }
                yield new LearningRate(Kind.COSINE_DECAY, required(a, "initial_learning_rate"),
                        required(a, "decay_steps"), 0, false, a.number("alpha", 0), null, null, kept);
            }
            default -> throw new IllegalArgumentException("unknown learning-rate schedule '" + cls + "'; expected a"
                    + " number, ExponentialDecay, PiecewiseConstantDecay or CosineDecay");
        };
        a.rejectUnknown();
        return rate;
    }

    /** The learning rate for the update that follows {@code step} updates. */
    public double at(long step) {
        return switch (kind) {
            case CONSTANT -> initial;
            case EXPONENTIAL_DECAY -> {
                double p = step / decaySteps;
                yield initial * Math.pow(decayRate, staircase ? Math.floor(p) : p);
            }
            case PIECEWISE_CONSTANT_DECAY -> {
                int i = 0;
                while (i < boundaries.length && step > boundaries[i]) {
                    i++;
                }
                yield values[i];
            }
            case COSINE_DECAY -> {
                double s = Math.min(step, decaySteps);
                double cosine = 0.5 * (1 + Math.cos(Math.PI * s / decaySteps));
                yield initial * ((1 - alpha) * cosine + alpha);
            }
        };
    }

    /** Keras' form: the number, or {@code {"class_name", "config"}} of the schedule. */
    Object config() {
        if (kind == Kind.CONSTANT) {
            return initial;
        }
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("class_name", switch (kind) {
            case EXPONENTIAL_DECAY -> "ExponentialDecay";
            case PIECEWISE_CONSTANT_DECAY -> "PiecewiseConstantDecay";
            default -> "CosineDecay";
        });
        c.put("config", config);
        return c;
    }

    /** A required positive argument of a schedule. */
    private static double required(Arguments a, String key) {
        if (!a.has(key)) {
            throw a.invalid(key, "is required");
        }
        return a.positive(key, 0);
    }

    private static double[] numbers(Arguments a, String key) {
        if (!(a.raw(key) instanceof List<?> list) || list.isEmpty()) {
            throw a.invalid(key, "must be a list of numbers");
        }
        double[] out = new double[list.size()];
        for (int i = 0; i < out.length; i++) {
            if (!(list.get(i) instanceof Number n) || !Double.isFinite(n.doubleValue())) {
                throw a.invalid(key, "must be a list of numbers, got " + list.get(i));
            }
            out[i] = n.doubleValue();
        }
        return out;
    }
}
