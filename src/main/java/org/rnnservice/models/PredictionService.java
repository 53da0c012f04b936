package org.rnnservice.models;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.rnnservice.RnnProperties;
import org.rnnservice.datasets.DatasetRecord;
import org.rnnservice.datasets.DatasetService;
import org.rnnservice.engine.layers.Embedding;
import org.rnnservice.engine.layers.Param;
import org.rnnservice.engine.model.CompileSpec;
import org.rnnservice.engine.model.Sequential;
import org.rnnservice.engine.parallel.HelperThreads;
import org.rnnservice.engine.train.Trainer;
import org.rnnservice.errors.ServiceException;
import org.rnnservice.models.batching.BatchSettings;
import org.rnnservice.models.batching.PredictionBatcher;
import org.springframework.stereotype.Service;
import tools.jackson.databind.json.JsonMapper;

/**
 * What a stored model computes: predictions on the current (or a kept) version, evaluation on a dataset, its
 * weights, and text generation. A built model serves one caller at a time, so each use holds its lock.
 */
@Service
public class PredictionService {

    private final ModelCatalog catalog;
    private final DatasetService datasets;
    private final JsonMapper mapper;
    private final HelperThreads helpers;
    private final Timer predictTimer;
    private final PredictionGate gate;

    private final PredictionBatcher batcher;
    private final RnnProperties.Batching batching;

    public PredictionService(ModelCatalog catalog, DatasetService datasets, JsonMapper mapper, HelperThreads helpers,
                             MeterRegistry meters, PredictionGate gate, PredictionBatcher batcher,
                             RnnProperties properties) {
        this.catalog = catalog;
        this.batcher = batcher;
        this.batching = properties.batching();
        this.gate = gate;
        this.datasets = datasets;
        this.mapper = mapper;
        this.helpers = helpers;
        this.predictTimer = Timer.builder("rnn.predictions").description("prediction latency per request")
                .publishPercentiles(0.5, 0.99).register(meters);
    }

    /** The result of a prediction: one output per instance, and the version that made it. */
    public record Prediction(List<Object> outputs, int version, boolean columnar) {
    }

    /** A batch's outputs as one flat row-major tensor of {@code shape}, from the model's {@code version}. */
    public record TensorOutput(float[] data, List<Integer> shape, int version) {
    }

    /**
     * Predicts a batch given as one flat row-major tensor {@code [count, steps, features]} (or {@code [count,
     * features]} for a model without a time axis), for the protocols that send typed tensors (KServe v2).
     */
    public TensorOutput predict(ModelRecord record, Integer version, float[] x, int count, int steps)
            throws IOException {
        gate.checkInstances(count);
        int v = version == null ? record.version() : version;
        Sequential model = catalog.load(record, v);
        long start = System.nanoTime();
        float[] y = forward(record, model, x, count, steps);
        predictTimer.record(System.nanoTime() - start, java.util.concurrent.TimeUnit.NANOSECONDS);
        int width = model.outputShape().features();
        List<Integer> shape = model.outputShape().sequence() ? List.of(count, model.outputSteps(steps), width)
                : List.of(count, width);
        return new TensorOutput(y, shape, v);
    }

    /**
     * The outputs of {@code count} samples of {@code steps} steps: batched with concurrent requests of the same model
     * version and length when batching is on for the model and the request is smaller than a batch, else computed
     * alone in a turn of the prediction gate.
     */
    private float[] forward(ModelRecord record, Sequential model, float[] x, int count, int steps)
            throws IOException {
        BatchSettings settings = settings(record);
        if (settings.enabled() && count < settings.maxBatchSize()) {
            return batcher.predict(model, record.name(), x, count, steps, settings,
                    (m, xs, n) -> inTurn(() -> m.predict(xs, n, steps, n)));
        }
        return gate.run(() -> {
            synchronized (model) {
                return model.predictParallel(x, count, steps, 1024, helpers);
            }
        });
    }

