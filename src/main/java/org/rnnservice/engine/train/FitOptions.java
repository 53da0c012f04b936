package org.rnnservice.engine.train;

/**
 * Keras' {@code fit()} arguments: epochs, batch size, whether to shuffle each epoch, the fraction of the data (taken
 * from the end, before shuffling) held out for validation, the seed of shuffling and dropout, and early stopping
 * (null for none).
 */
public record FitOptions(int epochs, int batchSize, boolean shuffle, double validationSplit, long seed,
                         EarlyStopping.Config earlyStopping) {

    public FitOptions {
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
     * one check a service runs when a job is submitted and the trainer runs again when it starts.
     */
    public void check(int samples, java.util.List<String> logKeys) {
        trainCount(samples);
        if (earlyStopping != null && !logKeys.contains(earlyStopping.monitor())) {
            throw new InvalidFitException("early_stopping.monitor", "early_stopping.monitor '"
                    + earlyStopping.monitor() + "' is not logged by this training; it logs " + logKeys, false);
        }
    }
}
