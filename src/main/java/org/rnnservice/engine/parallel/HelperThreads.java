package org.rnnservice.engine.parallel;

import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * A bounded pool of daemon threads that run the other shares of a split batch or prediction, each kept for a minute
 * when idle. The most recently busy idle helper takes the next share: it is the one still spinning, with its scratch
 * buffers in cache and sized, and reusing warm threads matters beyond creation (a new thread's empty scratch buffers
 * take branches the compiled kernels never saw, and C2 then discards them; a standard executor, which hands work to
 * its threads in turn, measured 5-13% slower on the training benchmarks for that reason).
 *
 * <p>When all {@code maxThreads} helpers are busy, a share is not queued: the caller that split the work does it
 * itself ({@link Share#join} returns at once for a share no helper took), so a full pool slows work down but never
 * blocks it. Waits follow {@link SpinThenPark}.
 */
public final class HelperThreads {

    private static final long KEEP_ALIVE_NANOS = TimeUnit.SECONDS.toNanos(60);
    private static final HelperThreads SHARED = new HelperThreads(Math.max(2, 2 * Runtime.getRuntime()
            .availableProcessors()));

    private final int maxThreads;
    private final AtomicInteger live = new AtomicInteger();
    /** Idle helpers, the most recently busy first. */
    private final ConcurrentLinkedDeque<Helper> idle = new ConcurrentLinkedDeque<>();

    /** A pool of at most {@code maxThreads} threads. */
    public HelperThreads(int maxThreads) {
        if (maxThreads < 1) {
            throw new IllegalArgumentException("a helper pool needs at least one thread, got " + maxThreads);
        }
        this.maxThreads = maxThreads;
    }

    /** The pool of this JVM for callers that are given none: twice the cores. */
    public static HelperThreads shared() {
        return SHARED;
    }

    /** Helper threads alive now, busy or idle. */
    public int liveThreads() {
        return live.get();
    }

    /**
     * Hands {@code task} to an idle helper, or to a new one while the pool is below its bound; otherwise no helper
     * runs it. The caller {@link Share#join}s the share once it has done what it could itself.
     */
    public Share start(Runnable task) {
        Share share = new Share(task);
        for (Helper h = idle.poll(); h != null; h = idle.poll()) {
            if (h.offer(share)) {
                return share;
            }
        }
        for (int n = live.get(); n < maxThreads; n = live.get()) {
            if (live.compareAndSet(n, n + 1)) {
                new Helper(share).start();
                return share;
            }
        }
        share.skip();
        return share;
    }

    /** Work a caller handed to a helper, which either runs entirely on a helper or not at all. */
    public static final class Share {
        private static final int NEW = 0;
        private static final int RUNNING = 1;
        private static final int SKIPPED = 2;

        private final Runnable task;
        private final AtomicInteger phase = new AtomicInteger(NEW);
        private Throwable failure;
        private volatile boolean done;
        private volatile Thread waiter; // the thread in join(), to wake when done

        private Share(Runnable task) {
            this.task = task;
        }

        private void skip() {
            phase.compareAndSet(NEW, SKIPPED);
        }

        /** On the helper: runs the task unless the caller took it back. */
        private void run() {
            if (phase.compareAndSet(NEW, RUNNING)) {
                try {
                    task.run();
                } catch (Throwable t) {
                    failure = t;
                }
            }
        }

        private void complete() {
            done = true;
            Thread w = waiter;
            if (w != null) {
                LockSupport.unpark(w);
            }
        }

        /**
         * Waits for the task if a helper has started it, or makes sure it never starts; a failure of the task is
         * thrown here.
         */
        public void join() {
            if (phase.get() == SKIPPED || phase.compareAndSet(NEW, SKIPPED)) {
                return;
            }
            // set before done is read: either complete() sees this thread, or this thread sees done
            waiter = Thread.currentThread();
            long start = System.nanoTime();
            boolean interrupted = false;
            for (int spins = 1; !done; spins++) {
                if (!SpinThenPark.spinning(spins, start)) {
                    LockSupport.park(this);
                    // the helper may still be writing into the caller's buffers: wait on, then restore the interrupt
                    interrupted |= Thread.interrupted();
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
            if (failure instanceof RuntimeException r) {
                throw r;
            }
            if (failure instanceof Error e) {
                throw e;
            }
            if (failure != null) {
                throw new IllegalStateException(failure);
            }
        }

        /** Whether a helper ran (or is running) the task. */
        public boolean ranOnHelper() {
            return phase.get() == RUNNING;
        }
    }

    /** One daemon thread with a one-share mailbox: empty while idle, a share, or {@link #RETIRED} once it ended. */
    private final class Helper extends Thread {

        private final Share retired = new Share(() -> { });
        private final AtomicReference<Share> mailbox = new AtomicReference<>();
        private Share first;

        Helper(Share first) {
            super("rnn-helper");
            this.first = first;
            setDaemon(true);
        }

        /** Hands this idle helper a share; false when it has retired in the meantime. */
        boolean offer(Share share) {
            if (mailbox.compareAndSet(null, share)) {
                LockSupport.unpark(this);
                return true;
            }
            return false;
        }

        @Override
        public void run() {
            Share share = first;
            first = null;
            while (share != null) {
                share.run();
                // idle again before the caller sees the result, so its next share finds this warm helper
                idle.push(this);
                share.complete();
                share = await();
            }
        }

        /** The next share, or null after a minute without one. */
        private Share await() {
            long start = System.nanoTime();
            for (int spins = 1; ; spins++) {
                Share share = mailbox.get();
                if (share != null && share != retired) {
                    mailbox.set(null);
                    return share;
                }
                if (SpinThenPark.spinning(spins, start)) {
                    continue;
                }
                long idleFor = System.nanoTime() - start;
                if (idleFor < KEEP_ALIVE_NANOS) {
                    Thread.interrupted(); // a task's leftover interrupt must not turn parking into spinning
                    LockSupport.parkNanos(this, KEEP_ALIVE_NANOS - idleFor);
                } else if (mailbox.compareAndSet(null, retired)) {
                    idle.remove(this);
                    live.decrementAndGet();
                    return null;
                }
            }
        }
    }
}
