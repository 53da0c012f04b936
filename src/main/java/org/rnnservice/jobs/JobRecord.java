package org.rnnservice.jobs;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.rnnservice.engine.train.Holdout;

/**
 * A training job as stored and shown: its parameters (defaults filled in), state, times, progress, per-epoch history,
 * the error of a failed job in words, and the model version a successful one produced ({@code best_epoch}, from 1, is
 * the epoch whose weights it holds when a ModelCheckpoint with save_best_only chose them); {@code worker} names the
 * replica running it, or that last ran it. A job on a series reports {@code baseline}: the naive forecasts' errors on
 * its validation range, beside the model's {@code val_mae} and {@code val_rmse} in {@code history}. Like an MLflow run it has {@code params} (model and fit settings, by
 * {@link RunParams}' names), {@code metrics} and the user's {@code tags}.
 */
@JsonIgnoreProperties(value = {"metrics", "best_metrics"}, allowGetters = true)
public record JobRecord(String id, String modelId, String datasetId, JobState state, int epochs, int batchSize,
                        boolean shuffle, double validationSplit, String validationData, Holdout validation,
                        Holdout test, Integer seasonality, JobRequest.EarlyStoppingRequest earlyStopping,
                        Map<String, Double> classWeight, List<Map<String, Object>> callbacks, long seed,
                        Instant submittedAt, Instant startedAt, Instant finishedAt, Progress progress,
                        Map<String, List<Double>> history, Map<String, Map<String, Double>> baseline,
                        Map<String, Double> testMetrics, String error,
                        Integer modelVersion,
                        Integer resumedFromEpoch, Integer stoppedEarlyAtEpoch, Integer bestEpoch, String worker,
                        Map<String, String> params, Map<String, String> tags) {

    public JobRecord {
        params = params == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(params));
        tags = tags == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(tags));
    }

    /** MLflow's run metrics: the last value of each history series ({@code loss}, {@code val_loss}, ...). */
    @JsonProperty("metrics")
    public Map<String, Double> metrics() {
        return RunSearch.last(history == null ? Map.of() : history);
    }

    /** The best value of each history series, in Keras' direction (accuracies highest, the rest lowest). */
    @JsonProperty("best_metrics")
    public Map<String, Double> bestMetrics() {
        return RunSearch.best(history == null ? Map.of() : history);
    }

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

    /** The same job with its params (computed from the job itself and its model's definition). */
    JobRecord withParams(Map<String, String> newParams) {
        return new JobRecord(id, modelId, datasetId, state, epochs, batchSize, shuffle, validationSplit,
                validationData, validation, test, seasonality, earlyStopping, classWeight, callbacks, seed,
                submittedAt, startedAt, finishedAt, progress, history, baseline, testMetrics, error, modelVersion,
                resumedFromEpoch, stoppedEarlyAtEpoch, bestEpoch, worker, newParams, tags);
    }

    /** The same job with the trained model's loss and metrics on its test range ({@code test_loss}, ...). */
    JobRecord withTestMetrics(Map<String, Double> metrics) {
        return new JobRecord(id, modelId, datasetId, state, epochs, batchSize, shuffle, validationSplit,
                validationData, validation, test, seasonality, earlyStopping, classWeight, callbacks, seed,
                submittedAt, startedAt, finishedAt, progress, history, baseline, metrics, error, modelVersion,
                resumedFromEpoch, stoppedEarlyAtEpoch, bestEpoch, worker, params, tags);
    }

    /** The same job with the naive forecasts' errors on its validation (and test) range. */
    JobRecord withBaseline(Map<String, Map<String, Double>> newBaseline) {
        return new JobRecord(id, modelId, datasetId, state, epochs, batchSize, shuffle, validationSplit,
                validationData, validation, test, seasonality, earlyStopping, classWeight, callbacks, seed,
                submittedAt, startedAt, finishedAt, progress, history, newBaseline, testMetrics, error, modelVersion,
                resumedFromEpoch, stoppedEarlyAtEpoch, bestEpoch, worker, params, tags);
    }

    JobRecord with(JobState newState) {
        return new JobRecord(id, modelId, datasetId, newState, epochs, batchSize, shuffle, validationSplit,
                validationData, validation, test, seasonality, earlyStopping, classWeight, callbacks, seed,
                submittedAt, startedAt, finishedAt, progress, history, baseline, testMetrics, error, modelVersion,
                resumedFromEpoch, stoppedEarlyAtEpoch, bestEpoch, worker, params, tags);
    }

    /** Running from now on {@code by} (a replica's id), resumed after {@code resumedFrom} epochs or from the start. */
    JobRecord started(Instant at, Integer resumedFrom, String by) {
        return new JobRecord(id, modelId, datasetId, JobState.RUNNING, epochs, batchSize, shuffle, validationSplit,
                validationData, validation, test, seasonality, earlyStopping, classWeight, callbacks, seed,
                submittedAt, startedAt == null ? at : startedAt, null, progress, history, baseline, testMetrics, error,
                modelVersion, resumedFrom, stoppedEarlyAtEpoch, bestEpoch, by, params, tags);
    }

    JobRecord progressed(Progress p, Map<String, List<Double>> h) {
        return new JobRecord(id, modelId, datasetId, state, epochs, batchSize, shuffle, validationSplit,
                validationData, validation, test, seasonality, earlyStopping, classWeight, callbacks, seed,
                submittedAt, startedAt, finishedAt, p, h, baseline, testMetrics, error, modelVersion,
                resumedFromEpoch, stoppedEarlyAtEpoch, bestEpoch, worker, params, tags);
    }

    JobRecord finished(JobState end, Instant at, String why, Integer version, Integer stoppedAt, Integer best) {
        return new JobRecord(id, modelId, datasetId, end, epochs, batchSize, shuffle, validationSplit,
                validationData, validation, test, seasonality, earlyStopping, classWeight, callbacks, seed,
                submittedAt, startedAt, at, progress, history, baseline, testMetrics, why, version, resumedFromEpoch,
                stoppedAt, best, worker, params, tags);
    }
}
