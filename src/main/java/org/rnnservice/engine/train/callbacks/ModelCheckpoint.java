package org.rnnservice.engine.train.callbacks;

import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Keras' {@code ModelCheckpoint} with {@code save_best_only}: the weights of each epoch whose {@code monitor} beats the
 * best so far (and {@code initial_value_threshold}, when given) are kept, and at the end of training they become the
 * model's weights: the service publishes the best epoch, as loading the checkpoint file would in Keras.
 */
public final class ModelCheckpoint {

    /** The callback's arguments in Keras' words. */
    public record Config(String monitor, String mode, Double initialValueThreshold) {

        public Config {
            monitor = monitor == null ? "val_loss" : monitor;
            mode = mode == null ? "auto" : mode;
            if (!List.of("auto", "min", "max").contains(mode)) {
                throw new IllegalArgumentException("mode must be auto, min or max, got " + mode);
            }
        }

        boolean maximize() {
            return mode.equals("max") || (mode.equals("auto") && (monitor.contains("acc")
                    || monitor.startsWith("fmeasure")));
        }
    }

    /** The callback's progress, for checkpoints. */
    public record State(double best, int bestEpoch, List<float[]> bestWeights) {
    }

    private final Config config;
    private final boolean maximize;
    private double best;
    private int bestEpoch = -1;
    private List<float[]> bestWeights;

    public ModelCheckpoint(Config config) {
        this.config = config;
        this.maximize = config.maximize();
        this.best = config.initialValueThreshold() != null ? config.initialValueThreshold()
                : maximize ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
    }

    /** Keras' {@code on_epoch_end}: keeps this epoch's weights when it is the best so far. */
    public void onEpochEnd(int epoch, Map<String, Double> logs, Supplier<List<float[]>> weights) {
        Double current = logs.get(config.monitor());
        if (current != null && (maximize ? current > best : current < best)) {
            best = current;
            bestEpoch = epoch;
            bestWeights = weights.get();
        }
    }

    /** At the end of training: the best epoch's weights, when one was kept, become the model's. */
    public void onTrainEnd(Consumer<List<float[]>> restore) {
        if (bestWeights != null) {
            restore.accept(bestWeights);
        }
    }

    /** The epoch (from 0) whose weights are kept, or -1. */
    public int bestEpoch() {
        return bestEpoch;
    }

    public State state() {
        return new State(best, bestEpoch, bestWeights);
    }

    public void restore(State s) {
        best = s.best();
        bestEpoch = s.bestEpoch();
        bestWeights = s.bestWeights();
    }
}
