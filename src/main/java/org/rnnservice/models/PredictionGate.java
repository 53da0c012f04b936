package org.rnnservice.models;

import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.rnnservice.RnnProperties;
import org.rnnservice.errors.ServiceException;
import org.springframework.stereotype.Component;

/**
 * Back-pressure for predictions: at most {@code rnn.limits.predictions} compute at once; a request past them waits up
 * to {@code rnn.limits.prediction-wait} for a turn, then gets 503 with {@code Retry-After}, so a flood slows the
 * service instead of piling threads and memory onto it. Also bounds the instances of one request.
 */
@Component
public class PredictionGate {

    /** What a caller runs once it has its turn. */
    public interface Work<T> {
        T run() throws java.io.IOException;
    }

    private final Semaphore turns;
    private final long waitNanos;
    private final int maxInstances;

    public PredictionGate(RnnProperties properties) {
        this.turns = new Semaphore(properties.limits().concurrentPredictions(), true);
        this.waitNanos = properties.limits().predictionWait().toNanos();
        this.maxInstances = properties.limits().predictionBatch();
    }

    /** Refuses (413) a request of more than {@code rnn.limits.prediction-batch} instances. */
    public void checkInstances(int count) {
        if (count > maxInstances) {
            throw new ServiceException(ServiceException.Kind.TOO_LARGE, "the request has " + count
                    + " instances, more than rnn.limits.prediction-batch = " + maxInstances + "; send them in parts",
                    List.of(new ServiceException.FieldError("instances", "more than " + maxInstances)), null);
        }
    }

    /** Runs {@code work} in a turn, waiting for one up to the configured time. */
    public <T> T run(Work<T> work) throws java.io.IOException {
        boolean acquired;
        try {
            acquired = turns.tryAcquire(waitNanos, TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ServiceException.unavailable("interrupted while waiting to predict", 1);
        }
        if (!acquired) {
            throw ServiceException.unavailable("too many predictions at once (rnn.limits.predictions); retry shortly",
                    1);
        }
        try {
            return work.run();
        } finally {
            turns.release();
        }
    }
}
