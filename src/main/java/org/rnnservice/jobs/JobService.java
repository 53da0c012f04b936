package org.rnnservice.jobs;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.rnnservice.RnnProperties;
import org.rnnservice.datasets.DatasetRecord;
import org.rnnservice.datasets.DatasetService;
import org.rnnservice.engine.model.Sequential;
import org.rnnservice.engine.train.Checkpoint;
import org.rnnservice.engine.train.EarlyStopping;
import org.rnnservice.engine.train.FitOptions;
import org.rnnservice.engine.train.History;
import org.rnnservice.engine.train.Trainer;
import org.rnnservice.engine.train.TrainingCancelledException;
import org.rnnservice.engine.train.TrainingDivergedException;
import org.rnnservice.models.DatasetFit;
import org.rnnservice.models.ModelRecord;
import org.rnnservice.models.ModelService;
import org.rnnservice.storage.Store;
import org.rnnservice.storage.UsageTracker;
import org.rnnservice.errors.ServiceException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Service;

/**
 * Training jobs on a pool of {@code rnn.workers} threads with at most {@code rnn.queue-capacity} waiting. A job
 * trains a copy of the model and publishes the weights as the next version only when it succeeds. Every state change
 * and every epoch is stored before it is reported; after a restart, running jobs resume from their last epoch
 * checkpoint and queued ones are queued again in their order.
 */
@Service
public class JobService implements SmartLifecycle {

    private static final Logger LOG = LoggerFactory.getLogger(JobService.class);

    private final Store store;
    private final ModelService models;
    private final DatasetService datasets;
    private final UsageTracker usage;
    private final CheckpointStore checkpoints;
    private final JobEvents events;
    private final RnnProperties properties;
    private final Map<String, TrainingJob> jobs = new ConcurrentHashMap<>();
    private volatile ThreadPoolExecutor executor;
    private final AtomicInteger running = new AtomicInteger();
    private final Counter samplesTrained;
    private volatile boolean accepting;
    private volatile boolean shuttingDown;

    public JobService(Store store, ModelService models, DatasetService datasets, UsageTracker usage,
                      CheckpointStore checkpoints, JobEvents events, RnnProperties properties, MeterRegistry meters) {
        this.store = store;
        this.models = models;
        this.datasets = datasets;
        this.usage = usage;
        this.checkpoints = checkpoints;
        this.events = events;
        this.properties = properties;
        this.executor = newExecutor();
        this.samplesTrained = Counter.builder("rnn.training.samples").description("samples trained on")
                .register(meters);
        for (JobState s : JobState.values()) {
            Gauge.builder("rnn.jobs", jobs, m -> m.values().stream().filter(j -> j.record().state() == s).count())
                    .tag("state", s.name()).description("jobs by state").register(meters);
        }
        Gauge.builder("rnn.jobs.queue", this, j -> j.executor.getQueue().size())
                .description("jobs waiting for a worker").register(meters);
        Gauge.builder("rnn.training.samples.per.second", jobs, m -> m.values().stream()
                        .filter(j -> j.record().state() == JobState.RUNNING && j.record().progress() != null
                                && j.record().progress().samplesPerSecond() != null)
                        .mapToDouble(j -> j.record().progress().samplesPerSecond()).sum())
                .description("training throughput of the running jobs").register(meters);
    }

