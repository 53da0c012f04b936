package org.rnnservice.models;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.NoSuchFileException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.rnnservice.RnnProperties;
import org.rnnservice.datasets.DatasetRecord;
import org.rnnservice.datasets.DatasetService;
import org.rnnservice.engine.layers.Embedding;
import org.rnnservice.engine.layers.Param;
import org.rnnservice.engine.model.ModelDefinitions;
import org.rnnservice.engine.train.Compilation;
import org.rnnservice.engine.model.ModelSpec;
import org.rnnservice.engine.model.Sequential;
import org.rnnservice.engine.simd.Kernels;
import org.rnnservice.engine.train.Trainer;
import org.rnnservice.storage.CorruptFileException;
import org.rnnservice.storage.Store;
import org.rnnservice.storage.TensorFile;
import org.rnnservice.storage.UsageTracker;
import org.rnnservice.errors.ServiceException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import tools.jackson.databind.json.JsonMapper;

/**
 * Models and their weight versions: creation from a definition, predictions on the current (or a kept) version,
 * weight export and import, and publishing a trained version. Training happens elsewhere, on a copy.
 */
@Service
public class ModelService {

    private static final Logger LOG = LoggerFactory.getLogger(ModelService.class);
    private static final SecureRandom SEEDS = new SecureRandom();

    private final Store store;
    private final DatasetService datasets;
    private final UsageTracker usage;
    private final RnnProperties properties;
    private final JsonMapper mapper;
    private final Timer predictTimer;
    /**
     * Built models by id and version, the most recently used {@code rnn.loaded-models} of them: each holds weights and
     * scratch buffers, so an unbounded cache would let a listing of many models fill the heap. A model serves one
     * prediction at a time.
     */
    private final Map<String, Sequential> loaded;
    private final Map<String, Object> locks = new ConcurrentHashMap<>();

