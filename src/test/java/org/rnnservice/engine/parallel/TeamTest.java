package org.rnnservice.engine.parallel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A team runs every chunk of every loop exactly once, on all its threads, and reports a chunk's failure. */
@Timeout(30)
class TeamTest {

    /** Keeps a thread busy for about {@code micros} so the others get a share of the chunks. */
    private static void work(int micros) {
        long end = System.nanoTime() + micros * 1000L;
        while (System.nanoTime() < end) {
            Thread.onSpinWait();
        }
    }

    @Test
    void everyChunkOfEveryLoopRunsOnceAndTheWorkIsShared() {
        Set<Thread> workers = ConcurrentHashMap.newKeySet();
        try (Team team = Team.of(3)) {
            assertEquals(3, team.size());
            for (int loop = 0; loop < 500; loop++) {
                int chunks = 1 + loop % 37;
                AtomicIntegerArray runs = new AtomicIntegerArray(chunks);
                team.run(chunks, c -> {
                    runs.incrementAndGet(c);
                    workers.add(Thread.currentThread());
                    work(20);
                });
                for (int c = 0; c < chunks; c++) {
                    assertEquals(1, runs.get(c), "loop " + loop + " chunk " + c);
                }
            }
        }
        assertTrue(workers.size() > 1, "helpers took part: " + workers);
    }

    @Test
    void aLoopAfterTheHelpersParkedStillRunsOnAllOfThem() throws InterruptedException {
        try (Team team = Team.of(2)) {
            team.run(4, c -> work(10));
            Thread.sleep(50); // past the spin: the helper is parked
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
    void theCallerDoesTheChunkOfAHelperThatIsNotThereYet() throws InterruptedException {
        Thread caller = Thread.currentThread();
        Set<Thread> ranChunkOne = ConcurrentHashMap.newKeySet();
        try (Team team = Team.of(2)) {
            for (int attempt = 0; attempt < 5 && !ranChunkOne.contains(caller); attempt++) {
                Thread.sleep(20); // the helper parks; waking it takes far longer than the caller's empty chunk
                team.run(2, c -> {
                    if (c == 1) {
                        ranChunkOne.add(Thread.currentThread());
                    }
                });
            }
        }
        assertTrue(ranChunkOne.contains(caller), "the caller took the parked helper's chunk: " + ranChunkOne);
    }

    @Test
    void aFailingChunkIsThrownAfterTheOthersRanAndTheTeamGoesOn() {
        try (Team team = Team.of(2)) {
            AtomicIntegerArray runs = new AtomicIntegerArray(16);
            IllegalArgumentException boom = new IllegalArgumentException("chunk 5");
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
        Team team = Team.of(2);
        team.run(2, c -> { });
        team.close();
        team.close();
        assertThrows(IllegalStateException.class, () -> team.run(2, c -> { }));
        // the helper is back in the shared pool: a task submitted now completes
        assertEquals(42, HelperThreads.submit(() -> 42).get());
    }
}
