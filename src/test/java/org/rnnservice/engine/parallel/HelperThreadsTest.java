package org.rnnservice.engine.parallel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The helper pool runs tasks on daemon threads, never more at once than its bound, and hands back unstarted work. */
@Timeout(30)
class HelperThreadsTest {

    @Test
    void runsTheTaskOnAnotherDaemonThreadAndReturnsItsResult() throws Exception {
        Thread caller = Thread.currentThread();
        Thread helper = new HelperThreads(2).submit(Thread::currentThread).get();
        assertNotEquals(caller, helper);
        assertTrue(helper.isDaemon(), "helpers must not keep the JVM alive");
    }

    @Test
    void aFailureReachesTheCallerAsTheCause() {
        Future<Object> failed = new HelperThreads(1).submit(() -> {
            throw new IllegalStateException("task failed");
        });
        ExecutionException e = assertThrows(ExecutionException.class, failed::get);
        assertInstanceOf(IllegalStateException.class, e.getCause());
        assertEquals("task failed", e.getCause().getMessage());
    }

    @Test
    void neverRunsMoreTasksAtOnceThanItsBound() throws Exception {
        HelperThreads pool = new HelperThreads(2);
        CountDownLatch twoRunning = new CountDownLatch(2);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger running = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        Future<?>[] tasks = new Future<?>[5];
        for (int i = 0; i < tasks.length; i++) {
            tasks[i] = pool.submit(() -> {
                most.accumulateAndGet(running.incrementAndGet(), Math::max);
                twoRunning.countDown();
                release.await();
                running.decrementAndGet();
                return null;
            });
        }
        assertTrue(twoRunning.await(10, TimeUnit.SECONDS), "two tasks started");
        assertFalse(tasks[2].isDone());
        release.countDown();
        for (Future<?> t : tasks) {
            t.get(10, TimeUnit.SECONDS);
        }
        assertEquals(2, most.get(), "at most the bound ran at once, and the bound was reached");
    }

    @Test
    void oneCallerSubmittingAgainAndAgainUsesNoMoreThreadsThanTheBound() throws Exception {
        HelperThreads pool = new HelperThreads(2);
        Set<Thread> used = new HashSet<>();
        for (int batch = 0; batch < 2_000; batch++) {
            used.add(pool.submit(Thread::currentThread).get());
        }
        assertTrue(used.size() <= 2, "threads used: " + used);
    }

    @Test
    void aShareNoHelperStartedIsSkippedByJoin() throws Exception {
        HelperThreads pool = new HelperThreads(1);
        CountDownLatch busy = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Future<?> occupying = pool.submit(() -> {
            busy.countDown();
            release.await();
            return null;
        });
        assertTrue(busy.await(10, TimeUnit.SECONDS));
        AtomicBoolean ran = new AtomicBoolean();
        HelperThreads.Share share = pool.start(() -> ran.set(true));
        share.join(); // returns at once: the caller did the work itself
        assertFalse(share.ranOnHelper());
        release.countDown();
        occupying.get(10, TimeUnit.SECONDS);
        assertEquals(7, pool.submit(() -> 7).get(10, TimeUnit.SECONDS), "the pool goes on");
        assertFalse(ran.get(), "a skipped share never runs");
    }

    @Test
    void joinWaitsForAStartedShareAndThrowsItsFailure() throws Exception {
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
        assertTrue(started.await(10, TimeUnit.SECONDS));
        release.countDown();
        share.join();
        assertTrue(share.ranOnHelper());
        assertTrue(finished.get(), "join returned only after the share finished");

        IllegalArgumentException boom = new IllegalArgumentException("part failed");
        CountDownLatch failing = new CountDownLatch(1);
        HelperThreads.Share failed = pool.start(() -> {
            failing.countDown();
            throw boom;
        });
        assertTrue(failing.await(10, TimeUnit.SECONDS));
        assertSame(boom, assertThrows(IllegalArgumentException.class, failed::join));
    }
}
