package org.rnnservice.engine.parallel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A team runs every task of every loop exactly once, on all its threads, and reports a task's failure. */
@Timeout(30)
class TeamTest {

    private static final HelperThreads HELPERS = new HelperThreads(4);

    /** Keeps a thread busy for about {@code micros} so the others get a share of the tasks. */
    private static void work(int micros) {
        long end = System.nanoTime() + micros * 1000L;
        while (System.nanoTime() < end) {
            Thread.onSpinWait();
        }
    }

    @Test
    void everyTaskOfEveryLoopRunsOnceAndTheWorkIsShared() {
        Set<Thread> workers = ConcurrentHashMap.newKeySet();
        try (Team team = Team.of(3, HELPERS)) {
            assertEquals(3, team.size());
            for (int loop = 0; loop < 500; loop++) {
                int tasks = 1 + loop % 37;
                AtomicIntegerArray runs = new AtomicIntegerArray(tasks);
                team.run(tasks, c -> {
                    runs.incrementAndGet(c);
                    workers.add(Thread.currentThread());
                    work(20);
                });
                for (int c = 0; c < tasks; c++) {
                    assertEquals(1, runs.get(c), "loop " + loop + " task " + c);
                }
            }
        }
        assertTrue(workers.size() > 1, "helpers took part: " + workers);
    }

    @Test
    void aLoopAfterTheHelpersParkedStillRunsOnAllOfThem() {
        try (Team team = Team.of(2, HELPERS)) {
            team.run(4, c -> work(10));
            while (team.parkedHelpers() < 1) {
                Thread.onSpinWait(); // until the helper has spun out and parked (the class timeout bounds this)
            }
            Set<Thread> workers = ConcurrentHashMap.newKeySet();
            for (int loop = 0; loop < 50 && workers.size() < 2; loop++) {
                team.run(8, c -> {
                    workers.add(Thread.currentThread());
                    work(200);
                });
            }
            assertEquals(2, workers.size());
        }
    }

