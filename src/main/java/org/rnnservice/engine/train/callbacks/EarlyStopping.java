package org.rnnservice.engine.train.callbacks;

import java.util.List;
import java.util.Map;

/**
 * Keras' {@code EarlyStopping} callback: stops when {@code monitor} has not improved by more than {@code min_delta}
 * for {@code patience} epochs, counting from {@code start_from_epoch}; optionally restores the best weights seen.
 */
public final class EarlyStopping {

    /** The callback's arguments in Keras' words; {@code mode} is {@code auto}, {@code min} or {@code max}. */
    public record Config(String monitor, double minDelta, int patience, String mode, boolean restoreBestWeights,
                         int startFromEpoch, Double baseline) {

        public Config {
            monitor = monitor == null ? "val_loss" : monitor;
            mode = mode == null ? "auto" : mode;
            if (!List.of("auto", "min", "max").contains(mode)) {
                throw new IllegalArgumentException("mode must be auto, min or max, got " + mode);
            }
            if (patience < 0 || startFromEpoch < 0) {
                throw new IllegalArgumentException("patience and start_from_epoch must not be negative");
            }
            minDelta = Math.abs(minDelta);
        }

        /** Keras' defaults: monitor val_loss, patience 0. */
        public static Config defaults() {
            return new Config("val_loss", 0, 0, "auto", false, 0, null);
        }

        boolean maximize() {
            return mode.equals("max") || (mode.equals("auto") && monitor.contains("acc"));
        }
    }

    private final Config config;
    private final boolean maximize;
    private int wait;
    private double best;
    private int bestEpoch = -1;
    private List<float[]> bestWeights;

    public EarlyStopping(Config config) {
        this.config = config;
        this.maximize = config.maximize();
        this.best = maximize ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
    }

    public Config config() {
        return config;
    }

    private boolean improves(double current, double reference) {
        return maximize ? current - config.minDelta() > reference : current + config.minDelta() < reference;
    }

    /**
     * Keras' {@code on_epoch_end}: returns true when training should stop. {@code weights} supplies the model's
     * weights when best weights are kept.
     */
    public boolean onEpochEnd(int epoch, Map<String, Double> logs, java.util.function.Supplier<List<float[]>> weights) {
        Double current = logs.get(config.monitor());
        if (current == null || epoch < config.startFromEpoch()) {
            return false;
        }
        if (config.restoreBestWeights() && bestWeights == null) {
            bestWeights = weights.get();
        }
        wait++;
        if (improves(current, best)) {
            best = current;
            bestEpoch = epoch;
            if (config.restoreBestWeights()) {
                bestWeights = weights.get();
            }
            if (config.baseline() == null || improves(current, config.baseline())) {
                wait = 0;
            }
            return false;
        }
        return wait >= config.patience() && epoch > 0;
    }

    /**
     * Keras' {@code on_train_end}: with {@code restore_best_weights}, the best epoch's weights are restored whenever
     * one was seen, whether training stopped early or ran all its epochs.
     */
    public void onTrainEnd(java.util.function.Consumer<List<float[]>> restore) {
        if (config.restoreBestWeights() && bestWeights != null) {
            restore.accept(bestWeights);
        }
    }

    /** The callback's progress, for checkpoints. */
    public record State(int epochsWaited, double best, int bestEpoch, List<float[]> bestWeights) {
    }

    public State state() {
        return new State(wait, best, bestEpoch, bestWeights);
    }

    public void restore(State s) {
        wait = s.epochsWaited();
        best = s.best();
        bestEpoch = s.bestEpoch();
        bestWeights = s.bestWeights();
    }

    /** The epoch (from 0) of the best monitored value, or -1. */
    public int bestEpoch() {
        return bestEpoch;
    }
}
