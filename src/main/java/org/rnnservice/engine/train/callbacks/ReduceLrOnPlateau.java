package org.rnnservice.engine.train.callbacks;

import java.util.List;
import java.util.Map;
import org.rnnservice.engine.train.optimizers.Optimizer;

/**
 * Keras' {@code ReduceLROnPlateau} callback: when {@code monitor} has not improved by more than {@code min_delta} for
 * {@code patience} epochs, the learning rate is multiplied by {@code factor} (not below {@code min_lr}), then
 * {@code cooldown} epochs pass before counting again. Each epoch's learning rate is logged as {@code learning_rate}.
 */
public final class ReduceLrOnPlateau {

    /** The callback's arguments in Keras' words. */
    public record Config(String monitor, double factor, int patience, String mode, double minDelta, int cooldown,
                         double minLr) {

        public Config {
            monitor = monitor == null ? "val_loss" : monitor;
            mode = mode == null ? "auto" : mode;
            if (!List.of("auto", "min", "max").contains(mode)) {
                throw new IllegalArgumentException("mode must be auto, min or max, got " + mode);
            }
            if (!(factor > 0 && factor < 1)) {
                throw new IllegalArgumentException("factor must be in (0, 1) (Keras refuses a factor >= 1), got "
                        + factor);
            }
            if (patience < 0 || cooldown < 0) {
                throw new IllegalArgumentException("patience and cooldown must not be negative");
            }
            if (!(minDelta >= 0) || !(minLr >= 0)) {
                throw new IllegalArgumentException("min_delta and min_lr must not be negative");
            }
        }

        /** Keras' defaults: monitor val_loss, factor 0.1, patience 10, min_delta 1e-4. */
        public static Config defaults() {
            return new Config("val_loss", 0.1, 10, "auto", 1e-4, 0, 0);
        }

        boolean maximize() {
            return mode.equals("max") || (mode.equals("auto") && monitor.contains("acc"));
        }
    }

    /** The callback's progress, for checkpoints, with the learning rate it has set. */
    public record State(int epochsWaited, double best, int cooldownCounter, double learningRate) {
    }

    private final Config config;
    private final boolean maximize;
    private int wait;
    private int cooldownCounter;
    private double best;

    public ReduceLrOnPlateau(Config config) {
        this.config = config;
        this.maximize = config.maximize();
        this.best = maximize ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
    }

    /** Keras' {@code on_epoch_end}: logs the learning rate the epoch used, then lowers it on a plateau. */
    public void onEpochEnd(Map<String, Double> logs, Optimizer optimizer) {
        double lr = optimizer.currentLearningRate();
        logs.put("learning_rate", lr);
        Double current = logs.get(config.monitor());
        if (current == null) {
            return;
        }
        if (cooldownCounter > 0) {
            cooldownCounter--;
            wait = 0;
        }
        if (maximize ? current > best + config.minDelta() : current < best - config.minDelta()) {
            best = current;
            wait = 0;
        } else if (cooldownCounter == 0) {
            wait++;
            if (wait >= config.patience() && lr > (float) config.minLr()) {
                optimizer.setLearningRate(Math.max(lr * config.factor(), config.minLr()));
                cooldownCounter = config.cooldown();
                wait = 0;
            }
        }
    }

    public State state(Optimizer optimizer) {
        return new State(wait, best, cooldownCounter, optimizer.currentLearningRate());
    }

    public void restore(State s, Optimizer optimizer) {
        wait = s.epochsWaited();
        best = s.best();
        cooldownCounter = s.cooldownCounter();
        optimizer.setLearningRate(s.learningRate());
    }
}
