package org.rnnservice.jobs;

import com.github.kagkarlsson.scheduler.Scheduler;
import com.github.kagkarlsson.scheduler.SchedulerName;
import com.github.kagkarlsson.scheduler.exceptions.TaskInstanceCurrentlyExecutingException;
import com.github.kagkarlsson.scheduler.exceptions.TaskInstanceNotFoundException;
import com.github.kagkarlsson.scheduler.task.TaskInstanceId;
import com.github.kagkarlsson.scheduler.task.helper.OneTimeTask;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.rnnservice.RnnProperties;
import org.rnnservice.errors.ServiceException;
import org.rnnservice.storage.Store;
import org.rnnservice.storage.StoreUnavailableException;
import org.rnnservice.storage.postgres.SchedulerTable;
import org.rnnservice.storage.WriteFence;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;

/**
 * Jobs shared by replicas on one PostgreSQL ({@code rnn.store=postgres}), claimed with db-scheduler: a submitted job
 * is a row that any replica's scheduler picks with {@code SELECT ... FOR UPDATE SKIP LOCKED}, trains on one of its
 * {@code rnn.workers} threads, and keeps alive with heartbeats. A replica that stops heartbeating loses the row within
 * {@code rnn.cluster.lease}; another revives it and resumes the job from its last checkpoint in the store. The queue
 * bound counts the rows not yet picked, under a transaction-scoped advisory lock, so the 429 holds cluster-wide.
 */
@Component
@ConditionalOnProperty(name = "rnn.store", havingValue = "postgres")
class ClusterDispatch implements JobDispatch {

    private static final Logger LOG = LoggerFactory.getLogger(ClusterDispatch.class);
    static final String TASK = "train-job";
    /** How long a reserved place waits for its job's record before it falls due anyway (see {@link #reserve}). */
    private static final Duration RESERVATION = Duration.ofMinutes(1);
    /** The advisory lock that makes counting the queue and adding to it one step across replicas. */
    private static final long ADMISSION_LOCK = 0x726e6e2d71L;
    /** Heartbeats per lease. */
    private static final int HEARTBEATS_PER_LEASE = 6;
    /**
     * Missed heartbeats after which a replica counts as dead: fewer than a lease's worth, so that the check for dead
     * replicas (every heartbeat) and the next poll still fall within the lease.
     */
    private static final int MISSED_HEARTBEATS = 4;

    private final SchedulerTable table;
    private final Store store;
    private final JobRecords records;
    private final JobRunner runner;
    private final RnnProperties properties;
    private final OneTimeTask<Void> train;
    private final AtomicInteger running = new AtomicInteger();
    private Scheduler scheduler;
    private final CancelRelay cancels;
    private final EventRelay relay;
    private ScheduledExecutorService cancelWatch; // also relays the events of jobs trained elsewhere

    ClusterDispatch(SchedulerTable table, Store store, JobRecords records, JobRunner runner,
                    JobEvents events, RnnProperties properties) {
        this.cancels = new CancelRelay(store, records);
        this.relay = new EventRelay(store, records, events);
        this.table = table;
        this.store = store;
        this.records = records;
        this.runner = runner;
        this.properties = properties;
        // a job this replica cannot finish (it died, or paused it to shut down) goes back to the queue at its
        // original place, ahead of jobs submitted after it, for another replica to resume from its checkpoint
        this.train = Tasks.oneTime(TASK)
                .onFailure(this::failed)
                .onDeadExecution((complete, operations) -> {
                    LOG.info("Job {} lost its replica {}; back in the queue", complete.getExecution().taskInstance
                            .getId(), complete.getExecution().pickedBy);
                    operations.reschedule(complete, complete.getExecution().executionTime);
                })
                .execute((instance, context) -> train(instance.getId(), new WriteFence(TASK, instance.getId(),
                        context.getExecution().pickedBy, context.getExecution().version)));
    }

    /**
     * A claimed job that did not end here: paused for shutdown, taken over meanwhile, or its record unreadable. It
     * goes back to the queue at its place, but a record that stays unreadable is given up after
     * {@link #UNREADABLE_ATTEMPTS} tries rather than retried at every poll; and an execution another replica has taken
     * over is left to it (its row's version moved on, so there is nothing of this replica's to reschedule).
     */
    private void failed(com.github.kagkarlsson.scheduler.task.ExecutionComplete complete,
                        com.github.kagkarlsson.scheduler.task.ExecutionOperations<Void> operations) {
        String id = complete.getExecution().taskInstance.getId();
        boolean unreadable = complete.getCause().filter(UnreadableJob.class::isInstance).isPresent();
        int attempts = complete.getExecution().consecutiveFailures + 1;
        try {
            if (unreadable && attempts >= UNREADABLE_ATTEMPTS) {
                LOG.error("Job {} given up after {} attempts to read its record: {}", id, attempts,
                        complete.getCause().get().getMessage());
                operations.stop();
                return;
            }
            operations.reschedule(complete, unreadable ? Instant.now().plus(Duration.ofSeconds(5L * attempts))
                    : complete.getExecution().executionTime);
        } catch (RuntimeException e) {
            LOG.info("Job {} is another replica's now: {}", id, e.getMessage());
        }
    }

    /** Tries to read a job's record before its queue row is given up: {@link #failed}. */
    private static final int UNREADABLE_ATTEMPTS = 5;

    /** A claimed job whose record cannot be read. */
    private static final class UnreadableJob extends IllegalStateException {
        UnreadableJob(String id, IOException cause) {
            super("cannot read job " + id + ": " + cause.getMessage(), cause);
        }
    }

