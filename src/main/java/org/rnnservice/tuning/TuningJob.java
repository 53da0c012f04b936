package org.rnnservice.tuning;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.rnnservice.jobs.JobState;

/**
 * A search as stored and shown: what was asked, its trials, and once trials complete the best of them
 * ({@code best_trial_id}, {@code best_hyperparameters}, {@code best_score}, and the model version its best execution
 * published). {@code planned_trials} is the most trials it will create
 * ({@code max_trials}, or what its grid or hyperband's brackets hold); {@code epochs_trained} counts every epoch its
 * jobs trained. {@code driver} and
 * {@code lease_until} say which replica advances it.
 */
record TuningJob(String id, JobState state, TuningRequest request, String tuner, Objective objective, long seed,
                 long plannedTrials,
                 Instant submittedAt, Instant finishedAt, List<Trial> trials, String bestTrialId,
                 Map<String, Object> bestHyperparameters, Double bestScore, String bestModelId,
                 Integer bestModelVersion, int epochsTrained, String error, boolean cancelRequested, String driver,
                 Instant leaseUntil) {

    TuningJob {
        trials = trials == null ? List.of() : List.copyOf(trials);
    }

    /** The same search with these trials, and the best of them and the epochs trained worked out again. */
    TuningJob withTrials(List<Trial> next) {
        Trial best = null;
        int epochs = 0;
        for (Trial t : next) {
            for (Trial.Execution e : t.executions()) {
                epochs += e.epochsTrained() == null ? 0 : e.epochsTrained();
            }
            if (t.state() == Trial.State.COMPLETED && t.score() != null
                    && (best == null || objective.better(t.score(), best.score()))) {
                best = t;
            }
        }
        Trial.Execution bestRun = best == null ? null : best.executions().stream()
                .filter(e -> e.score() != null)
                .reduce((a, b) -> objective.better(b.score(), a.score()) ? b : a).orElse(null);
        return new TuningJob(id, state, request, tuner, objective, seed, plannedTrials, submittedAt, finishedAt, new ArrayList<>(next),
                best == null ? null : best.trialId(), best == null ? null : best.hyperparameters(),
                best == null ? null : best.score(), bestRun == null ? null : bestRun.modelId(),
                bestRun == null ? null : bestRun.modelVersion(), epochs, error, cancelRequested, driver, leaseUntil);
    }

    TuningJob finished(JobState end, String why) {
        return new TuningJob(id, end, request, tuner, objective, seed, plannedTrials, submittedAt, Instant.now(), trials,
                bestTrialId, bestHyperparameters, bestScore, bestModelId, bestModelVersion, epochsTrained, why,
                cancelRequested, driver, leaseUntil);
    }

    TuningJob running() {
        return new TuningJob(id, JobState.RUNNING, request, tuner, objective, seed, plannedTrials, submittedAt, finishedAt, trials,
                bestTrialId, bestHyperparameters, bestScore, bestModelId, bestModelVersion, epochsTrained, error,
                cancelRequested, driver, leaseUntil);
    }

    TuningJob cancelling(boolean cancel) {
        return new TuningJob(id, state, request, tuner, objective, seed, plannedTrials, submittedAt, finishedAt, trials,
                bestTrialId, bestHyperparameters, bestScore, bestModelId, bestModelVersion, epochsTrained, error,
                cancel, driver, leaseUntil);
    }

    TuningJob leased(String by, Instant until) {
        return new TuningJob(id, state, request, tuner, objective, seed, plannedTrials, submittedAt, finishedAt, trials,
                bestTrialId, bestHyperparameters, bestScore, bestModelId, bestModelVersion, epochsTrained, error,
                cancelRequested, by, until);
    }
}
