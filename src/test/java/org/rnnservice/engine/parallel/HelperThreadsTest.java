package org.rnnservice.engine.parallel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The helper pool runs shares on warm daemon threads, never more than its bound, and hands back what it cannot take. */
@Timeout(30)
class HelperThreadsTest {

    /** A share that holds its helper until released. */
    private static HelperThreads.Share occupy(HelperThreads pool, CountDownLatch started, CountDownLatch release) {
        return pool.start(() -> {
            started.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
    }

    /** Starts a share that records its thread, and waits until a helper has taken it (else join would keep it). */
    private static HelperThreads.Share startAndAwait(HelperThreads pool, AtomicReference<Thread> ran) {
        CountDownLatch started = new CountDownLatch(1);
        HelperThreads.Share share = pool.start(() -> {
            ran.set(Thread.currentThread());
            started.countDown();
        });
        assertDoesStart(started);
        return share;
    }

    @Test
    void runsTheShareOnAnotherDaemonThread() {
        Thread caller = Thread.currentThread();
        AtomicReference<Thread> ran = new AtomicReference<>();
        HelperThreads.Share share = startAndAwait(new HelperThreads(2), ran);
        share.join();
        assertTrue(share.ranOnHelper());
        assertNotEquals(caller, ran.get());
        assertTrue(ran.get().isDaemon(), "helpers must not keep the JVM alive");
    }

    @Test
    void aFailureIsThrownByJoin() {
        HelperThreads pool = new HelperThreads(1);
        IllegalArgumentException boom = new IllegalArgumentException("part failed");
        CountDownLatch started = new CountDownLatch(1);
        HelperThreads.Share failed = pool.start(() -> {
            started.countDown();
            throw boom;
        });
        assertDoesStart(started);
        assertSame(boom, assertThrows(IllegalArgumentException.class, failed::join));
    }

    @Test
    void oneCallerStartingShareAfterShareReusesOneWarmHelper() {
        HelperThreads pool = new HelperThreads(4);
        Set<Thread> used = new HashSet<>();
        for (int batch = 0; batch < 2_000; batch++) {
            AtomicReference<Thread> ran = new AtomicReference<>();
            startAndAwait(pool, ran).join();
            used.add(ran.get());
        }
        // the helper is idle again before the caller's join returns, so no share needs another thread
        assertEquals(1, used.size(), "threads used: " + used);
        assertEquals(1, pool.liveThreads());
    }

    @Test
    void aFullPoolTakesNoShareAndTheCallerKeepsTheWork() {
        HelperThreads pool = new HelperThreads(2);
        CountDownLatch started = new CountDownLatch(2);
        CountDownLatch release = new CountDownLatch(1);
        HelperThreads.Share a = occupy(pool, started, release);
        HelperThreads.Share b = occupy(pool, started, release);
        assertDoesStart(started);
        assertEquals(2, pool.liveThreads());
        AtomicBoolean ran = new AtomicBoolean();
        HelperThreads.Share third = pool.start(() -> ran.set(true));
        third.join(); // returns at once: no helper took it
        assertFalse(third.ranOnHelper());
        release.countDown();
        a.join();
        b.join();
        assertFalse(ran.get(), "a share no helper took never runs");
        assertEquals(2, pool.liveThreads(), "never more threads than the bound");
        AtomicReference<Thread> later = new AtomicReference<>();
        HelperThreads.Share next = startAndAwait(pool, later);
        next.join();
        assertTrue(next.ranOnHelper(), "a freed helper takes the next share");
    }

    @Test
    void joinBeforeAnyHelperStartedKeepsTheWorkWithTheCaller() {
        HelperThreads pool = new HelperThreads(1);
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        HelperThreads.Share busy = occupy(pool, started, release);
        assertDoesStart(started);
        AtomicBoolean ran = new AtomicBoolean();
        HelperThreads.Share share = pool.start(() -> ran.set(true));
        share.join();
        release.countDown();
        busy.join();
        assertFalse(share.ranOnHelper());
        assertFalse(ran.get());
    }

    @Test
    void joinWaitsForAStartedShareToFinish() {
        HelperThreads pool = new HelperThreads(1);
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicBoolean finished = new AtomicBoolean();
        HelperThreads.Share share = pool.start(() -> {
            started.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            finished.set(true);
        });
        assertDoesStart(started);
        Thread releaser = new Thread(release::countDown);
        releaser.start();
        share.join(); // parks past the spinning if the release is late, and must then be woken
        assertTrue(share.ranOnHelper());
        assertTrue(finished.get(), "join returned only after the share finished");
    }

    private static void assertDoesStart(CountDownLatch started) {
        try {
            assertTrue(started.await(10, TimeUnit.SECONDS), "the helper started");
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }
}
