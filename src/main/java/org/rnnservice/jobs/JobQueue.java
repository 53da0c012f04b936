package org.rnnservice.jobs;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.rnnservice.RnnProperties;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;

/**
 * The training workers ({@code rnn.workers} threads) and the jobs waiting for them, at most
 * {@code rnn.queue-capacity}. A place in the queue is taken by one atomic step that checks the bound, so concurrent
 * submissions never put more jobs in the queue than it holds; a submission that finds it full is refused (429).
 */
@Component
@ConditionalOnProperty(name = "rnn.store", havingValue = "file", matchIfMissing = true)
class JobQueue implements JobDispatch {

    private final int workers;
    private final int capacity;
    private final AtomicInteger waiting = new AtomicInteger();
    private final AtomicInteger running = new AtomicInteger();
    private volatile ThreadPoolExecutor executor;

    JobQueue(RnnProperties properties, MeterRegistry meters) {
        this.workers = properties.workers();
        this.capacity = properties.queueCapacity();
        this.executor = newExecutor();
        Gauge.builder("rnn.jobs.queue", waiting, AtomicInteger::get).description("jobs waiting for a worker")
                .register(meters);
    }

    private ThreadPoolExecutor newExecutor() {
        AtomicInteger threadCount = new AtomicInteger();
        return new ThreadPoolExecutor(workers, workers, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, "training-worker-" + threadCount.incrementAndGet());
            t.setDaemon(true);
            return t;
        }) {
            @Override
            protected void beforeExecute(Thread t, Runnable r) {
                waiting.decrementAndGet();
                running.incrementAndGet();
            }

            @Override
            protected void afterExecute(Runnable r, Throwable t) {
                running.decrementAndGet();
            }
        };
    }

    /** Takes a place in the queue if one is free; the caller then {@link #enqueue}s or {@link #giveBack}s it. */
    public boolean reserve(String jobId) {
        for (int w = waiting.get(); w < capacity; w = waiting.get()) {
            if (waiting.compareAndSet(w, w + 1)) {
                return true;
            }
        }
        return false;
    }

    /** Returns a place {@link #reserve} took, for a job that will not be queued after all. */
    public void giveBack(String jobId) {
        waiting.decrementAndGet();
    }

    /** Queues a job for which a place was reserved. */
    void enqueue(Runnable job) {
        executor.execute(job);
    }

    @Override
    public void enqueue(TrainingJob job) {
        enqueue((Runnable) job);
    }

    @Override
    public void requeue(TrainingJob job) {
        requeue((Runnable) job);
    }

    @Override
    public boolean remove(TrainingJob job) {
        return remove((Runnable) job);
    }

    @Override
    public boolean trainsWhereSubmitted() {
        return true;
    }

    @Override
    public void requestCancel(TrainingJob job, boolean keep) {
        job.requestCancel(keep);
    }

    @Override
    public void start() {
        restart();
    }

    /** Queues a job taken up again after a restart, whatever the bound: it was accepted before. */
    void requeue(Runnable job) {
        waiting.incrementAndGet();
        executor.execute(job);
    }

    /** Takes a job out of the queue before it started; false if a worker has it already. */
    boolean remove(Runnable job) {
        if (executor.remove(job)) {
            waiting.decrementAndGet();
            return true;
        }
        return false;
    }

    public int capacity() {
        return capacity;
    }

    public int workers() {
        return workers;
    }

    public int waiting() {
        return waiting.get();
    }

    public int running() {
        return running.get();
    }

    /** Workers anew after a {@link #shutdown}, as after a restart. */
    void restart() {
        if (executor.isShutdown()) {
            waiting.set(0);
            executor = newExecutor();
        }
    }

    /** Stops taking jobs and waits up to {@code timeout} for the running ones; false if they did not end. */
    public boolean shutdown(Duration timeout) throws InterruptedException {
        executor.shutdown();
        return executor.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }
}
