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
 * @param threadsPerJob threads one training job uses; 0 means every core (jobs training at once share them)
 * @param simd the kernels: {@code mode} {@code auto} uses the Vector API when present, {@code off} forces the scalar
 *             kernels; {@code bits} the vector width (128, 256 or 512; 0 for the machine's preferred width)
 * @param limits what one request may ask of the service ({@code rnn.limits.*})
 * @param keptWeightVersions weight versions kept per model, newest first
 * @param shutdownTimeout how long shutdown waits for running jobs to checkpoint
 * @param progressInterval the least time between two progress events of one job
 * @param modelCache memory for built models kept for predictions, the least recently used dropped first
 * @param security who may call ({@code rnn.security.*})
 * @param store where models, datasets and jobs live: {@code file} (under {@code data-dir}, the default) or
 *              {@code postgres} (the database of Spring's {@code spring.datasource.*} settings)
 * @param instanceId this process's name in the health endpoint and in the jobs it trains; by default its host
 *                   name and process id
 * @param cluster how replicas on PostgreSQL share jobs ({@code rnn.cluster.*})
 * @param batching how concurrent predictions of one model are merged ({@code rnn.batching.*})
 * @param sessions streaming sessions that keep a stream's recurrent state ({@code rnn.sessions.*})
 */
@Validated
@ConfigurationProperties(prefix = "rnn", ignoreUnknownFields = false)
public record RnnProperties(
        @DefaultValue("./data") Path dataDir,
        @DefaultValue("1") @Min(1) int workers,
        @DefaultValue("16") @Min(0) int queueCapacity,
        @DefaultValue("0") @Min(0) int threadsPerJob,
        @DefaultValue Simd simd,
        @DefaultValue Limits limits,
        @DefaultValue("5") @Min(1) int keptWeightVersions,
        @DefaultValue("20s") Duration shutdownTimeout,
        @DefaultValue("250ms") Duration progressInterval,
        @DefaultValue("512MB") DataSize modelCache,
        @DefaultValue Security security,
        @DefaultValue("file") StoreKind store,
        String instanceId,
        @DefaultValue Cluster cluster,
        @DefaultValue Batching batching,
        @DefaultValue Sessions sessions) {

    /**
     * {@code rnn.sessions.*}: streams predicted a few steps at a time ({@code POST /api/v1/models/{id}/sessions}).
     *
     * @param idleTimeout how long a session lives after its last use
     * @param max the most open sessions; opening one more gets 429
     */
    public record Sessions(@DefaultValue("10m") Duration idleTimeout, @DefaultValue("10000") @Min(1) int max) {
    }

    /**
     * {@code rnn.batching.*}: concurrent predictions of one model version and sequence length merged into one forward
     * pass, in TF Serving's words; a model may override them ({@code PUT /api/v1/models/{id}/batching}).
     *
     * @param enabled whether predictions are batched at all
     * @param maxBatchSize the most instances one batch holds; a request with as many runs alone
     * @param batchTimeout how long a batch that is not full waits for more requests; 0 runs what is there at once,
     *                     which TF Serving advises on CPU
     * @param threads batches of one model computed at once, each on its own copy of the model's buffers (0: the
     *                cores)
     * @param maxEnqueuedBatches batches' worth of instances that may wait per model before a prediction gets 503
     */
    public record Batching(@DefaultValue("true") boolean enabled, @DefaultValue("64") @Min(1) int maxBatchSize,
                           @DefaultValue("0s") Duration batchTimeout, @DefaultValue("0") @Min(0) int threads,
                           @DefaultValue("64") @Min(1) int maxEnqueuedBatches) {

        /** {@code threads}, or by default the cores. */
        public int batchThreads() {
            return threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
        }
    }

    /**
     * {@code rnn.cluster.*}, with {@code rnn.store=postgres}.
     *
     * @param lease how long a replica may go without a heartbeat before its jobs are taken up by another
     */
    public record Cluster(@DefaultValue("30s") Duration lease) {
    }

    public RnnProperties {
        if (store == StoreKind.FILE && cluster != null && !cluster.lease().equals(Duration.ofSeconds(30))) {
            throw new IllegalArgumentException("rnn.cluster.lease applies to replicas sharing PostgreSQL: set"
                    + " rnn.store=postgres, or leave rnn.cluster.lease out");
        }
    }

    /** The stores {@code rnn.store} chooses from. */
    public enum StoreKind { FILE, POSTGRES }

    /** {@code rnn.instance-id}, or the host name and process id. */
    public String replicaId() {
        if (instanceId != null && !instanceId.isBlank()) {
            return instanceId;
        }
        String host;
        try {
            host = java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.net.UnknownHostException e) {
            host = "localhost";
        }
        return host + "-" + ProcessHandle.current().pid();
    }

    /**
     * {@code rnn.threads-per-job}, or by default every core. Jobs training at once then share the cores, their waits
     * parking rather than spinning, which measured as fast as running them in turn, where a core each left one idle
     * once the shorter job ended and made a lone job half as fast (docs/performance.md, two jobs at once).
     */
    public int jobThreads() {
        return threadsPerJob > 0 ? threadsPerJob : Runtime.getRuntime().availableProcessors();
    }

    /**
     * {@code rnn.limits.*}: the most one request may ask, each refused past its value with 413 or 422 naming the
     * setting, so that no request can exhaust the process.
     *
     * @param requestSize the largest request body (uploads and Keras files included), counted as it streams
     * @param jsonDepth the deepest nesting of JSON arrays and objects
     * @param params the most weights a model may have
     * @param layers the most layers a model may have
     * @param units the most units (or embedding width) one layer may have
     * @param datasetValues the most values a dataset may hold: samples x timesteps x features
     * @param epochs the most epochs a job may ask for
     * @param predictionBatch the most instances one prediction may send
     * @param jobMemory the most memory one training job may need, estimated from the model and batch shapes before
     *                  it is queued
     * @param predictions predictions computed at once (0: twice the cores); more wait, then get 503
     * @param predictionWait how long a prediction waits for its turn before 503 and Retry-After
     */
    public record Limits(
            @DefaultValue("64MB") DataSize requestSize,
            @DefaultValue("64") @Min(4) int jsonDepth,
            @DefaultValue("50000000") @Min(1) long params,
            @DefaultValue("100") @Min(1) int layers,
            @DefaultValue("8192") @Min(1) int units,
            @DefaultValue("100000000") @Min(1) long datasetValues,
            @DefaultValue("100000") @Min(1) int epochs,
            @DefaultValue("10000") @Min(1) int predictionBatch,
            @DefaultValue("4GB") DataSize jobMemory,
            @DefaultValue("0") @Min(0) int predictions,
            @DefaultValue("2s") Duration predictionWait) {

        /** {@code predictions}, or by default twice the cores. */
        public int concurrentPredictions() {
            return predictions > 0 ? predictions : 2 * Runtime.getRuntime().availableProcessors();
        }
    }

    /**
     * {@code rnn.security.*}: access control, off unless API keys are set.
     *
     * @param apiKeys keys as {@code key} or {@code key:scope}, scope {@code admin} (everything, the default) or
     *                {@code predict} (read and predict only); when set, every API call needs
     *                {@code Authorization: Bearer <key>}
     */
    public record Security(@DefaultValue("") java.util.List<String> apiKeys) {
    }

    /** {@code rnn.simd.*}: which kernels the engine computes with. */
    public record Simd(@DefaultValue("auto") String mode, @DefaultValue("0") int bits) {
    }
}
