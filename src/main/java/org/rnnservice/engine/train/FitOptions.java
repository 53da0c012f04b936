package org.rnnservice.engine.train;

import org.rnnservice.engine.train.callbacks.EarlyStopping;
import org.rnnservice.engine.train.callbacks.ModelCheckpoint;
import org.rnnservice.engine.train.callbacks.ReduceLrOnPlateau;

/**
 * Keras' {@code fit()} arguments: epochs, batch size, whether to shuffle each epoch, the fraction of the data (taken
 * from the end, before shuffling) held out for validation, the seed of shuffling and dropout,
 * {@code class_weight} (null for none: a weight per class index, 1 for a class it does not name), and the callbacks
 * {@code EarlyStopping}, {@code ReduceLROnPlateau} and {@code ModelCheckpoint(save_best_only=True)} (each null for
 * none).
 */
public record FitOptions(int epochs, int batchSize, boolean shuffle, double validationSplit, long seed,
                         EarlyStopping.Config earlyStopping, java.util.Map<Integer, Double> classWeight,
                         ReduceLrOnPlateau.Config reduceLr, ModelCheckpoint.Config bestCheckpoint) {

    /** Without class weights. */
    public FitOptions(int epochs, int batchSize, boolean shuffle, double validationSplit, long seed,
                      EarlyStopping.Config earlyStopping) {
        this(epochs, batchSize, shuffle, validationSplit, seed, earlyStopping, null);
    }

    /** Without the ReduceLROnPlateau and ModelCheckpoint callbacks. */
    public FitOptions(int epochs, int batchSize, boolean shuffle, double validationSplit, long seed,
                      EarlyStopping.Config earlyStopping, java.util.Map<Integer, Double> classWeight) {
        this(epochs, batchSize, shuffle, validationSplit, seed, earlyStopping, classWeight, null, null);
    }

    public FitOptions {
        if (classWeight != null) {
            for (var e : classWeight.entrySet()) {
                if (e.getKey() < 0 || !(e.getValue() >= 0) || Double.isInfinite(e.getValue())) {
                    throw new IllegalArgumentException("class_weight maps class indices (0, 1, ...) to weights of at"
                            + " least 0; got " + e.getKey() + ": " + e.getValue());
                }
            }
            classWeight = java.util.Map.copyOf(classWeight);
        }
        if (epochs < 1) {
            throw new IllegalArgumentException("epochs must be at least 1");
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch_size must be at least 1");
        }
        if (!(validationSplit >= 0 && validationSplit < 1)) {
            throw new IllegalArgumentException("validation_split must be in [0, 1)");
        }
    }

    /**
     * How many of {@code samples} samples train: all, or those before the {@code validation_split} held out.
     * Refuses a split that leaves no training or no validation samples.
     */
    public int trainCount(int samples) {
        if (samples == 0) {
            throw new InvalidFitException("dataset", "no samples to train on", true);
        }
        if (validationSplit == 0) {
            return samples;
        }
        int train = (int) Math.floor(samples * (1.0 - validationSplit));
        if (train == 0 || train == samples) {
            throw new InvalidFitException("validation_split", "validation_split " + validationSplit + " of "
                    + samples + " samples leaves " + (train == 0 ? "nothing to train on" : "no validation samples"),
                    true);
        }
        return train;
    }

    /**
     * Checks these settings against the data and the keys the model logs, as {@code fit} does before it starts: the
     * one check a service runs when a job is submitted and the trainer runs again when it starts. Keras weighs classes
     * of one target per sample only, so {@code sequenceOutput} (a model returning sequences) refuses class_weight.
     */
    public void check(int samples, java.util.List<String> logKeys, boolean sequenceOutput) {
        trainCount(samples);
        if (classWeight != null && sequenceOutput) {
            throw new InvalidFitException("class_weight", "class_weight is not supported for a model whose output is"
                    + " a sequence (3-dimensional targets), as in Keras", true);
        }

        if (earlyStopping != null && !logKeys.contains(earlyStopping.monitor())) {
            throw new InvalidFitException("early_stopping.monitor", "early_stopping.monitor '"
                    + earlyStopping.monitor() + "' is not logged by this training; it logs " + logKeys, false);
        }
        if (reduceLr != null && !logKeys.contains(reduceLr.monitor())) {
            throw new InvalidFitException("callbacks.ReduceLROnPlateau.monitor", "ReduceLROnPlateau's monitor '"
                    + reduceLr.monitor() + "' is not logged by this training; it logs " + logKeys, false);
        }
        if (bestCheckpoint != null && !logKeys.contains(bestCheckpoint.monitor())) {
            throw new InvalidFitException("callbacks.ModelCheckpoint.monitor", "ModelCheckpoint's monitor '"
                    + bestCheckpoint.monitor() + "' is not logged by this training; it logs " + logKeys, false);
        }
    }
}