    private ThreadPoolExecutor newExecutor() {
        AtomicInteger threadCount = new AtomicInteger();
        return new ThreadPoolExecutor(properties.workers(), properties.workers(), 0, TimeUnit.MILLISECONDS,
                new LinkedBlockingQueue<>(), r -> {
                    Thread t = new Thread(r, "training-worker-" + threadCount.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
    }

    /** {@code rnn.threads-per-job}, or by default the cores each worker gets when all of them are busy. */
    private int threadsPerJob() {
        return properties.threadsPerJob() > 0 ? properties.threadsPerJob()
                : Math.max(1, Runtime.getRuntime().availableProcessors() / properties.workers());
    }

    /** Workers, jobs running and jobs waiting, for the health endpoint. */
    record PoolStatus(int workers, int running, int queued) {
    }

    PoolStatus status() {
        return new PoolStatus(properties.workers(), running.get(), executor.getQueue().size());
    }

    // ---- submission and queries

    JobRecord submit(JobRequest request) throws IOException {
        if (!accepting) {
            throw ServiceException.unavailable("the service is shutting down", 5);
        }
        ModelRecord model = models.record(request.modelId());
        DatasetRecord ds = datasets.get(request.datasetId());
        Sequential architecture = models.build(model);
        DatasetFit.check(architecture, ds);
        FitOptions options = options(request.epochs() == null ? 1 : request.epochs(),
                request.batchSize() == null ? 32 : request.batchSize(),
                request.shuffle() == null || request.shuffle(),
                request.validationSplit() == null ? 0 : request.validationSplit(), 0, request.earlyStopping());
        checkSplit(ds, options);
        if (options.earlyStopping() != null) {
            List<String> keys = new Trainer(architecture, architecture.spec().compile())
                    .logKeys(options.validationSplit() > 0);
            if (!keys.contains(options.earlyStopping().monitor())) {
                throw ServiceException.badRequest("early_stopping.monitor", "early_stopping.monitor '"
                        + options.earlyStopping().monitor() + "' is not logged by this job; it logs " + keys);
            }
        }
        if (executor.getQueue().size() >= properties.queueCapacity()) {
            throw ServiceException.busy("the training queue is full (" + properties.queueCapacity()
                    + " jobs waiting); retry later", 30);
        }
        Instant now = Instant.now();
        JobRecord record = new JobRecord(UUID.randomUUID().toString(), model.id(), ds.id(), JobState.QUEUED,
                options.epochs(), options.batchSize(), options.shuffle(), options.validationSplit(),
                request.earlyStopping(), request.seed() == null ? now.toEpochMilli() : request.seed(), now, null, null,
                JobRecord.Progress.notStarted(options.epochs()), Map.of(), null, null, null, null);
        if (!hold(record)) {
            throw ServiceException.conflict("the model or dataset was deleted while the job was being submitted");
        }
        try {
            store.put(Store.Collection.JOBS, record.id(), record);
        } catch (IOException | RuntimeException e) {
            release(record);
            throw e;
        }
        TrainingJob job = new TrainingJob(record, this::run);
        jobs.put(record.id(), job);
        executor.execute(job);
        LOG.info("Job {} queued: model {}, dataset {}, {} epochs, batch {}", record.id(), record.modelId(),
                record.datasetId(), record.epochs(), record.batchSize());
        return record;
    }

    private static void checkSplit(DatasetRecord ds, FitOptions options) {
        if (options.validationSplit() > 0) {
            int train = (int) Math.floor(ds.samples() * (1.0 - options.validationSplit()));
            if (train == 0 || train == ds.samples()) {
                throw ServiceException.unprocessable("validation_split", "validation_split " + options.validationSplit()
                        + " of " + ds.samples() + " samples leaves " + (train == 0 ? "nothing to train on"
                        : "no validation samples"));
            }
        }
    }

    private static FitOptions options(int epochs, int batchSize, boolean shuffle, double split, long seed,
                                      JobRequest.EarlyStoppingRequest es) {
        EarlyStopping.Config config = null;
        if (es != null) {
            try {
                config = new EarlyStopping.Config(es.monitor(), es.minDelta() == null ? 0 : es.minDelta(),
                        es.patience() == null ? 0 : es.patience(), es.mode(),
                        es.restoreBestWeights() != null && es.restoreBestWeights(),
                        es.startFromEpoch() == null ? 0 : es.startFromEpoch(), es.baseline());
            } catch (IllegalArgumentException e) {
                throw ServiceException.badRequest("early_stopping", "early_stopping: " + e.getMessage());
            }
        }
        return new FitOptions(epochs, batchSize, shuffle, split, seed, config);
    }

    private static FitOptions options(JobRecord r) {
        return options(r.epochs(), r.batchSize(), r.shuffle(), r.validationSplit(), r.seed(), r.earlyStopping());
    }

    private boolean hold(JobRecord r) {
        if (!usage.acquire(Store.Collection.MODELS, r.modelId(), () -> models.exists(r.modelId()))) {
            return false;
        }
        if (!usage.acquire(Store.Collection.DATASETS, r.datasetId(), () -> datasets.exists(r.datasetId()))) {
            usage.release(Store.Collection.MODELS, r.modelId());
            return false;
        }
        return true;
    }

    private void release(JobRecord r) {
        usage.release(Store.Collection.MODELS, r.modelId());
        usage.release(Store.Collection.DATASETS, r.datasetId());
    }

    JobRecord get(String id) {
        TrainingJob job = jobs.get(id);
        if (job == null) {
            throw ServiceException.notFound("job", id);
        }
        return job.record();
    }

    List<JobRecord> list(JobState state, String modelId) {
        return jobs.values().stream().map(TrainingJob::record)
                .filter(r -> state == null || r.state() == state)
                .filter(r -> modelId == null || r.modelId().equals(modelId))
                .sorted(Comparator.comparing(JobRecord::submittedAt).reversed())
                .toList();
    }

    org.springframework.web.servlet.mvc.method.annotation.SseEmitter subscribe(String id) {
        get(id);
        return events.subscribe(id, () -> get(id));
    }

    /** Cancels a queued job at once, a running one within one batch; 409 if it already ended. */
    JobRecord cancel(String id) throws IOException {
        TrainingJob job = jobs.get(id);
        if (job == null) {
            throw ServiceException.notFound("job", id);
        }
        synchronized (job) {
            JobState state = job.record().state();
            if (state.isFinal()) {
                throw ServiceException.conflict("job " + id + " already ended " + state);
            }
            job.requestCancel();
            if (state == JobState.QUEUED && executor.remove(job)) {
                finish(job, JobState.CANCELLED, "cancelled before it started", null, null);
            }
        }
        LOG.info("Job {} cancel requested", id);
        return job.record();
    }

    // ---- running

    private void run(TrainingJob job) {
        running.incrementAndGet();
        JobRecord r = job.record();
        try {
            if (job.cancelRequested()) {
                finish(job, JobState.CANCELLED, "cancelled before it started", null, null);
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
            JobRecord started = r.started(Instant.now(), resume == null ? null : resume.epochs());
            persist(job, started.progressed(started.progress(), resume == null ? Map.of() : resume.history()));
            events.state(job.record());
            LOG.info("Job {} started{}", r.id(), resume == null ? "" : " (resumed after epoch " + resume.epochs() + ")");
            Trainer trainer = new Trainer(copy, copy.spec().compile(), threadsPerJob());
            History history = trainer.fit(datasets.samples(ds, ids), options(job.record()),
                    new JobListener(job, ds.samples()), resume);
            int version = models.publish(r.modelId(), copy, r.id(), ds.isText() ? ds.vocab() : null,
                    ds.isText() ? ds.seqLen() : null);
            finish(job, JobState.SUCCEEDED, null, version,
                    history.stoppedEpoch() >= 0 ? history.stoppedEpoch() + 1 : null);
            checkpoints.delete(r.id());
        } catch (TrainingCancelledException e) {
            if (job.cancelRequested()) {
                finishQuietly(job, JobState.CANCELLED, "cancelled: " + e.getMessage());
            } else {
                // shutting down: the job stays RUNNING on disk and resumes from its last checkpoint on restart
                LOG.info("Job {} paused for shutdown; it resumes from its last checkpoint on restart", r.id());
            }
        } catch (TrainingDivergedException | JobFailure e) {
            finishQuietly(job, JobState.FAILED, e.getMessage());
        } catch (ServiceException e) {
            finishQuietly(job, JobState.FAILED, e.getMessage());
        } catch (Exception e) {
            LOG.error("Job {} failed unexpectedly", r.id(), e);
            finishQuietly(job, JobState.FAILED, "internal error: " + e);
        } finally {
            running.decrementAndGet();
            release(r);
        }
    }

    /** A reason a job cannot run, in words for the user. */
    private static final class JobFailure extends RuntimeException {
        JobFailure(String message) {
            super(message);
        }
    }

    private void persist(TrainingJob job, JobRecord next) throws IOException {
        store.put(Store.Collection.JOBS, next.id(), next);
        job.update(next);
    }

    private void finish(TrainingJob job, JobState state, String error, Integer version, Integer stoppedAt)
            throws IOException {
        synchronized (job) {
            persist(job, job.record().finished(state, Instant.now(), error, version, stoppedAt));
        }
        JobRecord r = job.record();
        events.state(r);
        LOG.info("Job {} {}{}{}", r.id(), state, version != null ? ", model " + r.modelId() + " v" + version : "",
                error != null ? ": " + error : "");
    }

    private void finishQuietly(TrainingJob job, JobState state, String error) {
        try {
            finish(job, state, error, null, null);
        } catch (IOException e) {
            LOG.error("Job {} could not be stored as {}: {}", job.id(), state, e.getMessage());
        }
    }

    /** Reports training progress into the job: progress in memory, each epoch stored, checkpoints written. */
    private final class JobListener implements org.rnnservice.engine.train.TrainingListener {
        private final TrainingJob job;
        private final int samples;
        private final long started = System.nanoTime();
        private final long interval = properties.progressInterval().toNanos();
        private long lastEvent;
        private long batchesDone;
        private long samplesDone;

        JobListener(TrainingJob job, int samples) {
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
                events.publish(r.id(), "progress", p);
            }
        }

        @Override
        public void onEpochEnd(int epoch, Map<String, Double> logs) {
            JobRecord r = job.record();
            Map<String, List<Double>> history = new java.util.LinkedHashMap<>();
            r.history().forEach((k, v) -> history.put(k, new ArrayList<>(v)));
            logs.forEach((k, v) -> history.computeIfAbsent(k, x -> new ArrayList<>()).add(v));
            try {
                persist(job, r.progressed(r.progress(), history));
            } catch (IOException e) {
                throw new JobFailure("its progress could not be stored: " + e.getMessage());
            }
            events.publish(r.id(), "epoch", Map.of("epoch", epoch + 1, "logs", logs));
            LOG.info("Job {} epoch {}/{} {}", r.id(), epoch + 1, r.epochs(), logs);
        }

        @Override
        public void onCheckpoint(Checkpoint checkpoint) {
            try {
                checkpoints.save(job.id(), checkpoint);
            } catch (IOException e) {
                throw new JobFailure("its checkpoint could not be stored: " + e.getMessage());
            }
        }

        @Override
        public boolean isCancelled() {
            return job.cancelRequested() || shuttingDown;
        }
    }

    // ---- lifecycle: recovery at start, pause at shutdown

    /** Starts the workers and takes up stored jobs; after a {@link #stop} it starts afresh, as after a restart. */
    @Override
    public void start() {
        if (executor.isShutdown()) {
            executor = newExecutor();
        }
        shuttingDown = false;
        jobs.clear();
        try {
            recover();
        } catch (IOException e) {
            throw new IllegalStateException("cannot read stored jobs: " + e.getMessage(), e);
        }
        accepting = true;
    }

    private void recover() throws IOException {
        List<JobRecord> stored = new ArrayList<>(store.list(Store.Collection.JOBS, JobRecord.class));
        stored.sort(Comparator.comparing((JobRecord r) -> r.state() == JobState.RUNNING ? 0 : 1)
                .thenComparing(JobRecord::submittedAt));
        int resumed = 0;
        for (JobRecord r : stored) {
            TrainingJob job = new TrainingJob(r, this::run);
            jobs.put(r.id(), job);
            if (r.state().isFinal()) {
                continue;
            }
            Integer published = publishedVersion(r);
            if (published != null) {
                // it crashed after publishing its weights but before saying so
                finish(job, JobState.SUCCEEDED, null, published, null);
                checkpoints.delete(r.id());
            } else if (!hold(r)) {
                finish(job, JobState.FAILED, "its model or dataset no longer exists, so it cannot resume", null, null);
            } else {
                executor.execute(job);
                resumed++;
            }
        }
        if (resumed > 0) {
            LOG.info("Re-queued {} interrupted jobs", resumed);
        }
    }

    private Integer publishedVersion(JobRecord r) {
        try {
            return models.record(r.modelId()).versions().stream().filter(v -> r.id().equals(v.jobId()))
                    .map(ModelRecord.VersionInfo::version).findFirst().orElse(null);
        } catch (IOException | ServiceException e) {
            return null;
        }
    }

    @Override
    public void stop() {
        accepting = false;
        shuttingDown = true;
        executor.shutdown();
        try {
            if (!executor.awaitTermination(properties.shutdownTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warn("Training workers did not stop within {}", properties.shutdownTimeout());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public boolean isRunning() {
        return accepting;
    }

    @Override
    public int getPhase() {
        // stop after the web server stopped taking requests, before the store and the rest go away
        return SmartLifecycle.DEFAULT_PHASE - 1024;
    }
}