    /** {@code kernels} is taken so the engine's kernels are chosen, from {@code rnn.simd}, before any model exists. */
    public ModelService(Store store, DatasetService datasets, UsageTracker usage, RnnProperties properties,
                        JsonMapper mapper, MeterRegistry meters, Kernels kernels) {
        this.store = store;
        this.datasets = datasets;
        this.usage = usage;
        this.properties = properties;
        this.mapper = mapper;
        int capacity = properties.loadedModels();
        this.loaded = java.util.Collections.synchronizedMap(new java.util.LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Sequential> eldest) {
                return size() > capacity;
            }
        });
        this.predictTimer = Timer.builder("rnn.predictions").description("prediction latency per request")
                .publishPercentiles(0.5, 0.99).register(meters);
    }

    private Object lock(String id) {
        return locks.computeIfAbsent(id, k -> new Object());
    }

    /** Builds, initializes and stores a model from a definition in our form or Keras' {@code to_json()}. */
    public ModelView create(Map<String, Object> body) throws IOException {
        ModelSpec spec = ModelDefinitions.parse(body, SEEDS.nextLong() & Long.MAX_VALUE);
        Sequential model = Sequential.build(spec, properties.maxParams());
        Compilation.validateCompile(model);
        String id = UUID.randomUUID().toString();
        Instant now = Instant.now();
        ModelRecord.VersionInfo v0 = new ModelRecord.VersionInfo(0, now, null);
        ModelRecord record = new ModelRecord(id, model.name(), now, 0, Compilation.normalizedDefinition(model),
                ModelView.SummaryView.of(model.summary()), model.summary().toText(), List.of(v0), null, null);
        store.putTensors(Store.Collection.MODELS, id, weightsBlob(0), tensors(model));
        store.put(Store.Collection.MODELS, id, record);
        loaded.put(key(id, 0), model);
        LOG.info("Model {} created: {} layers, {} params", id, model.layers().size(), model.summary().totalParams());
        return view(record);
    }

    private static String weightsBlob(int version) {
        return "weights/v" + version;
    }

    private static String key(String id, int version) {
        return id + "@" + version;
    }

    private static List<TensorFile.Entry> tensors(Sequential model) {
        return model.params().stream().map(p -> TensorFile.Entry.of(p.name(), p.value().clone(), p.shape())).toList();
    }

    public ModelRecord record(String id) throws IOException {
        return store.get(Store.Collection.MODELS, id, ModelRecord.class)
                .orElseThrow(() -> ServiceException.notFound("model", id));
    }

    public boolean exists(String id) {
        try {
            return store.get(Store.Collection.MODELS, id, ModelRecord.class).isPresent();
        } catch (IOException e) {
            return false;
        }
    }

    /** Finds a model by id, or else by name (the newest of that name): TF Serving clients address models by name. */
    ModelRecord byIdOrName(String idOrName) throws IOException {
        var byId = store.get(Store.Collection.MODELS, idOrName, ModelRecord.class);
        if (byId.isPresent()) {
            return byId.get();
        }
        return list().stream().filter(m -> m.name().equals(idOrName)).findFirst()
                .orElseThrow(() -> ServiceException.notFound("model", idOrName));
    }

    List<ModelRecord> list() throws IOException {
        List<ModelRecord> all = new ArrayList<>(store.list(Store.Collection.MODELS, ModelRecord.class));
        all.sort(Comparator.comparing(ModelRecord::createdAt).reversed());
        return all;
    }

    static ModelView view(ModelRecord r) {
        return new ModelView(r.id(), r.name(), r.createdAt(), r.version(), r.definition(), r.summary(),
                r.versions(), r.vocab());
    }

    /** A new, untrained instance of the model's architecture (weights not loaded). */
    public Sequential build(ModelRecord record) {
        return Sequential.build(ModelDefinitions.parse(record.definition(), 0), Long.MAX_VALUE);
    }

    /** The model with the weights of {@code version}, shared and cached: callers synchronize on it. */
    Sequential load(ModelRecord record, int version) throws IOException {
        if (record.versions().stream().noneMatch(v -> v.version() == version)) {
            throw ServiceException.notFound("weight version", record.id() + " v" + version
                    + " (kept: " + record.versions().stream().map(ModelRecord.VersionInfo::version).toList() + ")");
        }
        Sequential cached = loaded.get(key(record.id(), version));
        if (cached != null) {
            return cached;
        }
        Sequential model = build(record);
        model.setWeights(weights(record.id(), version, model));
        Sequential raced = loaded.putIfAbsent(key(record.id(), version), model);
        return raced != null ? raced : model;
    }

    /** A private copy of the model at its current version, for a training job to change freely. */
    public Sequential copyForTraining(ModelRecord record) throws IOException {
        Sequential model = build(record);
        model.setWeights(weights(record.id(), record.version(), model));
        return model;
    }

    private List<float[]> weights(String id, int version, Sequential model) throws IOException {
        Map<String, TensorFile.Entry> t;
        try {
            t = store.getTensors(Store.Collection.MODELS, id, weightsBlob(version));
        } catch (NoSuchFileException | CorruptFileException e) {
            throw new IOException("weights v" + version + " of model " + id + " are unreadable: " + e.getMessage(), e);
        }
        List<float[]> values = new ArrayList<>();
        for (Param p : model.params()) {
            TensorFile.Entry e = t.get(p.name());
            if (e == null) {
                throw new IOException("weights v" + version + " of model " + id + " lack " + p.name());
            }
            values.add(e.floats());
        }
        return values;
    }

    /**
     * Stores trained weights as the model's next version and makes it current, keeping the newest
     * {@code rnn.kept-weight-versions}. Returns the new version.
     */
    public int publish(String id, Sequential trained, String jobId, List<String> vocab, Integer seqLen)
            throws IOException {
        synchronized (lock(id)) {
            ModelRecord current = record(id);
            int version = current.version() + 1;
            store.putTensors(Store.Collection.MODELS, id, weightsBlob(version), tensors(trained));
            List<ModelRecord.VersionInfo> versions = new ArrayList<>(current.versions());
            ModelRecord.VersionInfo info = new ModelRecord.VersionInfo(version, Instant.now(), jobId);
            versions.add(info);
            List<ModelRecord.VersionInfo> dropped = new ArrayList<>();
            while (versions.size() > properties.keptWeightVersions()) {
                dropped.add(versions.remove(0));
            }
            store.put(Store.Collection.MODELS, id, current.withVersion(info, versions, vocab, seqLen));
            for (ModelRecord.VersionInfo old : dropped) {
                store.deleteTensors(Store.Collection.MODELS, id, weightsBlob(old.version()));
                loaded.remove(key(id, old.version()));
            }
            return version;
        }
    }

    void delete(String id) throws IOException {
        record(id);
        boolean deleted = usage.deleteIfUnused(Store.Collection.MODELS, id, () -> {
            synchronized (lock(id)) {
                store.delete(Store.Collection.MODELS, id);
                synchronized (loaded) {
                    loaded.keySet().removeIf(k -> k.startsWith(id + "@"));
                }
            }
        });
        if (!deleted) {
            throw ServiceException.conflict("model " + id + " is being trained by a queued or running job; cancel it"
                    + " first");
        }
        locks.remove(id); // a later request for the id finds no model, so no lock is needed for it again
        LOG.info("Model {} deleted", id);
    }

    String summaryText(String id) throws IOException {
        return record(id).summaryText();
    }

    /** Predictions for the instances of a request body; instances are batched by length. */
    Prediction predict(ModelRecord record, Integer version, InputStream body) throws IOException {
        int v = version == null ? record.version() : version;
        Sequential model = load(record, v);
        PredictionInput input = PredictionInput.read(body, mapper, model.inputShape(), codec(record, model));
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
            float[] y;
            synchronized (model) {
                y = model.predictParallel(x, members.size(), steps, 1024);
            }
            int outSize = model.outputSize(steps);
            int width = model.outputShape().features();
            for (int j = 0; j < members.size(); j++) {
                outputs.set(members.get(j), nest(y, j * outSize, outSize, width));
            }
        }
        predictTimer.record(System.nanoTime() - start, java.util.concurrent.TimeUnit.NANOSECONDS);
        return new Prediction(outputs, v, input.columnar());
    }

    /** The result of a prediction: one output per instance, and the version that made it. */
    record Prediction(List<Object> outputs, int version, boolean columnar) {
    }

    private static Object nest(float[] y, int off, int size, int width) {
        if (size == width) {
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
                : new TextCodec(record.vocab(), model.layers().get(0) instanceof Embedding);
    }

    /** Keras' {@code evaluate} of the current version on a stored dataset. */
    Map<String, Object> evaluate(String id, String datasetId, int batchSize) throws IOException {
        ModelRecord record = record(id);
        DatasetRecord ds = datasets.get(datasetId);
        Sequential model = load(record, record.version());
        boolean ids = DatasetFit.check(model, ds);
        Map<String, Object> result = new LinkedHashMap<>();
        synchronized (model) {
            result.putAll(new Trainer(model, model.spec().compile()).evaluate(datasets.samples(ds, ids), batchSize));
        }
        result.put("model_version", record.version());
        return result;
    }

    /** The weights of a version in Keras {@code get_weights()} order, each with name, shape and nested values. */
    WeightsDocument weights(String id, Integer version) throws IOException {
        ModelRecord record = record(id);
        int v = version == null ? record.version() : version;
        Sequential model = load(record, v);
        List<WeightsDocument.Weight> out = new ArrayList<>();
        synchronized (model) {
            for (Param p : model.params()) {
                out.add(new WeightsDocument.Weight(p.name(), java.util.Arrays.stream(p.shape()).boxed().toList(),
                        WeightsDocument.nest(p.value(), p.shape())));
            }
        }
        return new WeightsDocument(v, out);
    }

    /** Replaces the weights with uploaded ones (all of them, checked by name and shape) as a new version. */
    int putWeights(String id, InputStream body) throws IOException {
        ModelRecord record = record(id);
        Sequential model = build(record);
        List<float[]> values = WeightsDocument.read(body, mapper, model.params());
        model.setWeights(values);
        int version = publish(id, model, null, null, null);
        LOG.info("Model {} weights uploaded as version {}", id, version);
        return version;
    }

    /** Continues a prompt character by character, sampling from the model's softmax at {@code temperature}. */
    String generate(String id, String prompt, int length, double temperature, long seed) throws IOException {
        ModelRecord record = record(id);
        if (record.vocab() == null) {
            throw ServiceException.conflict("model " + id + " has not been trained on a text dataset, so it has no"
                    + " vocabulary to generate from");
        }
        Sequential model = load(record, record.version());
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