    @Test
    void theCallerDoesTheTaskOfAHelperThatIsNotThereYet() throws Exception {
        HelperThreads one = new HelperThreads(1);
        CountDownLatch busy = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        HelperThreads.Share occupying = one.start(() -> {
            busy.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        assertTrue(busy.await(10, TimeUnit.SECONDS));
        Thread caller = Thread.currentThread();
        Set<Thread> ran = ConcurrentHashMap.newKeySet();
        try (Team team = Team.of(2, one)) {
            // the pool's only thread is busy, so the team has no helper: the caller runs both tasks
            team.run(2, c -> ran.add(Thread.currentThread()));
            assertEquals(Set.of(caller), ran);
            release.countDown();
        }
        occupying.join();
    }

    @Test
    void aFailingTaskIsThrownAfterTheOthersRanAndTheTeamGoesOn() {
        try (Team team = Team.of(2, HELPERS)) {
            AtomicIntegerArray runs = new AtomicIntegerArray(16);
            IllegalArgumentException boom = new IllegalArgumentException("task 5");
            IllegalArgumentException thrown = assertThrows(IllegalArgumentException.class, () -> team.run(16, c -> {
                runs.incrementAndGet(c);
                work(10);
                if (c == 5) {
                    throw boom;
                }
            }));
            assertSame(boom, thrown);
            for (int c = 0; c < 16; c++) {
                assertEquals(1, runs.get(c));
            }
            AtomicIntegerArray again = new AtomicIntegerArray(4);
            team.run(4, again::incrementAndGet);
            for (int c = 0; c < 4; c++) {
                assertEquals(1, again.get(c));
            }
        }
    }

    @Test
    void aClosedTeamRefusesWorkAndItsHelpersServeOthers() throws Exception {
        Team team = Team.of(2, HELPERS);
        team.run(2, c -> { });
        team.close();
        team.close();
        assertThrows(IllegalStateException.class, () -> team.run(2, c -> { }));
        // the helper is back in the pool: with one thread, a share started now could not run on a helper otherwise
        HelperThreads one = new HelperThreads(1);
        Team small = Team.of(2, one);
        Set<Thread> workers = ConcurrentHashMap.newKeySet();
        for (int loop = 0; loop < 50 && workers.size() < 2; loop++) {
            small.run(8, c -> {
                workers.add(Thread.currentThread());
                work(200);
            });
        }
        assertEquals(2, workers.size(), "the pool's helper worked in the team");
        small.close();
        CountDownLatch started = new CountDownLatch(1);
        HelperThreads.Share after = one.start(started::countDown);
        assertTrue(started.await(10, TimeUnit.SECONDS), "the pool's one helper took the share");
        after.join();
        assertTrue(after.ranOnHelper());
    }

    /** Blocks that count the runs of each (task, block) and check that their task ran first. */
    private static class CountedBlocks implements Team.Blocks {
        final int[] counts;
        final AtomicIntegerArray taskRan;
        final AtomicIntegerArray[] runs;
        final Set<Thread>[] threads;
        final AtomicInteger early = new AtomicInteger();

        @SuppressWarnings("unchecked")
        CountedBlocks(int[] counts) {
            this.counts = counts;
            this.taskRan = new AtomicIntegerArray(counts.length);
            this.runs = new AtomicIntegerArray[counts.length];
            this.threads = new Set[counts.length];
            for (int c = 0; c < counts.length; c++) {
                runs[c] = new AtomicIntegerArray(counts[c]);
                threads[c] = ConcurrentHashMap.newKeySet();
            }
        }

        @Override
        public int count(int task) {
            return counts[task];
        }

        @Override
        public void run(int task, int block) {
            if (taskRan.get(task) == 0) {
                early.incrementAndGet();
            }
            runs[task].incrementAndGet(block);
            threads[task].add(Thread.currentThread());
        }
    }

    @Test
    void everyBlockRunsOnceAfterItsTaskAndBeforeTheLoopReturns() {
        try (Team team = Team.of(3, HELPERS)) {
            for (int loop = 0; loop < 300; loop++) {
                int tasks = 1 + loop % 5;
                int[] counts = new int[tasks];
                for (int c = 0; c < tasks; c++) {
                    counts[c] = (loop + 3 * c) % 7; // some tasks leave no blocks
                }
                CountedBlocks blocks = new CountedBlocks(counts);
                team.run(tasks, c -> {
                    work(5 * (c + 1));
                    blocks.taskRan.set(c, 1);
                }, blocks);
                assertEquals(0, blocks.early.get(), "loop " + loop + ": a block ran before its task");
                for (int c = 0; c < tasks; c++) {
                    for (int p = 0; p < counts[c]; p++) {
                        assertEquals(1, blocks.runs[c].get(p), "loop " + loop + " task " + c + " block " + p);
                    }
                }
            }
        }
    }

    @Test
    void aThreadDoneWithItsTaskTakesBlocksOfASlowerOne() {
        Set<Thread> ranSlowBlocks = ConcurrentHashMap.newKeySet();
        try (Team team = Team.of(2, HELPERS)) {
            for (int attempt = 0; attempt < 10 && ranSlowBlocks.size() < 2; attempt++) {
                Team.Blocks blocks = new Team.Blocks() {
                    @Override
                    public int count(int task) {
                        return task == 1 ? 8 : 0;
                    }

                    @Override
                    public void run(int task, int block) {
                        ranSlowBlocks.add(Thread.currentThread());
                        work(2000);
                    }
                };
                // task 0 is quick and leaves nothing; task 1 is slow and leaves eight blocks of 2 ms
                team.run(2, c -> work(c == 1 ? 5000 : 10), blocks);
                if (ranSlowBlocks.size() < 2) {
                    ranSlowBlocks.clear();
                }
            }
        }
        assertEquals(2, ranSlowBlocks.size(), "both threads ran blocks of the slow task: " + ranSlowBlocks);
    }

    @Test
    void aFailingBlockIsThrownAfterTheOtherBlocksRan() {
        try (Team team = Team.of(2, HELPERS)) {
            CountedBlocks blocks = new CountedBlocks(new int[] {6, 6}) {
                @Override
                public void run(int task, int block) {
                    super.run(task, block);
                    if (task == 1 && block == 2) {
                        throw new IllegalStateException("block 2");
                    }
                }
            };
            IllegalStateException thrown = assertThrows(IllegalStateException.class,
                    () -> team.run(2, c -> blocks.taskRan.set(c, 1), blocks));
            assertEquals("block 2", thrown.getMessage());
            for (int c = 0; c < 2; c++) {
                for (int p = 0; p < 6; p++) {
                    assertEquals(1, blocks.runs[c].get(p));
                }
            }
        }
    }

    @Test
    void whileTeamsOutnumberTheCoresNoWaitSpins() {
        // two jobs training at once, each on every core: a spinning wait would take a core from the other's work
        int cores = Runtime.getRuntime().availableProcessors();
        HelperThreads pool = new HelperThreads(2 * cores);
        try (Team first = Team.of(cores, pool); Team second = Team.of(cores, pool)) {
            assertEquals(false, SpinThenPark.spinning(1, System.nanoTime()));
            first.run(4, task -> { });
            second.run(4, task -> { });
        }
    }
}
