package org.rnnservice.models.batching;

import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.time.Duration;

/**
 * One model's batching settings in TF Serving's words ({@code PUT /api/v1/models/{id}/batching}); each one left out
 * keeps the service's {@code rnn.batching.*} value.
 */
public record BatchingOverride(
        @Schema(description = "whether this model's predictions are batched") Boolean enabled,
        @Min(1) @Max(100_000) @Schema(description = "the most instances one batch holds") Integer maxBatchSize,
        @Min(0) @Max(10_000_000) @Schema(description = "how long a batch that is not full waits for more requests,"
                + " in microseconds (0: run what is there)") Long batchTimeoutMicros,
        @Min(1) @Max(256) @Schema(description = "batches of this model computed at once") Integer numBatchThreads,
        @Min(1) @Max(100_000) @Schema(description = "batches' worth of instances that may wait before 503")
        Integer maxEnqueuedBatches) {

    /** {@code defaults} with this model's settings in place of those it gives. */
    public BatchSettings over(BatchSettings defaults) {
        return new BatchSettings(enabled != null ? enabled : defaults.enabled(),
                maxBatchSize != null ? maxBatchSize : defaults.maxBatchSize(),
                batchTimeoutMicros != null ? Duration.ofNanos(batchTimeoutMicros * 1000) : defaults.batchTimeout(),
                numBatchThreads != null ? numBatchThreads : defaults.threads(),
                maxEnqueuedBatches != null ? maxEnqueuedBatches : defaults.maxEnqueuedBatches());
    }
}
