package org.rnnservice.models.batching;

import java.time.Duration;

/**
 * How one model's predictions are batched: the service's {@code rnn.batching.*} with the model's own overrides.
 *
 * @param threads batches of one model computed at once, each on its own copy of the model's buffers
 */
public record BatchSettings(boolean enabled, int maxBatchSize, Duration batchTimeout, int threads,
                            int maxEnqueuedBatches) {

    /** The most instances that may wait for one model and sequence length. */
    int maxWaiting() {
        return (int) Math.min(Integer.MAX_VALUE, (long) maxEnqueuedBatches * maxBatchSize);
    }
}
