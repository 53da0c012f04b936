package org.rnnservice.engine.parallel;

import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The threads that run the other parts of a split batch, shared by every trainer and model and kept for a minute
 * when idle. Reusing warm threads matters beyond thread creation: a new thread's empty scratch buffers take branches
 * the compiled kernels never saw, and C2 then discards those kernels and runs them interpreted until it has compiled
 * them again.
 */
public final class HelperThreads {

    private static final ExecutorService POOL = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "rnn-helper");
        t.setDaemon(true);
        return t;
    });

    private HelperThreads() {
    }

    public static <T> Future<T> submit(Callable<T> task) {
        return POOL.submit(task);
    }

    public static Future<?> submit(Runnable task) {
        return POOL.submit(task);
    }
}
