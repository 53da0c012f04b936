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
}
