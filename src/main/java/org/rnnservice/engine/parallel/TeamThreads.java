package org.rnnservice.engine.parallel;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * The threads of every open {@link Team} in this JVM, against the cores: whether they are more, as when two jobs
 * train at once, each on every core. Then {@link SpinThenPark} waits park at once instead of spinning.
 */
final class TeamThreads {

    private static final int CORES = Runtime.getRuntime().availableProcessors();
    private static final AtomicInteger OPEN = new AtomicInteger();

    private TeamThreads() {
    }

    static void join(int threads) {
        OPEN.addAndGet(threads);
    }

    static void leave(int threads) {
        OPEN.addAndGet(-threads);
    }

    /** Whether the open teams have more threads than there are cores. */
    static boolean oversubscribed() {
        return OPEN.get() > CORES;
    }
}
