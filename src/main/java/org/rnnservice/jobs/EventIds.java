package org.rnnservice.jobs;

import java.util.List;

/**
 * The ids of a job's events: each event's place in the job's course, computed from what it says, so that every
 * replica (the one that trains the job, and those that relay its stored record) gives an event the same id. Ids grow
 * with the course: the block of {@code k} epochs done holds, in order, the event of epoch {@code k}, the job's
 * queued and running states, the progress of each batch of epoch {@code k + 1}, and last the job's end.
 */
final class EventIds {

    /** Ids per block of one epoch: more than any epoch's batches. */
    static final long STRIDE = 1_000_000_000L;

    private EventIds() {
    }

    /** The event that epoch {@code epoch} (counted from 1) ended. */
    static long epoch(int epoch) {
        return epoch * STRIDE;
    }

    /** A progress event: batch {@code batch} (from 1) of epoch {@code epoch} (from 1). */
    static long progress(JobRecord.Progress p) {
        return (p.epoch() - 1L) * STRIDE + 2 + p.batch();
    }

    /** The event of a job's state, placed after the epochs it has done. */
    static long state(JobRecord job) {
        long block = epochsDone(job) * STRIDE;
        return switch (job.state()) {
            case QUEUED -> block + 1;
            case RUNNING -> block + 2;
            default -> block + STRIDE - 1;
        };
    }

    static int epochsDone(JobRecord job) {
        return job.history().getOrDefault("loss", List.of()).size();
    }
}
