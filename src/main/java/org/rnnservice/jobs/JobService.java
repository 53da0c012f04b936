package org.rnnservice.jobs;

import java.io.IOException;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import org.rnnservice.RnnProperties;
import org.rnnservice.datasets.DatasetRecord;
import org.rnnservice.datasets.DatasetService;
import org.rnnservice.engine.model.CompileSpec;
import org.rnnservice.engine.model.Sequential;
import org.rnnservice.engine.train.Adaptation;
import org.rnnservice.engine.train.FitOptions;
import org.rnnservice.engine.train.InvalidFitException;
import org.rnnservice.engine.train.Trainer;
import org.rnnservice.errors.ServiceException;
import org.rnnservice.models.DatasetFit;
import org.rnnservice.models.ModelCatalog;
import org.rnnservice.models.ModelRecord;
import org.rnnservice.storage.Store;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * Training jobs as users see them: submission (checked as {@code fit} will check it, then queued), status, listing,
 * events and cancellation. Jobs run in {@link JobRunner}; {@link JobLifecycle} takes them up again after a restart.
 */
@Service
public class JobService {

    private static final Logger LOG = LoggerFactory.getLogger(JobService.class);

    private final Store store;
    private final ModelCatalog models;
    private final DatasetService datasets;
    private final JobRecords records;
    private final JobDispatch queue;
    private final JobHolds holds;
    private final JobRunner runner;
    private final JobEvents events;
    private final RnnProperties properties;
    private volatile boolean accepting;

    public JobService(Store store, ModelCatalog models, DatasetService datasets, JobRecords records, JobDispatch queue,
                      JobHolds holds, JobRunner runner, JobEvents events, RnnProperties properties) {
        this.store = store;
        this.properties = properties;
        this.models = models;
        this.datasets = datasets;
        this.records = records;
        this.queue = queue;
        this.holds = holds;
        this.runner = runner;
        this.events = events;
    }

    /** Whether submissions are taken (not while the service starts or shuts down). */
    void accepting(boolean accept) {
        this.accepting = accept;
    }

    /** Workers, jobs running and jobs waiting, for the health endpoint. */
    record PoolStatus(int workers, int running, int queued) {
    }

    /** Jobs this process trains at once. */
    public int workers() {
        return queue.workers();
    }

    /** The jobs carrying every one of {@code tags}, oldest first. */
    public List<JobRecord> tagged(Map<String, String> tags) {
        return records.all().stream().map(TrainingJob::record)
                .filter(r -> r.tags().entrySet().containsAll(tags.entrySet()))
                .sorted(Comparator.comparing(JobRecord::submittedAt)).toList();
    }

    PoolStatus status() {
        return new PoolStatus(queue.workers(), queue.running(), queue.waiting());
    }

    /** Queues a job checked as {@code fit} will check it; its events and state follow on the job's record. */
    public JobRecord submit(JobRequest request) throws IOException {
        if (!accepting) {
            throw ServiceException.unavailable("the service is shutting down", 5);
        }
        ModelRecord model = models.record(request.modelId());
        DatasetRecord ds = datasets.get(request.datasetId());
        CompileSpec compile = ModelCatalog.requireCompiled(model);
        Sequential architecture = models.build(model);
        FitOptions options = check(architecture, compile, request, ds).options();
        String id = UUID.randomUUID().toString();
        if (!queue.reserve(id)) {
            throw ServiceException.busy("the training queue is full (" + queue.capacity()
                    + " jobs waiting); retry later", 30);
        }
        Instant now = Instant.now();
        JobRecord record = new JobRecord(id, model.id(), ds.id(), JobState.QUEUED,
                options.epochs(), options.batchSize(), options.shuffle(), options.validationSplit(),
                request.validationData(), request.validation(), request.test(), request.seasonality(),
                request.earlyStopping(), request.classWeight(), request.callbacks(),
                request.seed() == null ? architecture.spec().seed() : request.seed(), now, null, null,
                JobRecord.Progress.notStarted(options.epochs()), Map.of(), null, null, null, null, null, null, null,
                null, null, request.tags());
        record = record.withParams(RunParams.of(model.definition(), record));
        try {
            if (!holds.hold(record)) {
                throw ServiceException.conflict("the model or a dataset was deleted while the job was being"
                        + " submitted");
            }
            try {
                store.put(Store.Collection.JOBS, record.id(), record);
            } catch (IOException | RuntimeException e) {
                holds.release(record);
                throw e;
            }
        } catch (IOException | RuntimeException e) {
            queue.giveBack(id);
            throw e;
        }
        TrainingJob job = new TrainingJob(record, runner::run);
        records.add(job);
        queue.enqueue(job);
        LOG.info("Job {} queued: model {}, dataset {}, {} epochs, batch {}", record.id(), record.modelId(),
                record.datasetId(), record.epochs(), record.batchSize());
        return record;
    }

