package org.rnnservice.engine.parallel;

import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * The threads that run the other parts of a split batch, shared by every trainer and model and kept for a minute
 * when idle. Reusing warm threads matters beyond thread creation: a new thread's empty scratch buffers take branches
 * the compiled kernels never saw, and C2 then discards those kernels and runs them interpreted until it has compiled
 * them again.
 *
 * <p>A helper that finished a task, and a caller waiting for a result, spin for a moment before they park (as
 * OpenMP's threads do): a training batch of a small model takes about a millisecond, and waking a parked thread on a
 * virtual machine, whose idle vCPU the hypervisor has halted, can take a good part of that.
 */
public final class HelperThreads {

    /** How long an idle helper polls for its next task, and a caller for a result, before parking. */
    static final long SPIN_NANOS = TimeUnit.MILLISECONDS.toNanos(2);
    private static final long KEEP_ALIVE_NANOS = TimeUnit.SECONDS.toNanos(60);

    /** Idle helpers, the most recently busy first: it is the one still spinning, with its scratch still in cache. */
    private static final ConcurrentLinkedDeque<Helper> IDLE = new ConcurrentLinkedDeque<>();

    private HelperThreads() {
    }

    /**
     * Whether a wait that began at {@code start} should go on spinning (for at most {@code limit} ns), after
     * {@link Thread#onSpinWait} once more. The clock is read only every 64th time: the two vCPUs may be hyperthreads
     * of one core, where every instruction a waiting thread runs is taken from the working one.
     */
    static boolean spinning(int spins, long start, long limit) {
        if ((spins & 63) != 0 || System.nanoTime() - start < limit) {
            Thread.onSpinWait();
            return true;
        }
        return false;
    }

    /** Runs {@code task} on an idle helper, or on a new one when none is idle. */
    public static <T> Future<T> submit(Callable<T> task) {
        SpinningTask<T> f = new SpinningTask<>(task);
        for (Helper h = IDLE.poll(); h != null; h = IDLE.poll()) {
            if (h.offer(f)) {
                return f;
            }
        }
        new Helper(f).start();
        return f;
    }

    /** {@link #submit(Callable)} for a task without a result. */
    public static Future<?> submit(Runnable task) {
        return submit(() -> {
            task.run();
            return null;
        });
    }

    /**
     * A task and its result, which its caller waits for by spinning first, then by parking. Not a {@code FutureTask}:
     * the helper must be back in the idle queue before the caller sees the result, or the caller's next submission
     * would find no idle helper and start another thread.
     */
    private static final class SpinningTask<T> implements Future<T> {

        private final Callable<T> task;
        private T result;
        private Throwable failure;
        private volatile boolean done;
        private volatile Thread waiter; // the thread in get(), to wake when done; whoever it is

        SpinningTask(Callable<T> task) {
            this.task = task;
        }

        void compute() {
            try {
                result = task.call();
            } catch (Throwable t) {
                failure = t;
            }
        }

        void complete() {
            done = true;
            Thread w = waiter;
            if (w != null) {
                LockSupport.unpark(w);
            }
        }

        @Override
        public T get() throws InterruptedException, ExecutionException {
            awaitDone(Long.MAX_VALUE);
            return outcome();
        }

        @Override
        public T get(long timeout, TimeUnit unit) throws InterruptedException, ExecutionException, TimeoutException {
            if (!awaitDone(unit.toNanos(timeout))) {
                throw new TimeoutException("the helper's task is still running");
            }
            return outcome();
        }

        /** Spins, then parks, until the task is done or {@code nanos} have passed; whether it is done. */
        private boolean awaitDone(long nanos) throws InterruptedException {
            // set before done is read: either complete() sees this thread, or this thread sees done
            waiter = Thread.currentThread();
            long start = System.nanoTime();
            for (int spins = 1; !done; spins++) {
                if (spinning(spins, start, Math.min(SPIN_NANOS, nanos))) {
                    continue;
                }
                if (Thread.interrupted()) {
                    throw new InterruptedException();
                }
                long left = nanos - (System.nanoTime() - start);
                if (left <= 0) {
                    return false;
                }
                LockSupport.parkNanos(this, left);
            }
            return true;
        }

        private T outcome() throws ExecutionException {
            if (failure != null) {
                throw new ExecutionException(failure);
            }
            return result;
        }

        @Override
        public boolean cancel(boolean mayInterruptIfRunning) {
            return false;
        }

        @Override
        public boolean isCancelled() {
            return false;
        }

        @Override
        public boolean isDone() {
            return done;
        }
    }

    /** One daemon thread with a one-task mailbox: empty while idle, a task, or {@link #RETIRED} once it has ended. */
    private static final class Helper extends Thread {

        private static final SpinningTask<?> RETIRED = new SpinningTask<>(() -> null);

        private final AtomicReference<SpinningTask<?>> mailbox = new AtomicReference<>();
        private SpinningTask<?> first;

        Helper(SpinningTask<?> first) {
            super("rnn-helper");
            this.first = first;
            setDaemon(true);
        }

        /** Hands this idle helper a task; false when it has retired in the meantime. */
        boolean offer(SpinningTask<?> task) {
            if (mailbox.compareAndSet(null, task)) {
                LockSupport.unpark(this);
                return true;
            }
            return false;
        }

        @Override
        public void run() {
            SpinningTask<?> task = first;
            first = null;
            while (task != null) {
                task.compute();
                IDLE.push(this);
                task.complete();
                task = await();
            }
        }

        /** The next task, or null after a minute without one. */
        private SpinningTask<?> await() {
            long start = System.nanoTime();
            for (int spins = 1; ; spins++) {
                SpinningTask<?> task = mailbox.get();
                if (task != null) {
                    mailbox.set(null);
                    return task;
                }
                if (spinning(spins, start, SPIN_NANOS)) {
                    continue;
                }
                long idle = System.nanoTime() - start;
                if (idle < KEEP_ALIVE_NANOS) {
                    Thread.interrupted(); // a task's leftover interrupt must not turn parking into spinning
                    LockSupport.parkNanos(this, KEEP_ALIVE_NANOS - idle);
                } else if (mailbox.compareAndSet(null, RETIRED)) {
                    IDLE.remove(this);
                    return null;
                }
            }
        }
    }
}
