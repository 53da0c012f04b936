package org.rnnservice.engine.parallel;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * A caller and helper threads that run one loop at a time together, for as long as the team is open. Each loop is cut
 * into tasks; each thread first runs its own (task {@code i} for the {@code i}-th thread, so a task that works on
 * the same data every time stays with one core's caches), then takes any task still left. The caller waits for the
 * tasks, not for the helpers: a helper whose vCPU is busy elsewhere when a loop starts (the JIT compiler's threads
 * share the same two vCPUs) finds its task done by the caller instead of holding up the loop. Members stay with the
 * team between loops, spinning a moment, then parked. A task may leave {@link Blocks} of work that any thread takes
 * once the task is done, so that threads which finished early share what the slower ones left.
 *
 * <p>Not thread-safe: one thread, the one that opened the team, runs its loops.
 */
public final class Team implements AutoCloseable {

    /** The work of one loop, task by task; must be safe to run on any thread, tasks in any order. */
    public interface Body {
        void run(int task);
    }

    /**
     * Work a task leaves behind when it is done, in blocks that any thread may run in any order: a thread that
     * finished its own task early takes blocks of the others' instead of waiting for them.
     */
    public interface Blocks {
        /** How many blocks task {@code task} left; asked once, right after the task ran. */
        int count(int task);

        void run(int task, int block);
    }

    /** One loop: its body and which of its tasks are taken and done, so a late member never touches another loop. */
    private static final class Loop {
        private static final int NOT_DONE = -1;

        final Body body;
        final Blocks blocks;
        final int tasks;
        final AtomicIntegerArray taken;
        /** Blocks each task left, once it is done; {@link #NOT_DONE} before. */
        final AtomicIntegerArray left;
        final AtomicIntegerArray nextBlock;
        /** Tasks and blocks not finished yet; blocks are added before their task counts as finished. */
        final AtomicInteger outstanding;
        final AtomicReference<Throwable> failure = new AtomicReference<>();

        Loop(Body body, Blocks blocks, int tasks) {
            this.body = body;
            this.blocks = blocks;
            this.tasks = tasks;
            this.taken = new AtomicIntegerArray(tasks);
            this.left = new AtomicIntegerArray(tasks);
            this.nextBlock = new AtomicIntegerArray(tasks);
            this.outstanding = new AtomicInteger(tasks);
            for (int c = 0; c < tasks; c++) {
                left.set(c, NOT_DONE);
            }
        }

        boolean finished() {
            return outstanding.get() == 0;
        }

        /**
         * Runs thread {@code home}'s own tasks of a team of {@code size}, then any left; with blocks, then takes
         * blocks (its own tasks' first) until every task and block is done. Failures are kept.
         */
        void work(int home, int size) {
            for (int c = home; c < tasks; c += size) {
                tryRun(c);
            }
            for (int c = 0; c < tasks; c++) {
                tryRun(c);
            }
            if (blocks == null) {
                return;
            }
            for (int c = home; c < tasks; c += size) {
                while (tryBlock(c)) {
                    // its own tasks' blocks first: their data is in this core's caches
                }
            }
            long start = System.nanoTime();
            for (int spins = 1; !finished(); spins++) {
                boolean ran = false;
                for (int c = 0; c < tasks; c++) {
                    ran |= tryBlock(c);
                }
                if (!ran) {
                    SpinThenPark.pause(spins, start, this);
                }
            }
        }

        private void tryRun(int c) {
            if (taken.get(c) != 0 || !taken.compareAndSet(c, 0, 1)) {
                return;
            }
            int count = 0;
            try {
                body.run(c);
                if (blocks != null) {
                    count = blocks.count(c);
                }
            } catch (Throwable t) {
                failure.compareAndSet(null, t);
            }
            outstanding.addAndGet(count);
            left.set(c, count);
            outstanding.decrementAndGet();
        }

        /** Runs one block of task {@code c} if the task is done and has one not taken yet. */
        private boolean tryBlock(int c) {
            int count = left.get(c);
            if (count <= 0 || nextBlock.get(c) >= count) {
                return false;
            }
            int p = nextBlock.getAndIncrement(c);
            if (p >= count) {
                return false;
            }
            try {
                blocks.run(c, p);
            } catch (Throwable t) {
                failure.compareAndSet(null, t);
            }
            outstanding.decrementAndGet();
            return true;
        }
    }

    private final List<Member> members = new ArrayList<>();
    private final List<HelperThreads.Share> running = new ArrayList<>();
    private volatile Loop loop;
    private volatile boolean closed;
    private int threads; // counted in TeamThreads while open

    private Team() {
    }

    /** A team of {@code threads} threads: the caller and {@code threads - 1} helpers from {@code helpers}. */
    public static Team of(int threads, HelperThreads helpers) {
        Team team = new Team();
        TeamThreads.join(threads);
        team.threads = threads;
        for (int i = 1; i < threads; i++) {
            Member m = team.new Member(i);
            team.members.add(m);
            team.running.add(helpers.start(m));
        }
        return team;
    }

    /** Helpers parked while waiting for the next loop (for tests of the waking). */
    int parkedHelpers() {
        return (int) members.stream().filter(m -> m.parked).count();
    }

    /** Threads in the team, the caller included. */
    public int size() {
        return members.size() + 1;
    }

    /**
     * Runs {@code body} over tasks {@code 0 .. tasks-1} on the threads of the team and returns when all are done; a
     * failure in any task is thrown here, after the others have finished.
     */
    public void run(int tasks, Body body) {
        run(tasks, body, null);
    }

    /**
     * Runs {@code body} over tasks {@code 0 .. tasks-1} as {@link #run(int, Body)} does, and the blocks each task
     * leaves as soon as it is done, on any thread; returns when all tasks and blocks are done.
     */
    public void run(int tasks, Body body, Blocks blocks) {
        if (closed) {
            throw new IllegalStateException("the team is closed");
        }
        Loop l = new Loop(body, blocks, tasks);
        if (!members.isEmpty() && tasks > 1) {
            loop = l;
            for (Member m : members) {
                m.wake();
            }
        }
        l.work(0, size());
        long start = System.nanoTime();
        for (int spins = 1; !l.finished(); spins++) {
            SpinThenPark.pause(spins, start, l);
        }
        Throwable t = l.failure.get();
        if (t instanceof RuntimeException r) {
            throw r;
        } else if (t instanceof Error e) {
            throw e;
        } else if (t != null) {
            throw new IllegalStateException(t);
        }
    }

    /** Lets the helpers go back to their pool; waits until they have left the team. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        TeamThreads.leave(threads);
        for (Member m : members) {
            m.wake();
        }
        for (HelperThreads.Share member : running) {
            member.join();
        }
    }

    /** A helper's part: waits for each new loop and works on it, until the team closes. */
    private final class Member implements Runnable {

        private final int home;
        private volatile Thread thread;
        private volatile boolean parked;

        Member(int home) {
            this.home = home;
        }

        void wake() {
            if (parked) {
                LockSupport.unpark(thread);
            }
        }

        @Override
        public void run() {
            thread = Thread.currentThread();
            Loop seen = null;
            while (true) {
                long start = System.nanoTime();
                Loop next;
                for (int spins = 1; (next = loop) == seen && !closed; spins++) {
                    if (SpinThenPark.spinning(spins, start)) {
                        continue;
                    }
                    parked = true;
                    // checked again after announcing the park: either run() sees parked, or this sees the loop
                    if (loop == seen && !closed) {
                        Thread.interrupted(); // a stray interrupt must not turn parking into spinning
                        LockSupport.park(this);
                    }
                    parked = false;
                }
                if (closed) {
                    return;
                }
                seen = next;
                next.work(home, size());
            }
        }
    }
}
