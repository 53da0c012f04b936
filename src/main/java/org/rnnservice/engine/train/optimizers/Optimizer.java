package org.rnnservice.engine.train.optimizers;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.rnnservice.engine.layers.Arguments;
import org.rnnservice.engine.layers.Param;

/**
 * Keras' optimizers with their defaults and update rules. Gradients are clipped first, as Keras does:
 * {@code clipnorm} per weight, {@code global_clipnorm} over all of them, or {@code clipvalue} (one of the three at
 * most); then Keras 3's decoupled {@code weight_decay} shrinks each weight by {@code lr * weight_decay} of itself
 * before the update. The learning rate may be a {@link LearningRate} schedule.
 */
public abstract class Optimizer {

    /** Arguments that change how fast the code runs or only name things, never what it computes. */
    private static final Set<String> IGNORED = Set.of("name", "jit_compile", "is_legacy_optimizer", "type");

    /**
     * Keras arguments this engine does not implement, accepted only at the value that means "off" (what Keras' own
     * configs write): anything else is refused rather than ignored.
     */
    private static final Map<String, Object> ONLY_AT_DEFAULT = Map.of("use_ema", false, "ema_momentum", 0.99,
            "ema_overwrite_frequency", "null", "decay", 0.0, "loss_scale_factor", "null");

    private LearningRate schedule;
    /** The learning rate of the current update: the schedule's value at the updates already applied. */
    protected double learningRate;
    private final Double clipnorm;
    private final Double clipvalue;
    private final Double globalClipnorm;
    private final Double weightDecay;
    protected long iterations;
    protected List<float[]> slots;

    /**
     * Reads the arguments every optimizer takes; {@code weightDecayDefault} is Keras' default weight decay (none,
     * except AdamW's 0.004).
     */
    protected Optimizer(Arguments args, double defaultLearningRate, Double weightDecayDefault) {
        this.schedule = LearningRate.of(args.raw("learning_rate"), defaultLearningRate);
        this.learningRate = schedule.at(0);
        this.clipnorm = args.optionalPositive("clipnorm");
        this.clipvalue = args.optionalPositive("clipvalue");
        this.globalClipnorm = args.optionalPositive("global_clipnorm");
        this.weightDecay = args.optionalNonNegative("weight_decay", weightDecayDefault);
        if ((clipnorm != null ? 1 : 0) + (clipvalue != null ? 1 : 0) + (globalClipnorm != null ? 1 : 0) > 1) {
            throw new IllegalArgumentException("only one of clipnorm, clipvalue and global_clipnorm can be set, as in"
                    + " Keras; got clipnorm=" + clipnorm + ", clipvalue=" + clipvalue + ", global_clipnorm="
                    + globalClipnorm);
        }
        ONLY_AT_DEFAULT.forEach((key, off) -> args.onlyAt(key, off));
        args.onlyAt("gradient_accumulation_steps", "null", 1);
    }


    /** Creates an optimizer from its Keras name ({@code adam}, {@code sgd}, {@code rmsprop}, {@code adagrad}). */
    public static Optimizer of(String name, Map<String, Object> args) {
        String key = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
        Arguments a = new Arguments(args, "compile.optimizer", key, IGNORED.toArray(String[]::new));
        Optimizer opt = switch (key) {
            case "adam" -> new Adam(a, false);
            case "adamw" -> new Adam(a, true);
            case "sgd" -> new Sgd(a);
            case "rmsprop" -> new RmsProp(a);
            case "adagrad" -> new Adagrad(a);
            default -> throw new IllegalArgumentException("unknown optimizer '" + name
                    + "'; expected adam, adamw, sgd, rmsprop or adagrad");
        };
        a.rejectUnknown();
        return opt;
    }

    /** Keras' name of this optimizer. */
    public abstract String kerasName();

    /** The arguments with defaults filled in, in Keras' words. */
    public abstract Map<String, Object> config();

    /** Number of state arrays per weight. */
    protected abstract int slotsPerParam();

    /**
     * Applies one update to elements {@code from .. to-1} of {@code value} given {@code grad}; {@code t} counts updates
     * from 1. Each element's update depends on that element alone.
     */
    protected abstract void update(float[] value, float[] grad, int paramIndex, long t, int from, int to);

    /** One training step: clips the gradients, then updates every weight in place. */
    public void step(List<Param> params) {
        begin(params);
        update(params, 0, 1);
    }

