package org.rnnservice.engine.train.callbacks;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Keras' {@code History}: one list per log key ({@code loss}, metrics, {@code val_*}), one entry per epoch run. */
public final class History {

    private final Map<String, List<Double>> values = new LinkedHashMap<>();
    private int stoppedEpoch = -1;
    private int bestEpoch = -1;

    public History() {
    }

    /** A history continuing the given one (from a checkpoint). */
    public History(Map<String, List<Double>> values) {
        values.forEach((k, v) -> this.values.put(k, new ArrayList<>(v)));
    }

    public void append(Map<String, Double> logs) {
        logs.forEach((k, v) -> values.computeIfAbsent(k, key -> new ArrayList<>()).add(v));
    }

    /** Per key, the value of every epoch run so far. */
    public Map<String, List<Double>> values() {
        Map<String, List<Double>> copy = new LinkedHashMap<>();
        values.forEach((k, v) -> copy.put(k, List.copyOf(v)));
        return copy;
    }

    public List<Double> get(String key) {
        return values.getOrDefault(key, List.of());
    }

    /** Number of epochs recorded. */
    public int epochs() {
        return values.isEmpty() ? 0 : values.values().iterator().next().size();
    }

    /** The epoch (from 0) at which early stopping ended training, or -1. */
    public int stoppedEpoch() {
        return stoppedEpoch;
    }

    public void stoppedAt(int epoch) {
        stoppedEpoch = epoch;
    }

    /** The epoch (from 0) whose weights {@code ModelCheckpoint(save_best_only=True)} kept as the result, or -1. */
    public int bestEpoch() {
        return bestEpoch;
    }

    public void bestEpoch(int epoch) {
        bestEpoch = epoch;
    }
}
