package org.rnnservice.jobs;

import java.time.Duration;

/**
 * Where accepted jobs go to be trained: this process's worker pool ({@link JobQueue}), or, with
 * {@code rnn.store=postgres}, whichever replica claims them first ({@link ClusterDispatch}).
 */
interface JobDispatch {

    /** Takes a place in the bounded queue for the job of this id; false when it is full (the API's 429). */
    boolean reserve(String jobId);

    /** Returns a place {@link #reserve} took, for a job that will not be queued after all. */
    void giveBack(String jobId);

    /** Queues a stored job for which a place was reserved. */
    void enqueue(TrainingJob job);

    /** Queues a stored job again after a restart, whatever the bound: it was accepted before. */
    void requeue(TrainingJob job);

    /** Takes a queued job out before any worker started it; false if one has it already. */
    boolean remove(TrainingJob job);

    /** Whether jobs submitted here also train here, so this process may hold their model and data. */
    boolean trainsWhereSubmitted();

    /** Asks whichever process trains a job to cancel it at its next batch. */
    void requestCancel(TrainingJob job, boolean keep) throws java.io.IOException;

    int capacity();

    int workers();

    int running();

    int waiting();

    /** Starts (or starts again, after {@link #shutdown}) taking jobs. */
    void start();

    /** Stops taking jobs and waits up to {@code timeout} for the running ones; false if they did not end. */
    boolean shutdown(Duration timeout) throws InterruptedException;
}
