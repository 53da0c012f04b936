package org.rnnservice.jobs;

/** A training job's life: {@code QUEUED -> RUNNING -> SUCCEEDED | FAILED | CANCELLED}. */
public enum JobState {
    QUEUED, RUNNING, SUCCEEDED, FAILED, CANCELLED;

    public boolean isFinal() {
        return this == SUCCEEDED || this == FAILED || this == CANCELLED;
    }
}
