package org.rnnservice.engine.parallel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
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

    /** Pieces that count the runs of each (chunk, piece) and check that their chunk ran first. */
    private static class CountedPieces implements Team.Pieces {
        final int[] counts;
        final AtomicIntegerArray chunkRan;
        final AtomicIntegerArray[] runs;
        final Set<Thread>[] threads;
        final AtomicInteger early = new AtomicInteger();

        @SuppressWarnings("unchecked")
        CountedPieces(int[] counts) {
            this.counts = counts;
            this.chunkRan = new AtomicIntegerArray(counts.length);
            this.runs = new AtomicIntegerArray[counts.length];
            this.threads = new Set[counts.length];
            for (int c = 0; c < counts.length; c++) {
                runs[c] = new AtomicIntegerArray(counts[c]);
                threads[c] = ConcurrentHashMap.newKeySet();
            }
        }

        @Override
        public int count(int chunk) {
            return counts[chunk];
        }

        @Override
        public void run(int chunk, int piece) {
            if (chunkRan.get(chunk) == 0) {
                early.incrementAndGet();
            }
            runs[chunk].incrementAndGet(piece);
            threads[chunk].add(Thread.currentThread());
        }
    }

    @Test
    void everyPieceRunsOnceAfterItsChunkAndBeforeTheLoopReturns() {
        try (Team team = Team.of(3)) {
            for (int loop = 0; loop < 300; loop++) {
                int chunks = 1 + loop % 5;
                int[] counts = new int[chunks];
                for (int c = 0; c < chunks; c++) {
                    counts[c] = (loop + 3 * c) % 7; // some chunks leave no pieces
                }
                CountedPieces pieces = new CountedPieces(counts);
                team.run(chunks, c -> {
                    work(5 * (c + 1));
                    pieces.chunkRan.set(c, 1);
                }, pieces);
                assertEquals(0, pieces.early.get(), "loop " + loop + ": a piece ran before its chunk");
                for (int c = 0; c < chunks; c++) {
                    for (int p = 0; p < counts[c]; p++) {
                        assertEquals(1, pieces.runs[c].get(p), "loop " + loop + " chunk " + c + " piece " + p);
                    }
                }
            }
        }
    }

    @Test
    void aThreadDoneWithItsChunkTakesPiecesOfASlowerOne() {
        Set<Thread> ranSlowPieces = ConcurrentHashMap.newKeySet();
        try (Team team = Team.of(2)) {
            for (int attempt = 0; attempt < 10 && ranSlowPieces.size() < 2; attempt++) {
                Team.Pieces pieces = new Team.Pieces() {
                    @Override
                    public int count(int chunk) {
                        return chunk == 1 ? 8 : 0;
                    }

                    @Override
                    public void run(int chunk, int piece) {
                        ranSlowPieces.add(Thread.currentThread());
                        work(2000);
                    }
                };
                // chunk 0 is quick and leaves nothing; chunk 1 is slow and leaves eight pieces of 2 ms
                team.run(2, c -> work(c == 1 ? 5000 : 10), pieces);
                if (ranSlowPieces.size() < 2) {
                    ranSlowPieces.clear();
                }
            }
        }
        assertEquals(2, ranSlowPieces.size(), "both threads ran pieces of the slow chunk: " + ranSlowPieces);
    }

    @Test
    void aFailingPieceIsThrownAfterTheOtherPiecesRan() {
        try (Team team = Team.of(2)) {
            CountedPieces pieces = new CountedPieces(new int[] {6, 6}) {
                @Override
                public void run(int chunk, int piece) {
                    super.run(chunk, piece);
                    if (chunk == 1 && piece == 2) {
                        throw new IllegalStateException("piece 2");
                    }
                }
            };
            IllegalStateException thrown = assertThrows(IllegalStateException.class,
                    () -> team.run(2, c -> pieces.chunkRan.set(c, 1), pieces));
            assertEquals("piece 2", thrown.getMessage());
            for (int c = 0; c < 2; c++) {
                for (int p = 0; p < 6; p++) {
                    assertEquals(1, pieces.runs[c].get(p));
                }
            }
        }
    }
}
