package org.rnnservice.engine.train;

import java.util.Map;

/** Receives training progress; the job system reports through it. Epochs count from 0, as Keras callbacks do. */
public interface TrainingListener {

    TrainingListener NONE = new TrainingListener() {
    };

    default void onEpochBegin(int epoch, int epochs, int batches) {
    }

    default void onBatchEnd(int epoch, int batch, int batches, double loss) {
    }

    /** Called after validation, with the epoch's logs ({@code loss}, metrics, {@code val_*}). */
    default void onEpochEnd(int epoch, Map<String, Double> logs) {
    }

    /**
     * Called at the end of every epoch that training continues after (not after the last one), with the state to
     * resume from, before {@link #onEpochEnd} for that epoch; a job system stores it to survive a restart.
     */
    default void onCheckpoint(Checkpoint checkpoint) {
    }

    /** Checked between batches: returning true stops training with {@link TrainingCancelledException}. */
    default boolean isCancelled() {
        return false;
    }
}