    /** A batch computes in a turn of the gate, as an unbatched prediction does: the cores bound both. */
    private float[] inTurn(PredictionGate.Work<float[]> work) {
        try {
            return gate.run(work);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The service's batching settings with the model's overrides. */
    public BatchSettings settings(ModelRecord record) {
        BatchSettings service = new BatchSettings(batching.enabled(), batching.maxBatchSize(),
                batching.batchTimeout(), batching.batchThreads(), batching.maxEnqueuedBatches());
        return record.batching() == null ? service : record.batching().over(service);
    }

    /** Predictions for the instances of a request body; instances are batched by length. */
    public Prediction predict(ModelRecord record, Integer version, InputStream body) throws IOException {
        int v = version == null ? record.version() : version;
        Sequential model = catalog.load(record, v);
        PredictionInput input = PredictionInput.read(body, mapper, model.inputShape(), codec(record, model));
        gate.checkInstances(input.values().size());
        return predict(record, model, v, input);
    }

    private Prediction predict(ModelRecord record, Sequential model, int v, PredictionInput input)
            throws IOException {
        long start = System.nanoTime();
        List<Object> outputs = new ArrayList<>();
        for (int i = 0; i < input.values().size(); i++) {
            outputs.add(null);
        }
        Map<Integer, List<Integer>> byLength = new LinkedHashMap<>();
        for (int i = 0; i < input.steps().size(); i++) {
            byLength.computeIfAbsent(input.steps().get(i), k -> new ArrayList<>()).add(i);
        }
        int perStep = model.inputShape().features();
        for (Map.Entry<Integer, List<Integer>> group : byLength.entrySet()) {
            int steps = group.getKey();
            List<Integer> members = group.getValue();
            int inSize = Math.max(steps, 1) * perStep;
            float[] x = new float[Math.multiplyExact(members.size(), inSize)];
            for (int j = 0; j < members.size(); j++) {
                System.arraycopy(input.values().get(members.get(j)), 0, x, j * inSize, inSize);
            }
            float[] y = forward(record, model, x, members.size(), steps);
            int outSize = model.outputSize(steps);
            int width = model.outputShape().features();
            boolean sequence = model.outputShape().sequence();
            for (int j = 0; j < members.size(); j++) {
                outputs.set(members.get(j), nest(y, j * outSize, outSize, width, sequence));
            }
        }
        predictTimer.record(System.nanoTime() - start, java.util.concurrent.TimeUnit.NANOSECONDS);
        return new Prediction(outputs, v, input.columnar());
    }

    /** One stream's next steps, read from a request body that holds exactly one instance. */
    public record StreamChunk(float[] x, int steps) {
    }

    /** The next steps of a streaming session's stream: a prediction body with one instance. */
    public StreamChunk readChunk(ModelRecord record, Sequential model, InputStream body) {
        PredictionInput input = PredictionInput.read(body, mapper, model.inputShape(), codec(record, model));
        if (input.values().size() != 1) {
            throw ServiceException.badRequest("instances", "a session is one stream: send one instance, its next"
                    + " steps, not " + input.values().size());
        }
        return new StreamChunk(input.values().get(0), input.steps().get(0));
    }

    /** One instance's output: a row, or for a model returning sequences a row per step (even for one step). */
    public static Object nest(float[] y, int off, int size, int width, boolean sequence) {
        if (!sequence) {
            return row(y, off, width);
        }
        List<Object> steps = new ArrayList<>();
        for (int s = 0; s < size; s += width) {
            steps.add(row(y, off + s, width));
        }
        return steps;
    }

    private static List<Float> row(float[] y, int off, int width) {
        List<Float> r = new ArrayList<>(width);
        for (int i = 0; i < width; i++) {
            r.add(y[off + i]);
        }
        return r;
    }

    private static TextCodec codec(ModelRecord record, Sequential model) {
        return record.vocab() == null ? null
                : new TextCodec(record.vocab(), record.tokenizer(), model.layers().get(0) instanceof Embedding);
    }

    /** Keras' {@code evaluate} of the current version on a stored dataset. */
    Map<String, Object> evaluate(String id, String datasetId, int batchSize) throws IOException {
        ModelRecord record = catalog.record(id);
        DatasetRecord ds = datasets.get(datasetId);
        CompileSpec compile = ModelCatalog.requireCompiled(record);
        Sequential model = catalog.load(record, record.version());
        boolean ids = DatasetFit.check(model, ds);
        Map<String, Object> result = new LinkedHashMap<>();
        synchronized (model) {
            result.putAll(new Trainer(model, compile).evaluate(datasets.samples(ds, ids), batchSize));
        }
        result.put("model_version", record.version());
        return result;
    }

    /** The weights of a version in Keras {@code get_weights()} order, each with name, shape and nested values. */
    WeightsDocument weights(String id, Integer version) throws IOException {
        ModelRecord record = catalog.record(id);
        int v = version == null ? record.version() : version;
        Sequential model = catalog.load(record, v);
        List<WeightsDocument.Weight> out = new ArrayList<>();
        synchronized (model) {
            for (Param p : model.params()) {
                out.add(new WeightsDocument.Weight(p.name(), java.util.Arrays.stream(p.shape()).boxed().toList(),
                        WeightsDocument.nest(p.value(), p.shape())));
            }
        }
        return new WeightsDocument(v, out);
    }

    /** Continues a prompt character by character, sampling from the model's softmax at {@code temperature}. */
    String generate(String id, String prompt, int length, double temperature, long seed) throws IOException {
        ModelRecord record = catalog.record(id);
        if (record.vocab() == null) {
            throw ServiceException.conflict("model " + id + " has not been trained on a text dataset, so it has no"
                    + " vocabulary to generate from");
        }
        Sequential model = catalog.load(record, record.version());
        TextCodec codec = codec(record, model);
        if (model.outputShape().sequence() || model.outputShape().features() != codec.size()) {
            throw ServiceException.unprocessable("model", "generation needs a model whose last layer gives one"
                    + " probability per character (" + codec.size() + " units, no return_sequences)");
        }
        int[] start = codec.tokens(prompt, "prompt");
        if (start.length == 0) {
            throw ServiceException.badRequest("prompt", "prompt must not be empty");
        }
        int window = model.inputShape().steps() != null ? model.inputShape().steps()
                : record.seqLen() != null ? record.seqLen() : start.length;
        int[] tokens = java.util.Arrays.copyOf(start, start.length + length);
        java.util.Random rng = new java.util.Random(seed);
        StringBuilder out = new StringBuilder();
        synchronized (model) {
            for (int n = start.length; n < tokens.length; n++) {
                int from = Math.max(0, n - window);
                if (model.inputShape().steps() != null && n - from < window) {
                    throw ServiceException.unprocessable("prompt", "this model reads exactly " + window
                            + " characters; give a prompt at least that long");
                }
                float[] probs = model.predict(codec.encode(tokens, from, n), 1, n - from, 1);
                tokens[n] = sample(probs, temperature, rng);
                out.append(codec.symbol(tokens[n]));
            }
        }
        return out.toString();
    }

    private static int sample(float[] probs, double temperature, java.util.Random rng) {
        if (temperature <= 0) {
            int best = 0;
            for (int i = 1; i < probs.length; i++) {
                best = probs[i] > probs[best] ? i : best;
            }
            return best;
        }
        double[] w = new double[probs.length];
        double sum = 0;
        for (int i = 0; i < probs.length; i++) {
            w[i] = Math.exp(Math.log(Math.max(probs[i], 1e-12)) / temperature);
            sum += w[i];
        }
        double r = rng.nextDouble() * sum;
        for (int i = 0; i < w.length; i++) {
            r -= w[i];
            if (r <= 0) {
                return i;
            }
        }
        return w.length - 1;
    }
}
