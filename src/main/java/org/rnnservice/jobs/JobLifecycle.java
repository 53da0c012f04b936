package org.rnnservice.jobs;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.rnnservice.RnnProperties;
import org.rnnservice.storage.Store;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Takes stored jobs up at start (running ones resume from their last checkpoint, queued ones are queued again in
 * their order) and, at shutdown, stops taking jobs and lets running ones reach a checkpoint.
 */
@Component
class JobLifecycle implements SmartLifecycle {

    private static final Logger LOG = LoggerFactory.getLogger(JobLifecycle.class);

    private final Store store;
    private final JobService jobs;
    private final JobRecords records;
    private final JobDispatch queue;
    private final JobRunner runner;
    private final RnnProperties properties;
    private volatile boolean running;

    JobLifecycle(Store store, JobService jobs, JobRecords records, JobDispatch queue, JobRunner runner,
                 RnnProperties properties) {
        this.store = store;
        this.jobs = jobs;
        this.records = records;
        this.queue = queue;
        this.runner = runner;
        this.properties = properties;
    }

    /** Starts the workers and takes up stored jobs; after a {@link #stop} it starts afresh, as after a restart. */
    @Override
    public void start() {
        queue.start();
        runner.resume();
        records.clear();
        try {
            if (queue.trainsWhereSubmitted()) {
                recover(); // with several replicas, interrupted jobs wait in the database for any of them
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot read stored jobs: " + e.getMessage(), e);
        }
        jobs.accepting(true);
        running = true;
    }

    private void recover() throws IOException {
        List<JobRecord> stored = new ArrayList<>(store.list(Store.Collection.JOBS, JobRecord.class));
        stored.sort(Comparator.comparing((JobRecord r) -> r.state() == JobState.RUNNING ? 0 : 1)
                .thenComparing(JobRecord::submittedAt));
        int resumed = 0;
        for (JobRecord r : stored) {
            TrainingJob job = new TrainingJob(r, runner::run);
            records.add(job);
            if (r.state().isFinal()) {
                continue;
            }
            if (runner.resumable(job)) {
                queue.requeue(job);
                resumed++;
            }
        }
        if (resumed > 0) {
            LOG.info("Re-queued {} interrupted jobs", resumed);
        }
    }

    @Override
    public void stop() {
        jobs.accepting(false);
        runner.pause();
        running = false;
        try {
            if (!queue.shutdown(properties.shutdownTimeout())) {
                LOG.warn("Training workers did not stop within {}", properties.shutdownTimeout());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        // stop after the web server stopped taking requests, before the store and the rest go away
        return SmartLifecycle.DEFAULT_PHASE - 1024;
    }
}
