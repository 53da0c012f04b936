package org.rnnservice.models.batching;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.rnnservice.engine.model.Sequential;
import org.rnnservice.errors.ServiceException;
import org.springframework.stereotype.Component;

/**
 * Request batching as TF Serving does it: concurrent predictions of the same built model and sequence length wait in
 * one queue and are computed as one forward pass, then split back. No thread is handed the work: the first caller to
 * find the queue without enough runners computes the batch for everyone in it (leader and followers), so a lone
 * request pays nothing for batching. Each sample's output depends only on its own input, and the kernels compute a
 * row the same way whatever the batch holds, so a batched prediction is bit for bit the unbatched one.
 */
@Component
public class PredictionBatcher {

    /** One forward pass of a batch on a model (the model itself, or a copy with its own buffers). */
    public interface Pass {
        float[] run(Sequential model, float[] x, int count);
    }

    /**
     * A forward pass over rows that carry several arrays each (a stream's steps and its recurrent state): every
     * input array holds {@code rows} rows, and so must every array it returns.
     */
    public interface RowsPass {
        float[][] run(Sequential model, float[][] inputs, int rows);
    }

    private final Map<Key, Queue> queues = new ConcurrentHashMap<>();
    private final Map<String, Meters> meters = new ConcurrentHashMap<>();
    /**
     * Copies of each model with their own buffers, free for a runner to take: kept while the model is (weakly), as a
     * copy is built like the model (its initializers too) and a queue comes and goes with every idle spell.
     */
    private final Map<Sequential, java.util.Deque<Sequential>> spares =
            java.util.Collections.synchronizedMap(new java.util.WeakHashMap<>());
    private final MeterRegistry registry;

    public PredictionBatcher(MeterRegistry registry) {
        this.registry = registry;
    }

    /** One model's meters, registered once: a queue comes and goes with every idle spell. */
    private record Meters(DistributionSummary batchSize, Timer queueTime, Timer computeTime) {
    }

    private Meters meters(String name) {
        return meters.computeIfAbsent(name, n -> {
            Gauge.builder("rnn.batching.queued", queues, all -> all.values().stream()
                            .filter(q -> q.name.equals(n)).mapToInt(q -> q.waitingInstances).sum())
                    .tag("model", n).description("instances waiting for a batch").register(registry);
            return new Meters(
                    DistributionSummary.builder("rnn.batching.batch.size").tag("model", n)
                            .description("instances per batched forward pass").publishPercentiles(0.5, 0.99)
                            .register(registry),
                    Timer.builder("rnn.batching.queue.time").tag("model", n)
                            .description("time a prediction waited for its batch").publishPercentiles(0.5, 0.99)
                            .register(registry),
                    Timer.builder("rnn.batching.compute.time").tag("model", n)
                            .description("time of one batched forward pass").publishPercentiles(0.5, 0.99)
                            .register(registry));
        });
    }