    /**
     * Checks a job's fit settings and data against a model as {@code fit} will (the request's {@code model_id} is not
     * read) and answers the keys its logs will have ({@code loss}, metrics, their {@code val_} forms).
     */
    public List<String> check(Sequential architecture, CompileSpec compile, JobRequest request) throws IOException {
        return check(architecture, compile, request, datasets.get(request.datasetId())).logKeys();
    }

    /** What a check found: the fit options the request gives and the keys the job's logs will have. */
    private record Checked(FitOptions options, List<String> logKeys) {
    }

    private Checked check(Sequential architecture, CompileSpec compile, JobRequest request, DatasetRecord ds)
            throws IOException {
        DatasetFit.check(architecture, ds);
        DatasetRecord validation = null;
        if (request.validationData() != null) {
            if (request.validationSplit() != null && request.validationSplit() > 0) {
                throw ServiceException.badRequest("validation_data", "give validation_split or validation_data, not"
                        + " both (Keras would ignore validation_split)");
            }
            validation = datasets.get(request.validationData());
            DatasetFit.check(architecture, validation, "validation_data");
        }
        if (request.test() != null && request.validationData() != null) {
            throw ServiceException.badRequest("test", "test is cut from the end of the training dataset; with"
                    + " validation_data, hold the test range out of that dataset instead");
        }
        if (request.validation() != null && (request.validationData() != null
                || request.validationSplit() != null && request.validationSplit() > 0)) {
            throw ServiceException.badRequest("validation", "give one of validation, validation_split and"
                    + " validation_data");
        }
        if (request.seasonality() != null && !ds.isSeries()) {
            throw ServiceException.badRequest("seasonality", "seasonality applies to a series dataset (a CSV upload);"
                    + " dataset " + ds.id() + " is " + ds.kind());
        }
        String unadaptable = Adaptation.unadaptable(architecture);
        if (unadaptable != null) {
            throw ServiceException.unprocessable("layers", unadaptable);
        }
        FitOptions options = FitSettings.of(request);
        Trainer trainer = new Trainer(architecture, compile);
        FitSettings.reportForecastErrors(trainer, ds);
        if (options.reduceLr() != null && !trainer.optimizer().learningRateSettable()) {
            throw ServiceException.badRequest("callbacks", "ReduceLROnPlateau cannot change a learning-rate schedule"
                    + " (Keras refuses it too); give the optimizer a number as learning_rate");
        }
        List<String> keys = trainer.logKeys(options.validationSplit() > 0 || validation != null
                || request.validation() != null);
        try {
            int tested = request.test() == null ? 0 : request.test().count(ds.samples(), "test");
            int rest = ds.samples() - tested;
            int held = request.validation() == null ? 0 : request.validation().count(rest, "validation");
            options.check(rest - held, keys, architecture.outputShape().sequence());
        } catch (InvalidFitException e) {
            throw e.forTheData() ? ServiceException.unprocessable(e.field(), e.getMessage())
                    : ServiceException.badRequest(e.field(), e.getMessage());
        }
        JobLimits.check(architecture, ds, options, properties, datasets);
        if (validation != null) {
            JobLimits.checkValues(architecture, validation, datasets, "validation_data");
        }
        return new Checked(options, keys);
    }

    public JobRecord get(String id) {
        return records.find(id).record();
    }

    List<JobRecord> list(JobState state, String modelId, Predicate<JobRecord> filter, Comparator<JobRecord> order) {
        return records.all().stream().map(TrainingJob::record)
                .filter(r -> state == null || r.state() == state)
                .filter(r -> modelId == null || r.modelId().equals(modelId))
                .filter(filter)
                .sorted(order)
                .toList();
    }

    /** The job's events; with {@code lastEventId}, from the first one after it when still kept. */
    SseEmitter subscribe(String id, Long lastEventId) {
        get(id);
        return events.subscribe(id, () -> get(id), lastEventId);
    }

    /**
     * Cancels a queued job at once, a running one within one batch; 409 if it already ended. With {@code keep}, a
     * running job publishes the weights of its last completed epoch as the model's next version.
     */
    public JobRecord cancel(String id, boolean keep) throws IOException {
        TrainingJob job = records.find(id);
        synchronized (job) {
            JobState state = job.record().state();
            if (state.isFinal()) {
                throw ServiceException.conflict("job " + id + " already ended " + state);
            }
            if (state == JobState.QUEUED && queue.remove(job)) {
                job.requestCancel(keep);
                records.finish(job, JobState.CANCELLED, "cancelled before it started", null, null, null);
                holds.release(job.record());
            } else {
                queue.requestCancel(job, keep);
            }
        }
        LOG.info("Job {} cancel requested", id);
        return job.record();
    }
}