    /**
     * The first half of a step, on one thread: clips the gradients and counts the step. {@link #update(List, int,
     * int)} then updates the weights, in parts that threads may share.
     */
    public void begin(List<Param> params) {
        if (slots == null) {
            slots = new ArrayList<>();
            for (Param p : params) {
                for (int s = 0; s < slotsPerParam(); s++) {
                    slots.add(initialSlot(p.size(), s));
                }
            }
        }
        clip(params);
        learningRate = schedule.at(iterations);
        iterations++;
    }

    /** Part {@code part} of {@code parts} of every weight updated, after {@link #begin}: the same bits in any split. */
    public void update(List<Param> params, int part, int parts) {
        for (int i = 0; i < params.size(); i++) {
            float[] w = params.get(i).value();
            int from = (int) ((long) w.length * part / parts);
            int to = (int) ((long) w.length * (part + 1) / parts);
            if (weightDecay != null && weightDecay > 0) {
                float wd = weightDecay.floatValue();
                float lr = (float) learningRate;
                for (int j = from; j < to; j++) {
                    w[j] -= w[j] * wd * lr;
                }
            }
            update(w, params.get(i).grad(), i, iterations, from, to);
        }
    }

    protected float[] initialSlot(int size, int slot) {
        return new float[size];
    }

    protected final float[] slot(int paramIndex, int slot) {
        return slots.get(paramIndex * slotsPerParam() + slot);
    }

    private void clip(List<Param> params) {
        if (clipnorm != null) {
            for (Param p : params) {
                scaleToNorm(p.grad(), Math.sqrt(sumSquares(p.grad())), clipnorm);
            }
        }
        if (globalClipnorm != null) {
            double sq = 0;
            for (Param p : params) {
                sq += sumSquares(p.grad());
            }
            double norm = Math.sqrt(sq);
            for (Param p : params) {
                scaleToNorm(p.grad(), norm, globalClipnorm);
            }
        }
        if (clipvalue != null) {
            float c = clipvalue.floatValue();
            for (Param p : params) {
                float[] g = p.grad();
                for (int i = 0; i < g.length; i++) {
                    g[i] = Math.max(-c, Math.min(c, g[i]));
                }
            }
        }
    }

    private static double sumSquares(float[] g) {
        double s = 0;
        for (float v : g) {
            s += (double) v * v;
        }
        return s;
    }

    private static void scaleToNorm(float[] g, double norm, double limit) {
        if (norm > limit) {
            float scale = (float) (limit / norm);
            for (int i = 0; i < g.length; i++) {
                g[i] *= scale;
            }
        }
    }

    /** Whether the learning rate is a number a callback may change, not a schedule (Keras refuses to set those). */
    public boolean learningRateSettable() {
        return schedule.constant();
    }

    /** The learning rate the next update uses, as the float32 Keras keeps. */
    public double currentLearningRate() {
        return (float) schedule.at(iterations);
    }

    /** Sets a constant learning rate, as assigning Keras' {@code optimizer.learning_rate} does. */
    public void setLearningRate(double value) {
        if (!learningRateSettable()) {
            throw new IllegalStateException("the learning rate is a schedule, which cannot be set");
        }
        schedule = LearningRate.constant((float) value);
    }

    /** The state to checkpoint: update count and slot arrays (copies). */
    public State state() {
        return new State(iterations, slots == null ? List.of() : slots.stream().map(float[]::clone).toList());
    }

    /** Restores a state taken by {@link #state()} from an optimizer of the same kind and model. */
    public void restore(State state) {
        iterations = state.iterations();
        slots = state.slots().isEmpty() ? null : new ArrayList<>(state.slots().stream().map(float[]::clone).toList());
    }

    /** An optimizer's progress: how many steps it took and its per-weight state arrays. */
    public record State(long iterations, List<float[]> slots) {
    }

    protected Map<String, Object> baseConfig() {
        Map<String, Object> c = new java.util.LinkedHashMap<>();
        c.put("type", kerasName());
        c.put("learning_rate", schedule.config());
        if (clipnorm != null) {
            c.put("clipnorm", clipnorm);
        }
        if (clipvalue != null) {
            c.put("clipvalue", clipvalue);
        }
        if (globalClipnorm != null) {
            c.put("global_clipnorm", globalClipnorm);
        }
        if (weightDecay != null) {
            c.put("weight_decay", weightDecay);
        }
        return c;
    }

    /** Optimizer arguments read by Keras name, remembering which were read to reject misspelled ones. */
}
