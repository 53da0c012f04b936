package org.rnnservice.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.rnnservice.RnnProperties;
import org.springframework.util.unit.DataSize;

/** The bound of the training queue holds under concurrent submissions: its refusal is the API's 429. */
class JobQueueTest {

    private static JobQueue queue(int workers, int capacity) {
        RnnProperties p = new RnnProperties(Path.of("unused"), workers, capacity, 0,
                new RnnProperties.Simd("auto", 0), new RnnProperties.Limits(DataSize.ofMegabytes(1), 64, 1000, 100,
                100, 1000, 10, 10, DataSize.ofMegabytes(64), 1, Duration.ofSeconds(1)), 1, Duration.ofSeconds(1),
                Duration.ofMillis(250), DataSize.ofMegabytes(1), new RnnProperties.Security(java.util.List.of()),
                RnnProperties.StoreKind.FILE, null, new RnnProperties.Cluster(Duration.ofSeconds(30)),
                new RnnProperties.Batching(true, 64, Duration.ZERO, 0, 64),
                new RnnProperties.Sessions(Duration.ofMinutes(10), 100));
        return new JobQueue(p, new SimpleMeterRegistry());
    }

    /** Gives the queue's one worker a job that holds it until the returned latch is released. */
    private static CountDownLatch occupyTheWorker(JobQueue queue) throws InterruptedException {
        CountDownLatch workerBusy = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        assertTrue(queue.reserve("job"));
        queue.enqueue(() -> {
            workerBusy.countDown();
            await(release);
        });
        assertTrue(workerBusy.await(10, TimeUnit.SECONDS), "the worker took the first job");
        assertEquals(0, queue.waiting());
        return release;
    }

    @Test
    void twentyConcurrentSubmitsNeverQueueMoreThanFour() throws Exception {
        JobQueue queue = queue(1, 4);
        CountDownLatch release = occupyTheWorker(queue);

        AtomicInteger ran = new AtomicInteger();
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService submitters = Executors.newFixedThreadPool(20);
        List<Future<Boolean>> results = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            results.add(submitters.submit(() -> {
                start.await();
                if (!queue.reserve("job")) {
                    return false;
                }
                queue.enqueue(ran::incrementAndGet);
                return true;
            }));
        }
        start.countDown();
        int accepted = 0;
        for (Future<Boolean> r : results) {
            accepted += r.get(10, TimeUnit.SECONDS) ? 1 : 0;
        }
        submitters.shutdown();
        assertEquals(4, accepted, "exactly the queue's capacity is accepted while the worker is busy");
        assertEquals(4, queue.waiting());
        assertFalse(queue.reserve("job"), "a full queue refuses");

        release.countDown();
        assertTrue(queue.shutdown(Duration.ofSeconds(10)));
        assertEquals(4, ran.get(), "every accepted job ran");
        assertEquals(0, queue.waiting());
    }

    @Test
    void aPlaceGivenBackOrARemovedJobFreesTheQueue() throws Exception {
        JobQueue queue = queue(1, 1);
        CountDownLatch release = occupyTheWorker(queue);
        assertTrue(queue.reserve("job"));
        queue.giveBack("job");
        assertTrue(queue.reserve("job"), "a place given back can be taken again");
        Runnable waiting = () -> { };
        queue.enqueue(waiting);
        assertFalse(queue.reserve("job"));
        assertTrue(queue.remove(waiting));
        assertEquals(0, queue.waiting());
        assertTrue(queue.reserve("job"), "a removed job's place is free");
        queue.giveBack("job");
        release.countDown();
        assertTrue(queue.shutdown(Duration.ofSeconds(10)));
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
