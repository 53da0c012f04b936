package org.rnnservice.tuning;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.rnnservice.errors.ServiceException;
import org.rnnservice.jobs.JobRecord;
import org.rnnservice.jobs.JobRequest;
import org.rnnservice.jobs.JobService;
import org.rnnservice.jobs.JobState;
import org.rnnservice.models.ModelCatalog;
import org.springframework.stereotype.Component;

/**
 * Turns trials into ordinary training jobs and reads their outcome back. Every step can be repeated after a crash
 * without doing anything twice: a trial's model has a name fixed by the search, trial and execution, and its job
 * carries the tags {@code tuning_id}, {@code trial_id} and {@code execution}, so both are found before they are made.
 */
@Component
class TrialRunner {

    private final JobService jobs;
    private final ModelCatalog models;

    TrialRunner(JobService jobs, ModelCatalog models) {
        this.jobs = jobs;
        this.models = models;
    }

    /** The job settings of one of the search's trials (or, with no model, of the check made at submission). */
    static JobRequest jobRequest(TuningRequest r, Objective objective, String modelId, int epochs,
                                 Map<String, String> tags) {
        List<Map<String, Object>> callbacks = new ArrayList<>(r.callbacks() == null ? List.of() : r.callbacks());
        if (objective != null && callbacks.stream().noneMatch(c -> c != null
                && "ModelCheckpoint".equals(c.get("type")))) {
            // KerasTuner keeps each trial's best epoch and continues or serves from it; so does the trial's job
            callbacks.add(Map.of("type", "ModelCheckpoint", "monitor", objective.name(), "mode",
                    objective.direction(), "save_best_only", true));
        }
        Map<String, String> allTags = new LinkedHashMap<>(r.tags() == null ? Map.of() : r.tags());
        allTags.putAll(tags);
        return new JobRequest(modelId, r.datasetId(), epochs, r.batchSize(), r.shuffle(), r.validationSplit(),
                r.validationData(), r.validation(), null, r.seasonality(), r.earlyStopping(), r.classWeight(), callbacks.isEmpty() ? null : callbacks,
                r.seed(), allTags);
    }

    /**
     * Creates what is missing of the trial's executions: the model (a promoted hyperband trial continues its
     * parent's) and the job. Returns the trial as far as it got; a refusal of its model or job fails it. The
     * service being busy leaves the rest for the next round.
     */
    Trial start(TuningJob search, Trial trial, List<Trial> all) throws IOException {
        int executions = executions(search.request());
        for (int e = 0; e < executions; e++) {
            Trial.Execution run = e < trial.executions().size() ? trial.executions().get(e) : null;
            if (run != null && run.jobId() != null) {
                continue;
            }
            try {
                String modelId = run != null ? run.modelId() : modelFor(search, trial, all, e);
                trial = trial.withExecution(e, new Trial.Execution(modelId, null, null, null, null));
                Map<String, String> tags = Map.of("tuning_id", search.id(), "trial_id", trial.trialId(),
                        "execution", Integer.toString(e));
                List<JobRecord> made = jobs.tagged(tags);
                String jobId = !made.isEmpty() ? made.get(0).id()
                        : jobs.submit(jobRequest(search.request(), search.objective(), modelId,
                                trial.epochs(search.request().epochs() == null ? 1 : search.request().epochs()),
                                tags)).id();
                trial = trial.withExecution(e, new Trial.Execution(modelId, jobId, null, null, null));
            } catch (ServiceException ex) {
                if (ex.kind() == ServiceException.Kind.BUSY || ex.kind() == ServiceException.Kind.UNAVAILABLE) {
                    return trial;
                }
                return trial.ended(Trial.State.FAILED, null, ex.getMessage());
            }
        }
        return trial;
    }

    private String modelFor(TuningJob search, Trial trial, List<Trial> all, int execution) throws IOException {
        String parent = trial.parentTrialId();
        if (parent != null) {
            for (Trial t : all) {
                if (t.trialId().equals(parent) && execution < t.executions().size()) {
                    return t.executions().get(execution).modelId();
                }
            }
            throw ServiceException.conflict("trial " + parent + ", whose weights trial " + trial.trialId()
                    + " continues, has no model");
        }
        String name = "tuning-" + search.id().substring(0, 8) + "-trial-" + trial.trialId() + "-" + execution;
        Map<String, Object> definition = SearchSpace.model(search.request().model(), trial.hyperparameters());
        definition.put("name", name);
        Object seed = search.request().seed() != null ? search.request().seed() : definition.get("seed");
        if (seed instanceof Number n) {
            definition.put("seed", n.longValue() + execution); // executions are fresh initialisations
        }
        try {
            return models.create(definition).id();
        } catch (ServiceException e) {
            if (e.kind() == ServiceException.Kind.CONFLICT) {
                return models.byIdOrName(name).id(); // made before a crash
            }
            throw e;
        }
    }

    /** The trial after reading its jobs: ended when all of them have, scored when all succeeded. */
    Trial refresh(TuningJob search, Trial trial) {
        int executions = executions(search.request());
        boolean allEnded = trial.executions().size() == executions;
        String failure = null;
        boolean stopped = false;
        for (int e = 0; e < trial.executions().size(); e++) {
            Trial.Execution run = trial.executions().get(e);
            if (run.jobId() == null) {
                allEnded = false;
                continue;
            }
            JobRecord job;
            try {
                job = jobs.get(run.jobId());
            } catch (ServiceException ex) {
                failure = "its job " + run.jobId() + " no longer exists";
                continue;
            }
            if (!job.state().isFinal()) {
                allEnded = false;
                continue;
            }
            List<Double> values = job.history().getOrDefault(search.objective().name(), List.of());
            int epochs = job.history().getOrDefault("loss", List.of()).size();
            Double score = job.state() == JobState.SUCCEEDED && !values.isEmpty()
                    && Double.isFinite(search.objective().best(values)) ? search.objective().best(values) : null;
            trial = trial.withExecution(e, new Trial.Execution(run.modelId(), run.jobId(), score,
                    job.modelVersion(), epochs));
            if (job.state() == JobState.CANCELLED) {
                stopped = true;
            } else if (score == null) {
                failure = job.state() == JobState.FAILED ? "job " + job.id() + " failed: " + job.error()
                        : "job " + job.id() + " logged no finite " + search.objective().name();
            }
        }
        if (!allEnded) {
            return trial;
        }
        if (stopped) {
            return trial.ended(Trial.State.STOPPED, null, "its job was cancelled");
        }
        if (failure != null) {
            return trial.ended(Trial.State.FAILED, null, failure);
        }
        double mean = trial.executions().stream().mapToDouble(Trial.Execution::score).average().orElseThrow();
        return trial.ended(Trial.State.COMPLETED, mean, null);
    }

    /** Cancels the trial's jobs that still run; true once none does (an ended or deleted one is left as it is). */
    boolean cancel(Trial trial) throws IOException {
        boolean ended = true;
        for (Trial.Execution run : trial.executions()) {
            if (run.jobId() == null) {
                continue;
            }
            try {
                JobState state = jobs.get(run.jobId()).state();
                if (!state.isFinal()) {
                    ended = false;
                    if (state == JobState.QUEUED || state == JobState.RUNNING) {
                        jobs.cancel(run.jobId(), false);
                    }
                }
            } catch (ServiceException e) {
                // it ended or was deleted meanwhile: nothing to cancel
            }
        }
        return ended;
    }

    static int executions(TuningRequest r) {
        return r.executionsPerTrial() == null ? 1 : r.executionsPerTrial();
    }
}
