package org.rnnservice.engine.train;

/** The loss became NaN or infinite; the message says where, counting epochs and batches from 1. */
public class TrainingDivergedException extends RuntimeException {

    public TrainingDivergedException(double loss, int epoch, int batch) {
        super("loss became " + loss + " at epoch " + (epoch + 1) + ", batch " + (batch + 1)
                + "; try a lower learning_rate, clipnorm, or scaled inputs");
    }
}