    /**
     * Trains a claimed job to its end on this thread, which db-scheduler heartbeats meanwhile; every write for it is
     * fenced by this replica's claim, so that once another replica has taken the job over, this one writes nothing.
     */
    private void train(String id, WriteFence claim) {
        try {
            claim.guard(() -> trainClaimed(id));
        } catch (IOException e) {
            throw new IllegalStateException("job " + id + ": " + e.getMessage(), e);
        }
    }

    private void trainClaimed(String id) {
        JobRecord r;
        try {
            r = store.get(Store.Collection.JOBS, id, JobRecord.class).orElse(null);
        } catch (IOException e) {
            throw new UnreadableJob(id, e);
        }
        if (r == null || r.state().isFinal()) {
            return;
        }
        TrainingJob job = new TrainingJob(r, runner::run);
        records.add(job);
        try {
            if (!runner.resumable(job)) {
                return;
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot record job " + id + ": " + e.getMessage(), e);
        }
        if (r.state() == JobState.RUNNING) {
            LOG.info("Job {} taken over from {}", id, r.worker());
        }
        running.incrementAndGet();
        try {
            runner.run(job);
        } finally {
            running.decrementAndGet();
        }
        if (!job.record().state().isFinal()) {
            // paused for this replica's shutdown, or taken over by another replica meanwhile: it goes on elsewhere
            records.forget(id);
            throw new IllegalStateException("job " + id + " stopped on this replica before its end; another replica"
                    + " resumes it");
        }
    }

    /**
     * One short transaction under a transaction-scoped advisory lock, so that counting the queue and joining it are
     * one step across replicas: the job's row goes in due only after {@link #RESERVATION}, so that no replica starts it
     * before its record is stored; {@link #enqueue} then makes it due now. Were the submitting replica to die in
     * between, the row falls due by itself, and the replica that picks it finds no record and drops it.
     */
    @Override
    public boolean reserve(String jobId) {
        try {
            return table.admit(TASK, jobId, Instant.now().plus(RESERVATION), properties.queueCapacity(),
                    ADMISSION_LOCK);
        } catch (StoreUnavailableException e) {
            throw ServiceException.unavailable("the job queue's database cannot be reached (" + e.getCause()
                    .getMessage() + "); retry shortly", 5);
        }
    }

    @Override
    public void giveBack(String jobId) {
        try {
            scheduler.cancel(TaskInstanceId.of(TASK, jobId));
        } catch (TaskInstanceNotFoundException | TaskInstanceCurrentlyExecutingException e) {
            // nothing reserved any more
        }
    }

    @Override
    public void enqueue(TrainingJob job) {
        scheduler.reschedule(TaskInstanceId.of(TASK, job.id()), Instant.now());
    }

    @Override
    public void requeue(TrainingJob job) {
        scheduler.scheduleIfNotExists(train.instance(job.id()), Instant.now());
    }

    @Override
    public boolean remove(TrainingJob job) {
        try {
            scheduler.cancel(TaskInstanceId.of(TASK, job.id()));
            return true;
        } catch (TaskInstanceCurrentlyExecutingException | TaskInstanceNotFoundException e) {
            return false;
        }
    }

    @Override
    public boolean trainsWhereSubmitted() {
        return false;
    }

    /** Here, the job stops at its next batch; elsewhere, its replica finds the request within a second. */
    @Override
    public void requestCancel(TrainingJob job, boolean keep) throws IOException {
        job.requestCancel(keep);
        if (!records.trainsHere(job.id())) {
            store.put(Store.Collection.CANCELS, job.id(), Map.of("keep", keep));
        }
    }

    @Override
    public int capacity() {
        return properties.queueCapacity();
    }

    @Override
    public int workers() {
        return properties.workers();
    }

    @Override
    public int running() {
        return running.get();
    }

    /** Jobs waiting for any replica. */
    @Override
    public int waiting() {
        try {
            return table.waiting(TASK);
        } catch (StoreUnavailableException e) {
            return -1;
        }
    }

    @Override
    public synchronized void start() {
        Duration lease = properties.cluster().lease();
        scheduler = table.scheduler(train)
                .threads(properties.workers())
                .pollingInterval(Duration.ofSeconds(1))
                .heartbeatInterval(lease.dividedBy(HEARTBEATS_PER_LEASE))
                .missedHeartbeatsLimit(MISSED_HEARTBEATS)
                .schedulerName(new SchedulerName.Fixed(properties.replicaId()))
                .shutdownMaxWait(properties.shutdownTimeout())
                .enableImmediateExecution()
                .build();
        scheduler.start();
        cancelWatch = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "rnn-cancel-watch");
            t.setDaemon(true);
            return t;
        });
        cancelWatch.scheduleWithFixedDelay(cancels, 1, 1, TimeUnit.SECONDS);
        cancelWatch.scheduleWithFixedDelay(relay, 1, 1, TimeUnit.SECONDS);
        LOG.info("Replica {} takes jobs from PostgreSQL: {} workers, lease {}", properties.replicaId(),
                properties.workers(), lease);
    }

    /** Stops taking jobs; the running ones pause at their next batch, and this waits for them up to {@code timeout}. */
    @Override
    public synchronized boolean shutdown(Duration timeout) throws InterruptedException {
        if (cancelWatch != null) {
            cancelWatch.shutdownNow();
        }
        if (scheduler != null) {
            Scheduler stopping = scheduler;
            Thread stop = new Thread(stopping::stop, "rnn-scheduler-stop");
            stop.setDaemon(true);
            stop.start();
            stop.join(timeout.toMillis());
        }
        return running.get() == 0;
    }
}
