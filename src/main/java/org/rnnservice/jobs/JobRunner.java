package org.rnnservice.jobs;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.rnnservice.RnnProperties;
import org.rnnservice.datasets.DatasetRecord;
import org.rnnservice.datasets.DatasetService;
import org.rnnservice.engine.model.Sequential;
import org.rnnservice.engine.parallel.HelperThreads;
import org.rnnservice.engine.train.Adaptation;
import org.rnnservice.engine.train.Checkpoint;
import org.rnnservice.engine.train.FitOptions;
import org.rnnservice.engine.train.InvalidFitException;
import org.rnnservice.engine.train.Samples;
import org.rnnservice.engine.train.Trainer;
import org.rnnservice.engine.train.TrainingCancelledException;
import org.rnnservice.engine.train.TrainingDivergedException;
import org.rnnservice.engine.train.TrainingListener;
import org.rnnservice.engine.train.callbacks.History;
import org.rnnservice.errors.ServiceException;
import org.rnnservice.models.DatasetFit;
import org.rnnservice.models.ModelCatalog;
import org.rnnservice.models.ModelRecord;
import org.rnnservice.storage.WriteFence;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Runs a job on a worker: trains a copy of the model from the job's last checkpoint (if any), stores every epoch and
 * checkpoint before announcing it, and publishes the weights as the model's next version when training succeeds.
 */
@Component
class JobRunner {

    private static final Logger LOG = LoggerFactory.getLogger(JobRunner.class);

    private final ModelCatalog models;
    private final DatasetService datasets;
    private final CheckpointStore checkpoints;
    private final JobRecords records;
    private final JobHolds holds;
    private final JobEvents events;
    private final RnnProperties properties;
    private final HelperThreads helpers;
    private final Counter samplesTrained;
    private volatile boolean pausing;

    JobRunner(ModelCatalog models, DatasetService datasets, CheckpointStore checkpoints, JobRecords records,
              JobHolds holds, JobEvents events, RnnProperties properties, HelperThreads helpers,
              MeterRegistry meters) {
        this.models = models;
        this.datasets = datasets;
        this.checkpoints = checkpoints;
        this.records = records;
        this.holds = holds;
        this.events = events;
        this.properties = properties;
        this.helpers = helpers;
        this.samplesTrained = Counter.builder("rnn.training.samples").description("samples trained on")
                .register(meters);
    }

    /** Makes running jobs stop at their next batch, staying RUNNING on disk to resume after a restart. */
    void pause() {
        pausing = true;
    }

    void resume() {
        pausing = false;
    }

    /**
     * Whether a job found unfinished (after a restart, or claimed from another replica) may train: one that published
     * its weights before its process died is recorded SUCCEEDED with them, one whose model or dataset is gone FAILED,
     * and either way it goes no further.
     */
    boolean resumable(TrainingJob job) throws IOException {
        JobRecord r = job.record();
        Integer published = publishedVersion(r);
        if (published != null) {
            // it crashed after publishing its weights but before saying so
            records.finish(job, JobState.SUCCEEDED, null, published, null, null);
            checkpoints.delete(r.id());
            holds.release(r);
            return false;
        }
        if (!holds.hold(r)) {
            records.finish(job, JobState.FAILED, "its model or dataset no longer exists, so it cannot run", null,
                    null, null);
            return false;
        }
        return true;
    }

    /** The model version a job published, when it crashed after publishing but before recording it; else null. */
    Integer publishedVersion(JobRecord r) {
        try {
            return models.record(r.modelId()).versions().stream().filter(v -> r.id().equals(v.jobId()))
                    .map(ModelRecord.VersionInfo::version).findFirst().orElse(null);
        } catch (IOException | ServiceException e) {
            return null;
        }
    }

