package org.rnnservice.jobs;

/** A job in this process: its latest record and whether a user asked to cancel it. */
final class TrainingJob implements Runnable {

    private volatile JobRecord record;
    private volatile boolean cancelRequested;
    private volatile boolean keepOnCancel;
    private final java.util.function.Consumer<TrainingJob> body;

    TrainingJob(JobRecord record, java.util.function.Consumer<TrainingJob> body) {
        this.record = record;
        this.body = body;
    }

    JobRecord record() {
        return record;
    }

    void update(JobRecord next) {
        this.record = next;
    }

    String id() {
        return record.id();
    }

    boolean cancelRequested() {
        return cancelRequested;
    }

    /** Whether a cancelled job publishes its last completed epoch's weights. */
    boolean keepOnCancel() {
        return keepOnCancel;
    }

    void requestCancel(boolean keep) {
        keepOnCancel = keep;
        cancelRequested = true;
    }

    @Override
    public void run() {
        body.accept(this);
    }
}
