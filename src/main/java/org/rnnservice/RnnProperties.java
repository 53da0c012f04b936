package org.rnnservice;

import jakarta.validation.constraints.Min;
import java.nio.file.Path;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * Every setting of rnn-service, under {@code rnn.*}; the README lists them with their defaults. A setting under
 * {@code rnn.*} that is not one of these fails start-up, naming it, rather than being silently ignored.
 *
 * @param dataDir where models, weights, datasets and jobs live
 * @param workers training jobs that run at once
 * @param queueCapacity jobs that may wait for a worker before submissions get 429
 * @param threadsPerJob threads one training job may use; 0 means what the workers leave of the cores
 * @param simd the kernels: {@code mode} {@code auto} uses the Vector API when present, {@code off} forces the scalar
 *             kernels; {@code bits} the vector width (128, 256 or 512; 0 for the machine's preferred width)
 * @param maxParams the largest model accepted, in weights
 * @param maxRequestSize the largest request body accepted (datasets included)
 * @param keptWeightVersions weight versions kept per model, newest first
 * @param shutdownTimeout how long shutdown waits for running jobs to checkpoint
 * @param progressInterval the least time between two progress events of one job
 * @param modelCache memory for built models kept for predictions, the least recently used dropped first
 */
@Validated
@ConfigurationProperties(prefix = "rnn", ignoreUnknownFields = false)
public record RnnProperties(
        @DefaultValue("./data") Path dataDir,
        @DefaultValue("1") @Min(1) int workers,
        @DefaultValue("16") @Min(0) int queueCapacity,
        @DefaultValue("0") @Min(0) int threadsPerJob,
        @DefaultValue Simd simd,
        @DefaultValue("50000000") @Min(1) long maxParams,
        @DefaultValue("64MB") DataSize maxRequestSize,
        @DefaultValue("5") @Min(1) int keptWeightVersions,
        @DefaultValue("20s") Duration shutdownTimeout,
        @DefaultValue("250ms") Duration progressInterval,
        @DefaultValue("512MB") DataSize modelCache) {

    /** {@code rnn.threads-per-job}, or by default the cores each worker gets when all of them are busy. */
    public int jobThreads() {
        return threadsPerJob > 0 ? threadsPerJob : Math.max(1, Runtime.getRuntime().availableProcessors() / workers);
    }

    /** {@code rnn.simd.*}: which kernels the engine computes with. */
    public record Simd(@DefaultValue("auto") String mode, @DefaultValue("0") int bits) {
    }
}
