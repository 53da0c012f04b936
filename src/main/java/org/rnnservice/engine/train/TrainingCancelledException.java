package org.rnnservice.engine.train;

/** Training stopped because its listener asked it to, between two batches. */
public class TrainingCancelledException extends RuntimeException {

    public TrainingCancelledException(int epoch, int batch) {
        super("cancelled at epoch " + (epoch + 1) + ", batch " + (batch + 1));
    }
}