    void run(TrainingJob job) {
        JobRecord r = job.record();
        try {
            if (job.cancelRequested()) {
                records.finish(job, JobState.CANCELLED, "cancelled before it started", null, null, null);
                return;
            }
            ModelRecord model = models.record(r.modelId());
            DatasetRecord ds = datasets.get(r.datasetId());
            Sequential copy = models.copyForTraining(model);
            boolean ids = DatasetFit.check(copy, ds);
            Checkpoint resume;
            try {
                resume = checkpoints.load(r.id());
            } catch (IOException e) {
                throw new JobFailure("its checkpoint cannot be read (" + e.getMessage() + "), so it cannot resume");
            }
            // the history restarts from the checkpoint's: epochs announced after it are trained again, not repeated
            JobRecord started = r.started(Instant.now(), resume == null ? null : resume.epochs(),
                    properties.replicaId());
            records.persist(job, started.progressed(started.progress(), resume == null ? Map.of() : resume.history()));
            events.state(job.record());
            LOG.info("Job {} started{}", r.id(), resume == null ? "" : " (resumed after epoch " + resume.epochs() + ")");
            Trainer trainer = new Trainer(copy, copy.spec().compile(), properties.jobThreads(), helpers);
            FitSettings.reportForecastErrors(trainer, ds);
            Samples validationData = r.validationData() == null ? null
                    : datasets.samples(datasets.get(r.validationData()), ids);
            FitOptions options = FitSettings.of(job.record());
            DataSplit split = DataSplit.of(r, datasets.samples(ds, ids), validationData, options);
            Map<String, Map<String, Double>> baseline = split.baseline(datasets, r.seasonality());
            if (baseline != null) {
                records.persist(job, job.record().withBaseline(baseline));
            }
            if (resume == null) {
                Adaptation.adapt(copy, split.trainingOnly(options));
            }
            History history = trainer.fit(split.training(), split.validation(), options,
                    new Progress(job, split.training().count()), resume);
            if (split.test() != null) {
                Map<String, Double> tested = new java.util.LinkedHashMap<>();
                trainer.evaluate(split.test(), options.batchSize()).forEach((k, v) -> tested.put("test_" + k, v));
                records.persist(job, job.record().withTestMetrics(tested));
            }
            int version = models.publish(r.modelId(), copy, r.id(), ds);
            records.finish(job, JobState.SUCCEEDED, null, version,
                    history.stoppedEpoch() >= 0 ? history.stoppedEpoch() + 1 : null,
                    history.bestEpoch() >= 0 ? history.bestEpoch() + 1 : null);
            checkpoints.delete(r.id());
        } catch (TrainingCancelledException e) {
            if (job.cancelRequested() && job.keepOnCancel()) {
                keepLastEpoch(job, e);
            } else if (job.cancelRequested()) {
                records.finishQuietly(job, JobState.CANCELLED, "cancelled: " + e.getMessage());
            } else {
                LOG.info("Job {} paused for shutdown; it resumes from its last checkpoint on restart", r.id());
            }
        } catch (Exception e) {
            if (WriteFence.fenced(e)) {
                // another replica took the job over while this one was away: it goes on there, nothing more here
                LOG.warn("Job {} stops here without another write: another replica took it over", r.id());
            } else if (e instanceof TrainingDivergedException || e instanceof JobFailure
                    || e instanceof InvalidFitException || e instanceof ServiceException) {
                records.finishQuietly(job, JobState.FAILED, e.getMessage());
            } else {
                LOG.error("Job {} failed unexpectedly", r.id(), e);
                records.finishQuietly(job, JobState.FAILED, "internal error: " + e);
            }
        } finally {
            // a job paused for shutdown keeps what it holds: it resumes, here after a restart or on another replica
            if (job.record().state().isFinal()) {
                try {
                    holds.release(r);
                } catch (IOException e) {
                    LOG.warn("Job {} ended but still holds its model and data: {}", r.id(), e.getMessage());
                }
            }
        }
    }

