package org.rnnservice.jobs;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.time.Instant;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.rnnservice.errors.ServiceException;
import org.rnnservice.storage.Store;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The jobs this process knows, each stored before it is reported: a change of state is written, then announced on
 * the job's event stream.
 */
@Component
class JobRecords {

    private static final Logger LOG = LoggerFactory.getLogger(JobRecords.class);

    private final Store store;
    private final JobEvents events;
    private final Map<String, TrainingJob> jobs = new ConcurrentHashMap<>();
    private final boolean shared; // several replicas share the store: jobs of others are read from it

    JobRecords(Store store, JobEvents events, MeterRegistry meters) {
        this.store = store;
        this.events = events;
        this.shared = store.shared();
        for (JobState s : JobState.values()) {
            Gauge.builder("rnn.jobs", jobs, m -> m.values().stream().filter(j -> j.record().state() == s).count())
                    .tag("state", s.name()).description("jobs by state").register(meters);
        }
        Gauge.builder("rnn.training.samples.per.second", jobs, m -> m.values().stream()
                        .filter(j -> j.record().state() == JobState.RUNNING && j.record().progress() != null
                                && j.record().progress().samplesPerSecond() != null)
                        .mapToDouble(j -> j.record().progress().samplesPerSecond()).sum())
                .description("training throughput of the running jobs").register(meters);
    }

    void add(TrainingJob job) {
        jobs.put(job.id(), job);
    }

    /**
     * The job by id. With a shared store, the copy this replica holds is current only while it trains the job;
     * otherwise the store's is (another replica may have trained it since it was submitted here).
     */
    TrainingJob find(String id) {
        TrainingJob job = jobs.get(id);
        if (shared && !trainsHere(id)) {
            TrainingJob stored = stored(id);
            job = stored != null ? stored : job;
        }
        if (job == null) {
            throw ServiceException.notFound("job", id);
        }
        return job;
    }

    /** Whether this process trains the job now. */
    boolean trainsHere(String id) {
        TrainingJob job = jobs.get(id);
        return job != null && job.record().state() == JobState.RUNNING;
    }

    /** The jobs this process trains now. */
    java.util.List<TrainingJob> trainedHere() {
        return jobs.values().stream().filter(j -> j.record().state() == JobState.RUNNING).toList();
    }

    private TrainingJob stored(String id) {
        try {
            return store.get(Store.Collection.JOBS, id, JobRecord.class).map(JobRecords::view).orElse(null);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** A job as the store has it: its record to read, not a job to run here. */
    private static TrainingJob view(JobRecord r) {
        return new TrainingJob(r, j -> {
            throw new IllegalStateException("job " + r.id() + " is not trained by this replica");
        });
    }

    Collection<TrainingJob> all() {
        if (!shared) {
            return jobs.values();
        }
        Map<String, TrainingJob> out = new java.util.LinkedHashMap<>();
        try {
            for (JobRecord r : store.list(Store.Collection.JOBS, JobRecord.class)) {
                out.put(r.id(), view(r));
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        trainedHere().forEach(j -> out.put(j.id(), j)); // fresher than the store
        return out.values();
    }

    void clear() {
        jobs.clear();
    }

    /** Stops knowing a job this replica no longer trains: what others write of it is read from the store again. */
    void forget(String id) {
        jobs.remove(id);
    }

    /** Stores the job's next record, then makes it the one shown. */
    void persist(TrainingJob job, JobRecord next) throws IOException {
        store.put(Store.Collection.JOBS, next.id(), next);
        job.update(next);
    }

    /** Stores and announces the end of a job. */
    void finish(TrainingJob job, JobState state, String error, Integer version, Integer stoppedAt,
                Integer bestEpoch) throws IOException {
        synchronized (job) {
            persist(job, job.record().finished(state, Instant.now(), error, version, stoppedAt, bestEpoch));
        }
        JobRecord r = job.record();
        events.state(r);
        LOG.info("Job {} {}{}{}", r.id(), state, version != null ? ", model " + r.modelId() + " v" + version : "",
                error != null ? ": " + error : "");
    }

    /** {@link #finish} for a job whose end cannot be reported to a caller: a failure to store it is logged. */
    void finishQuietly(TrainingJob job, JobState state, String error) {
        try {
            finish(job, state, error, null, null, null);
        } catch (IOException e) {
            LOG.error("Job {} could not be stored as {}: {}", job.id(), state, e.getMessage());
        }
    }
}