    /** Calls that may share a pass: the same built model, length and kind of pass. */
    private record Key(Sequential model, int steps, String kind) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && k.model == model && k.steps == steps && k.kind.equals(kind);
        }

        @Override
        public int hashCode() {
            return (System.identityHashCode(model) * 31 + steps) * 31 + kind.hashCode();
        }
    }

    /**
     * Predicts {@code count} samples {@code x} of {@code steps} steps with {@code model} (named {@code name} in the
     * metrics), batched with concurrent callers of the same model and length. 503 when the model's queue is full.
     */
    public float[] predict(Sequential model, String name, float[] x, int count, int steps, BatchSettings settings,
                           Pass pass) {
        return predictRows(model, name, "predict", new float[][] {x}, count, steps, settings,
                (m, in, rows) -> new float[][] {pass.run(m, in[0], rows)})[0];
    }

    /**
     * As {@link #predict} for calls whose rows carry several arrays, computed by {@code pass}; only calls of the
     * same {@code kind} share a pass. Returns the pass's arrays for this call's rows.
     */
    public float[][] predictRows(Sequential model, String name, String kind, float[][] inputs, int count, int steps,
                                 BatchSettings settings, RowsPass pass) {
        Queue q = queues.computeIfAbsent(new Key(model, steps, kind), k -> new Queue(k, name, settings.threads(),
                meters(name)));
        Task task = new Task(inputs, count);
        boolean lead;
        synchronized (q) {
            if (q.waitingInstances + count > settings.maxWaiting()) {
                throw ServiceException.unavailable("the batching queue of model " + name + " is full ("
                        + q.waitingInstances + " instances waiting, rnn.batching.max-enqueued-batches x"
                        + " max-batch-size = " + settings.maxWaiting() + "); retry shortly", 1);
            }
            q.waiting.add(task);
            q.waitingInstances += count;
            lead = q.runners < q.busy.length;
            if (lead) {
                q.runners++;
                task.leading = true;
            } else {
                q.notifyAll(); // a runner waiting out batch-timeout may now be full
            }
        }
        if (!lead) {
            task.awaitTurnOrResult();
            synchronized (q) {
                // handed the lead (perhaps just as another runner finished this task): it must be passed on
                lead = task.leading;
            }
        }
        if (lead) {
            run(q, task, settings, pass);
        }
        return task.result();
    }

    /** Runs batches from the queue until {@code own} is done, then passes the lead to the next waiting task. */
    private void run(Queue q, Task own, BatchSettings settings, RowsPass pass) {
        int slot = q.takeSlot();
        try {
            while (!own.done()) {
                List<Task> batch = q.take(settings);
                if (batch.isEmpty()) {
                    own.awaitDone(); // another runner took own's batch and completes it
                    break;
                }
                compute(q, slot, batch, pass);
            }
        } finally {
            q.releaseSlot(slot);
            q.handOver(queues);
        }
    }

    private void compute(Queue q, int slot, List<Task> batch, RowsPass pass) {
        long start = System.nanoTime();
        int n = 0;
        for (Task t : batch) {
            n += t.count;
            q.meters.queueTime().record(start - t.enqueued, TimeUnit.NANOSECONDS);
        }
        try {
            float[][] in = batch.size() == 1 ? batch.get(0).inputs : concatenate(batch, n);
            float[][] out = q.pass(slot, in, n, pass);
            int row = 0;
            for (Task t : batch) {
                float[][] own = out;
                if (batch.size() > 1) {
                    own = new float[out.length][];
                    for (int a = 0; a < out.length; a++) {
                        int width = out[a].length / n;
                        own[a] = java.util.Arrays.copyOfRange(out[a], row * width, (row + t.count) * width);
                    }
                }
                t.complete(own, null);
                row += t.count;
            }
        } catch (RuntimeException | Error e) {
            batch.forEach(t -> t.complete(null, e));
        }
        q.meters.batchSize().record(n);
        q.meters.computeTime().record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
    }

    /** Each input array of the batch's calls, one after the other. */
    private static float[][] concatenate(List<Task> batch, int rows) {
        int arrays = batch.get(0).inputs.length;
        float[][] in = new float[arrays][];
        for (int a = 0; a < arrays; a++) {
            int width = batch.get(0).inputs[a].length / batch.get(0).count;
            in[a] = new float[Math.multiplyExact(rows, width)];
            int at = 0;
            for (Task t : batch) {
                System.arraycopy(t.inputs[a], 0, in[a], at, t.count * width);
                at += t.count * width;
            }
        }
        return in;
    }

    private Sequential borrow(Sequential model) {
        Sequential copy;
        synchronized (spares) {
            copy = spares.computeIfAbsent(model, m -> new java.util.concurrent.ConcurrentLinkedDeque<>()).poll();
        }
        if (copy == null) {
            synchronized (model) {
                copy = model.replica();
            }
        }
        return copy;
    }

    /** One model and length's waiting predictions and the copies of the model that compute them. */
    private final class Queue {
        final Key key;
        final String name;
        final ArrayDeque<Task> waiting = new ArrayDeque<>();
        volatile int waitingInstances; // written under the queue's lock, read by the gauge
        int runners;
        final boolean[] busy;
        final Meters meters;

        Queue(Key key, String name, int threads, Meters meters) {
            this.key = key;
            this.name = name;
            this.busy = new boolean[Math.max(1, threads)];
            this.meters = meters;
        }

        /** The next batch: waiting tasks in order while they fit, the first always; after batch-timeout if short. */
        synchronized List<Task> take(BatchSettings settings) {
            long timeout = settings.batchTimeout().toNanos();
            if (timeout > 0 && waitingInstances < settings.maxBatchSize() && !waiting.isEmpty()) {
                long deadline = waiting.peek().enqueued + timeout;
                for (long left = deadline - System.nanoTime(); left > 0
                        && waitingInstances < settings.maxBatchSize(); left = deadline - System.nanoTime()) {
                    try {
                        TimeUnit.NANOSECONDS.timedWait(this, left);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        break;
                    }
                }
            }
            List<Task> batch = new ArrayList<>();
            int n = 0;
            while (!waiting.isEmpty() && (batch.isEmpty() || n + waiting.peek().count <= settings.maxBatchSize())) {
                Task t = waiting.poll();
                waitingInstances -= t.count;
                n += t.count;
                batch.add(t);
            }
            return batch;
        }

        synchronized int takeSlot() {
            for (int i = 0; i < busy.length; i++) {
                if (!busy[i]) {
                    busy[i] = true;
                    return i;
                }
            }
            throw new IllegalStateException("more runners than slots");
        }

        synchronized void releaseSlot(int slot) {
            busy[slot] = false;
        }

        /** Slot 0 is the cached model itself, shared with other uses; the others run on a spare copy. */
        float[][] pass(int slot, float[][] x, int n, RowsPass pass) {
            if (slot == 0) {
                synchronized (key.model) {
                    return pass.run(key.model, x, n);
                }
            }
            Sequential copy = borrow(key.model);
            try {
                return pass.run(copy, x, n);
            } finally {
                spares.get(key.model).push(copy);
            }
        }

        /** A runner leaves: the next waiting task, if any, runs next; an idle queue is dropped. */
        void handOver(Map<Key, Queue> all) {
            Task next;
            synchronized (this) {
                next = waiting.stream().filter(t -> !t.leading).findFirst().orElse(null);
                if (next == null) {
                    runners--;
                    if (runners == 0 && waiting.isEmpty()) {
                        all.remove(key, this);
                    }
                    return;
                }
                next.leading = true;
            }
            next.lead();
        }
    }

    /** One caller's samples, and then their outputs (or the failure), or the turn to run batches. */
    private static final class Task {
        final float[][] inputs;
        final int count;
        final long enqueued = System.nanoTime();
        boolean leading; // guarded by the queue
        private float[][] y;
        private Throwable error;
        private boolean done;
        private boolean turn;

        Task(float[][] inputs, int count) {
            this.inputs = inputs;
            this.count = count;
        }

        synchronized void complete(float[][] out, Throwable e) {
            y = out;
            error = e;
            done = true;
            notifyAll();
        }

        synchronized void lead() {
            turn = true;
            notifyAll();
        }

        synchronized boolean done() {
            return done;
        }

        /** Waits until the outputs are in or the task is handed the turn to run batches. */
        synchronized void awaitTurnOrResult() {
            boolean interrupted = false;
            while (!done && !turn) {
                try {
                    wait();
                } catch (InterruptedException e) {
                    interrupted = true; // the caller's answer is computed by someone else; wait for it
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }

        synchronized void awaitDone() {
            boolean interrupted = false;
            while (!done) {
                try {
                    wait();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }

        synchronized float[][] result() {
            if (error instanceof RuntimeException r) {
                throw r;
            }
            if (error instanceof Error e) {
                throw e;
            }
            return y;
        }
    }
}
