package org.rnnservice.models.batching;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.rnnservice.RequestBodies.layer;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.rnnservice.engine.model.ModelDefinitions;
import org.rnnservice.engine.model.Sequential;
import org.rnnservice.errors.ServiceException;

/**
 * Request batching: concurrent callers are computed in shared forward passes whose outputs are, bit for bit, each
 * caller's unbatched prediction; a full queue refuses with 503; the lead passes on without losing a caller.
 */
class PredictionBatcherTest {

    private static final int STEPS = 20;
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final PredictionBatcher batcher = new PredictionBatcher(meters);
    private final ExecutorService pool = Executors.newFixedThreadPool(48);

    @AfterEach
    void stop() {
        pool.shutdownNow();
    }

    private static Sequential model(List<Map<String, Object>> layers) {
        Map<String, Object> definition = Map.of("input_shape", Arrays.asList(null, 1), "layers", layers, "seed", 3);
        return Sequential.build(ModelDefinitions.parse(definition, 3));
    }

    private static float[] sample(Random r, int count) {
        float[] x = new float[count * STEPS];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) r.nextGaussian();
        }
        return x;
    }

    private static BatchSettings settings(int maxBatch, Duration timeout, int threads, int enqueued) {
        return new BatchSettings(true, maxBatch, timeout, threads, enqueued);
    }

    @Test
    void concurrentCallersShareForwardPassesAndGetExactlyTheirOwnPredictions() throws Exception {
        for (List<Map<String, Object>> layers : List.of(
                List.of(layer("LSTM", "units", 50), layer("Dense", "units", 1)),
                List.of(layer("GRU", "units", 33, "return_sequences", true), layer("SimpleRNN", "units", 7),
                        layer("Dense", "units", 2)),
                List.of(Map.of("type", "Bidirectional", "layer", Map.of("type", "LSTM", "units", 16)),
                        layer("Dense", "units", 1)))) {
            Sequential m = model(layers);
            Sequential reference = model(layers); // the same weights (same seed), never batched
            Random r = new Random(7);
            List<float[]> inputs = new ArrayList<>();
            List<float[]> expected = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                float[] x = sample(r, 1 + i % 3);
                inputs.add(x);
                expected.add(reference.predict(x, 1 + i % 3, STEPS, 1));
            }
            AtomicInteger passes = new AtomicInteger();
            CountDownLatch go = new CountDownLatch(1);
            String name = "m" + layers.hashCode();
            List<Future<float[]>> got = new ArrayList<>();
            for (int i = 0; i < inputs.size(); i++) {
                float[] x = inputs.get(i);
                int count = 1 + i % 3;
                got.add(pool.submit(() -> {
                    go.await();
                    return batcher.predict(m, name, x, count, STEPS, settings(16, Duration.ZERO, 2, 64),
                            (model, xs, n) -> {
                                if (passes.incrementAndGet() <= 2) {
                                    // both runners' first passes hold until the others have queued up behind them:
                                    // a runner left free would drain the queue as it fills, and on a busy machine
                                    // it might never hold 30
                                    awaitQueued(name, 30);
                                }
                                return model.predict(xs, n, STEPS, n);
                            });
                }));
            }
            go.countDown();
            for (int i = 0; i < got.size(); i++) {
                assertArrayEquals(expected.get(i), got.get(i).get(60, TimeUnit.SECONDS), "caller " + i + " of "
                        + layers.get(0).get("type"));
            }
            assertTrue(passes.get() < inputs.size(), "callers shared passes: " + passes.get() + " for "
                    + inputs.size());
            assertTrue(meters.get("rnn.batching.batch.size").tag("model", name).summary().max() > 1);
        }
    }

    @Test
    void aFullQueueRefusesWith503AndChangesNothingForTheWaiting() throws Exception {
        Sequential m = model(List.of(layer("SimpleRNN", "units", 4), layer("Dense", "units", 1)));
        CountDownLatch computing = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        BatchSettings s = settings(2, Duration.ZERO, 1, 2); // at most 4 instances wait
        PredictionBatcher.Pass held = (model, xs, n) -> {
            computing.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return model.predict(xs, n, STEPS, n);
        };
        Random r = new Random(1);
        Future<float[]> first = pool.submit(() -> batcher.predict(m, "m", sample(r, 1), 1, STEPS, s, held));
        assertTrue(computing.await(10, TimeUnit.SECONDS));
        List<Future<float[]>> waiting = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            float[] x = sample(r, 1);
            waiting.add(pool.submit(() -> batcher.predict(m, "m", x, 1, STEPS, s, held)));
        }
        awaitQueued("m", 4);
        ServiceException refused = assertThrows(ServiceException.class,
                () -> batcher.predict(m, "m", sample(r, 1), 1, STEPS, s, held));
        assertEquals(ServiceException.Kind.UNAVAILABLE, refused.kind());
        assertTrue(refused.getMessage().contains("max-enqueued-batches"), refused.getMessage());
        release.countDown();
        assertEquals(1, first.get(10, TimeUnit.SECONDS).length);
        for (Future<float[]> w : waiting) {
            assertEquals(1, w.get(10, TimeUnit.SECONDS).length);
        }
        assertEquals(0.0, meters.get("rnn.batching.queued").gauge().value());
    }

    /**
     * Waits until the queue gauge of model {@code name} shows {@code n} waiting instances. It yields rather than
     * spins: the callers it waits for need the cores, which on a 2-core machine a spinning runner and the suite's
     * other work may otherwise hold for long.
     */
    private void awaitQueued(String name, int n) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (meters.get("rnn.batching.queued").tag("model", name).gauge().value() < n) {
            assertTrue(System.nanoTime() < deadline, "the queue never held " + n);
            Thread.yield();
        }
    }

    @Test
    void aShortBatchWaitsOutTheBatchTimeoutForMoreCallers() throws Exception {
        Sequential m = model(List.of(layer("SimpleRNN", "units", 4), layer("Dense", "units", 1)));
        AtomicInteger largest = new AtomicInteger();
        PredictionBatcher.Pass record = (model, xs, n) -> {
            largest.accumulateAndGet(n, Math::max);
            return model.predict(xs, n, STEPS, n);
        };
        BatchSettings s = settings(8, Duration.ofSeconds(20), 1, 4);
        Random r = new Random(2);
        List<Future<float[]>> got = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            float[] x = sample(r, 1);
            got.add(pool.submit(() -> batcher.predict(m, "m", x, 1, STEPS, s, record)));
        }
        for (Future<float[]> f : got) {
            f.get(20, TimeUnit.SECONDS);
        }
        assertEquals(8, largest.get(), "the first caller waited until the batch was full, then ran it at once");
    }

    @Test
    void underContentionEveryCallerIsAnsweredAndTheQueueEmpties() throws Exception {
        Sequential m = model(List.of(layer("GRU", "units", 8), layer("Dense", "units", 1)));
        Random r = new Random(3);
        List<Future<float[]>> got = new ArrayList<>();
        for (int i = 0; i < 3000; i++) {
            int count = 1 + r.nextInt(5);
            float[] x = sample(r, count);
            int threads = 1 + i % 3;
            got.add(pool.submit(() -> batcher.predict(m, "m", x, count, STEPS,
                    settings(12, Duration.ZERO, threads, 1000), (model, xs, n) -> model.predict(xs, n, STEPS, n))));
        }
        for (Future<float[]> f : got) {
            assertTrue(f.get(60, TimeUnit.SECONDS).length >= 1);
        }
        assertEquals(0.0, meters.get("rnn.batching.queued").gauge().value());
    }
}
