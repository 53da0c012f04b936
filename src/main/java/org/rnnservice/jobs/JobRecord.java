package org.rnnservice.jobs;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A training job as stored and shown: its parameters (defaults filled in), state, times, progress, per-epoch history,
 * the error of a failed job in words, and the model version a successful one produced ({@code best_epoch}, from 1, is
 * the epoch whose weights it holds when a ModelCheckpoint with save_best_only chose them); {@code worker} names the
 * replica running it, or that last ran it.
 */
public record JobRecord(String id, String modelId, String datasetId, JobState state, int epochs, int batchSize,
                        boolean shuffle, double validationSplit, String validationData,
                        JobRequest.EarlyStoppingRequest earlyStopping,
                        Map<String, Double> classWeight, List<Map<String, Object>> callbacks, long seed,
                        Instant submittedAt, Instant startedAt, Instant finishedAt, Progress progress,
                        Map<String, List<Double>> history, String error, Integer modelVersion,
                        Integer resumedFromEpoch, Integer stoppedEarlyAtEpoch, Integer bestEpoch, String worker) {

    /**
     * Where training stands: epoch and batch count from 1 ({@code epoch} 3 of {@code epochs} 10 is running or done),
     * {@code fraction} of all batches done, throughput and the estimated seconds left.
     */
    public record Progress(int epoch, int epochs, int batch, int batches, double fraction, Double samplesPerSecond,
                           Double etaSeconds) {

        static Progress notStarted(int epochs) {
            return new Progress(0, epochs, 0, 0, 0, null, null);
        }
    }

    JobRecord with(JobState newState) {
        return new JobRecord(id, modelId, datasetId, newState, epochs, batchSize, shuffle, validationSplit,
                validationData, earlyStopping, classWeight, callbacks, seed, submittedAt, startedAt, finishedAt, progress,
                history, error, modelVersion, resumedFromEpoch, stoppedEarlyAtEpoch, bestEpoch, worker);
    }

    /** Running from now on {@code by} (a replica's id), resumed after {@code resumedFrom} epochs or from the start. */
    JobRecord started(Instant at, Integer resumedFrom, String by) {
        return new JobRecord(id, modelId, datasetId, JobState.RUNNING, epochs, batchSize, shuffle, validationSplit,
                validationData, earlyStopping, classWeight, callbacks, seed, submittedAt, startedAt == null ? at : startedAt,
                null, progress, history, error, modelVersion, resumedFrom, stoppedEarlyAtEpoch, bestEpoch, by);
    }

    JobRecord progressed(Progress p, Map<String, List<Double>> h) {
        return new JobRecord(id, modelId, datasetId, state, epochs, batchSize, shuffle, validationSplit,
                validationData, earlyStopping, classWeight, callbacks, seed, submittedAt, startedAt, finishedAt, p, h, error,
                modelVersion, resumedFromEpoch, stoppedEarlyAtEpoch, bestEpoch, worker);
    }

    JobRecord finished(JobState end, Instant at, String why, Integer version, Integer stoppedAt, Integer best) {
        return new JobRecord(id, modelId, datasetId, end, epochs, batchSize, shuffle, validationSplit,
                validationData, earlyStopping, classWeight, callbacks, seed, submittedAt, startedAt, at, progress, history, why,
                version, resumedFromEpoch, stoppedAt, best, worker);
    }
}
