package org.rnnservice.engine.parallel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class HelperThreadsTest {

    @Test
    void runsTheTaskOnAnotherThreadAndReturnsItsResult() throws Exception {
        Thread caller = Thread.currentThread();
        Future<Thread> ran = HelperThreads.submit(Thread::currentThread);
        Thread helper = ran.get();
        assertNotEquals(caller, helper);
        assertTrue(helper.isDaemon(), "helpers must not keep the JVM alive");
        assertTrue(ran.isDone());
    }

    @Test
    void aFailureReachesTheCallerAsTheCause() {
        Future<Object> failed = HelperThreads.submit(() -> {
            throw new IllegalStateException("task failed");
        });
        ExecutionException e = assertThrows(ExecutionException.class, failed::get);
        assertInstanceOf(IllegalStateException.class, e.getCause());
        assertEquals("task failed", e.getCause().getMessage());
    }

    @Test
    void oneCallerSubmittingBatchAfterBatchReusesOneWarmHelper() throws Exception {
        Set<Thread> used = new HashSet<>();
        for (int batch = 0; batch < 2_000; batch++) {
            used.add(HelperThreads.submit(Thread::currentThread).get());
        }
        // the helper is idle again before the caller sees a result, so no batch needs a new thread
        assertEquals(1, used.size(), "threads used: " + used);
    }

    @Test
    void concurrentSubmissionsEachGetTheirOwnHelper() throws Exception {
        CountDownLatch allStarted = new CountDownLatch(3);
        List<Future<Thread>> running = List.of(1, 2, 3).stream().map(i -> HelperThreads.submit(() -> {
            allStarted.countDown();
            assertTrue(allStarted.await(10, TimeUnit.SECONDS), "tasks did not run at the same time");
            return Thread.currentThread();
        })).toList();
        Set<Thread> threads = new HashSet<>();
        for (Future<Thread> f : running) {
            threads.add(f.get());
        }
        assertEquals(3, threads.size());
    }

    @Test
    @Timeout(10)
    void anotherThreadThanTheSubmitterCanWaitForTheResult() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        Future<String> slow = HelperThreads.submit(() -> {
            release.await();
            return "done";
        });
        Future<String> waited = HelperThreads.submit(() -> slow.get()); // parks past the spinning, then must be woken
        Thread.sleep(50);
        release.countDown();
        assertEquals("done", waited.get());
    }

    @Test
    void aTimedWaitEndsWithATimeoutOrTheResult() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        Future<String> slow = HelperThreads.submit(() -> {
            release.await();
            return "done";
        });
        assertThrows(TimeoutException.class, () -> slow.get(20, TimeUnit.MILLISECONDS));
        release.countDown();
        assertEquals("done", slow.get(10, TimeUnit.SECONDS));
    }

    @Test
    void aWaitingCallerCanBeInterrupted() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        Future<Object> slow = HelperThreads.submit(() -> {
            release.await();
            return null;
        });
        Thread.currentThread().interrupt();
        try {
            assertThrows(InterruptedException.class, slow::get);
        } finally {
            release.countDown();
        }
        slow.get(); // the task itself still ends normally
    }
}
