package org.rnnservice.engine.parallel;

import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A bounded pool of daemon threads that run the other parts of a split batch or prediction: at most
 * {@code maxThreads} exist, each kept for a minute when idle (warm threads matter beyond creation: a new thread's
 * empty scratch buffers take branches the compiled kernels never saw, and C2 may discard them), and tasks beyond the
 * bound wait in order for a free thread. Callers that split work never wait for a helper to start: they take the work
 * themselves when the helper is late ({@link Team}, {@code Sequential.predictParallel}), so a full pool slows a task
 * down but never blocks it.
 */
public final class HelperThreads {

    private static final HelperThreads SHARED = new HelperThreads(Math.max(2, 2 * Runtime.getRuntime()
            .availableProcessors()));

    private final ThreadPoolExecutor executor;

    /** A pool of at most {@code maxThreads} threads. */
    public HelperThreads(int maxThreads) {
        if (maxThreads < 1) {
            throw new IllegalArgumentException("a helper pool needs at least one thread, got " + maxThreads);
        }
        AtomicInteger count = new AtomicInteger();
        executor = new ThreadPoolExecutor(maxThreads, maxThreads, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                r -> {
                    Thread t = new Thread(r, "rnn-helper-" + count.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        executor.allowCoreThreadTimeOut(true);
    }

    /** The pool of this JVM for callers that are given none: twice the cores. */
    public static HelperThreads shared() {
        return SHARED;
    }

    /** The most threads this pool runs at once. */
    public int maxThreads() {
        return executor.getMaximumPoolSize();
    }

    /** Runs {@code task} on a helper as soon as one is free. */
    public <T> Future<T> submit(Callable<T> task) {
        return executor.submit(task);
    }

    /**
     * Runs a share of work on a helper when one is free; the caller {@link Share#join}s it once it has done what it
     * could itself, which waits only if a helper has started it.
     */
    public Share start(Runnable task) {
        Share share = new Share(task);
        share.future = executor.submit(share::run);
        return share;
    }

    /** Work a caller handed to a helper, which either runs entirely on the helper or not at all. */
    public static final class Share {
        private static final int NEW = 0;
        private static final int RUNNING = 1;
        private static final int SKIPPED = 2;

        private final Runnable task;
        private final AtomicInteger phase = new AtomicInteger(NEW);
        private volatile Future<?> future;

        private Share(Runnable task) {
            this.task = task;
        }

        private void run() {
            if (phase.compareAndSet(NEW, RUNNING)) {
                task.run();
            }
        }

        /**
         * Waits for the task if a helper has started it, or makes sure it never starts; a failure of the task is
         * thrown here.
         */
        public void join() {
            if (phase.compareAndSet(NEW, SKIPPED)) {
                future.cancel(false);
                return;
            }
            try {
                future.get();
            } catch (ExecutionException e) {
                if (e.getCause() instanceof RuntimeException r) {
                    throw r;
                }
                if (e.getCause() instanceof Error err) {
                    throw err;
                }
                throw new IllegalStateException(e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for a helper", e);
            }
        }

        /** Whether a helper ran (or is running) the task. */
        public boolean ranOnHelper() {
            return phase.get() == RUNNING;
        }
    }
}