    /**
     * Ends a job cancelled with {@code keep}: the weights of its last completed epoch (its checkpoint) become the
     * model's next version; with no epoch completed, nothing is published and the job says so.
     */
    private void keepLastEpoch(TrainingJob job, TrainingCancelledException cancelled) {
        JobRecord r = job.record();
        try {
            Checkpoint last = checkpoints.load(r.id());
            if (last == null) {
                records.finishQuietly(job, JobState.CANCELLED, "cancelled: " + cancelled.getMessage()
                        + "; no epoch had completed, so nothing was kept");
                return;
            }
            ModelRecord model = models.record(r.modelId());
            Sequential kept = models.copyForTraining(model);
            kept.setWeights(last.weights());
            DatasetRecord ds = datasets.get(r.datasetId());
            int version = models.publish(r.modelId(), kept, r.id(), ds);
            records.finish(job, JobState.CANCELLED, "cancelled: " + cancelled.getMessage()
                    + "; the weights after epoch " + last.epochs() + " were kept", version, null, null);
            checkpoints.delete(r.id());
        } catch (IOException | RuntimeException e) {
            LOG.error("Job {} could not keep its last epoch", r.id(), e);
            records.finishQuietly(job, JobState.CANCELLED, "cancelled; its last epoch could not be kept: "
                    + e.getMessage());
        }
    }

    /** A reason a job cannot run, in words for the user. */
    private static final class JobFailure extends RuntimeException {
        JobFailure(String message) {
            super(message);
        }

        JobFailure(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** Epoch lines a job logs at INFO at most: each epoch of a short job, evenly spaced ones of a long one. */
    static final int EPOCH_LINES = 20;

    /** Whether epoch {@code epoch} (from 1) of {@code epochs} is logged at INFO: the first, the last, every n-th. */
    static boolean logged(int epoch, int epochs) {
        int every = Math.max(1, (epochs + EPOCH_LINES - 1) / EPOCH_LINES);
        return epoch == 1 || epoch == epochs || epoch % every == 0;
    }

    /** Reports training progress into the job: progress in memory, each epoch stored, checkpoints written. */
    private final class Progress implements TrainingListener {
        private final TrainingJob job;
        private final int samples;
        private final long started = System.nanoTime();
        private final long interval = properties.progressInterval().toNanos();
        private long lastEvent;
        private long batchesDone;
        private long samplesDone;

        Progress(TrainingJob job, int samples) {
            this.job = job;
            this.samples = samples;
        }

        @Override
        public void onBatchEnd(int epoch, int batch, int batches, double loss) {
            JobRecord r = job.record();
            batchesDone++;
            long n = Math.min(r.batchSize(), samples);
            samplesDone += n;
            samplesTrained.increment(n);
            double elapsed = (System.nanoTime() - started) / 1e9;
            long total = (long) r.epochs() * batches;
            long done = (long) epoch * batches + batch + 1;
            double perBatch = elapsed / batchesDone;
            JobRecord.Progress p = new JobRecord.Progress(epoch + 1, r.epochs(), batch + 1, batches,
                    (double) done / total, elapsed > 0 ? samplesDone / elapsed : null, perBatch * (total - done));
            job.update(r.progressed(p, r.history()));
            long now = System.nanoTime();
            if (now - lastEvent >= interval) {
                lastEvent = now;
                events.progress(r.id(), p);
            }
        }

        @Override
        public void onEpochEnd(int epoch, Map<String, Double> logs) {
            JobRecord r = job.record();
            Map<String, List<Double>> history = new LinkedHashMap<>();
            r.history().forEach((k, v) -> history.put(k, new ArrayList<>(v)));
            logs.forEach((k, v) -> history.computeIfAbsent(k, x -> new ArrayList<>()).add(v));
            try {
                records.persist(job, r.progressed(r.progress(), history));
            } catch (IOException e) {
                throw new JobFailure("its progress could not be stored: " + e.getMessage(), e);
            }
            events.epoch(r.id(), epoch + 1, logs);
            if (logged(epoch + 1, r.epochs())) {
                LOG.info("Job {} epoch {}/{} {}", r.id(), epoch + 1, r.epochs(), logs);
            } else {
                LOG.debug("Job {} epoch {}/{} {}", r.id(), epoch + 1, r.epochs(), logs);
            }
        }

        @Override
        public void onCheckpoint(Checkpoint checkpoint) {
            try {
                checkpoints.save(job.id(), checkpoint);
            } catch (IOException e) {
                throw new JobFailure("its checkpoint could not be stored: " + e.getMessage(), e);
            }
        }

        @Override
        public boolean isCancelled() {
            return job.cancelRequested() || pausing;
        }
    }
}
