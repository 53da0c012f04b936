package org.rnnservice.models;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.NoSuchFileException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;
import org.rnnservice.RnnProperties;
import org.rnnservice.datasets.DatasetRecord;
import org.rnnservice.engine.layers.Param;
import org.rnnservice.engine.model.CompileSpec;
import org.rnnservice.engine.model.ModelDefinitions;
import org.rnnservice.engine.model.ModelSpec;
import org.rnnservice.engine.model.Sequential;
import org.rnnservice.engine.simd.Kernels;
import org.rnnservice.engine.train.Compilation;
import org.rnnservice.errors.ServiceException;
import org.rnnservice.keras.ImportedModel;
import org.rnnservice.keras.KerasConfigReader;
import org.rnnservice.keras.KerasFiles;
import org.rnnservice.models.batching.BatchingOverride;
import org.rnnservice.onnx.OnnxExport;
import org.rnnservice.storage.CorruptFileException;
import org.rnnservice.storage.NameTakenException;
import org.rnnservice.storage.Store;
import org.rnnservice.storage.TensorFile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import tools.jackson.databind.json.JsonMapper;

/**
 * The models and their weight versions: creation from a definition, lookup, the built model of a version, weight
 * upload, publishing a trained version and deletion. Predictions are {@link PredictionService}'s; training happens
 * elsewhere, on a copy.
 */
@Service
public class ModelCatalog {

    private static final Logger LOG = LoggerFactory.getLogger(ModelCatalog.class);

    /** Aliases: names like {@code champion} for versions, as MLflow's registry and TF Serving's labels have them. */
    private static final Pattern ALIAS = Pattern.compile("[A-Za-z][A-Za-z0-9_-]{0,63}");
    /** Aliases are names for a few chosen versions; a bound keeps a model's record small. */
    private static final int MAX_ALIASES = 32;

    private static final SecureRandom SEEDS = new SecureRandom();
    /** Seeds drawn for a model without one stay below 2^53, so JavaScript and jq read them back exactly. */
    private static final long SAFE_SEED = (1L << 53) - 1;

    private final Store store;
    private final RnnProperties properties;
    private final JsonMapper mapper;
    private final Kernels kernels;
    private final LoadedModels loaded;
    private final ModelRecords records;

    public ModelCatalog(Store store, RnnProperties properties, JsonMapper mapper, Kernels kernels,
                        LoadedModels loaded, ModelRecords records) {
        this.store = store;
        this.records = records;
        this.properties = properties;
        this.mapper = mapper;
        this.kernels = kernels;
        this.loaded = loaded;
    }

    /** Builds, initializes and stores a model from a definition in our form or Keras' {@code to_json()}. */
    public ModelView create(Map<String, Object> body) throws IOException {
        // models stored before this rule may hold larger seeds; a new one may not
        if (body.get("seed") instanceof Number n && (n.doubleValue() < 0 || n.doubleValue() > SAFE_SEED)) {
            throw ServiceException.badRequest("seed", "seed must be a whole number from 0 to 2^53 - 1 (" + SAFE_SEED
                    + "), which JavaScript and jq read back exactly; got " + n);
        }
        if (!KerasConfigReader.isKeras(body)) {
            return buildAndStore(body, null);
        }
        KerasConfigReader.Definition read = KerasConfigReader.toDefinition(body);
        Map<String, Object> definition = new LinkedHashMap<>(read.definition());
        if (body.get("seed") != null) {
            definition.put("seed", body.get("seed"));
        }
        return buildAndStore(definition, null).withNote(read.note());
    }

    /**
     * A definition (our form or Keras' {@code to_json()}) built and checked as {@link #create} would, stored nowhere;
     * with its compile settings, required as for training.
     */
    public Checked check(Map<String, Object> body) {
        Map<String, Object> definition = KerasConfigReader.isKeras(body)
                ? KerasConfigReader.toDefinition(body).definition() : body;
        ModelSpec spec = ModelDefinitions.parse(definition, 0);
        Sequential model = ModelLimits.build(spec, properties.limits(), kernels);
        Compilation.validateCompile(model);
        if (spec.compile() == null) {
            throw ServiceException.badRequest("compile", "the model has no compile settings; give it"
                    + " \"compile\": {\"optimizer\": \"adam\", \"loss\": \"mean_squared_error\"} as"
                    + " model.compile(...) would");
        }
        return new Checked(model, spec.compile());
    }

    /** A model built from a definition, and its compile settings. */
    public record Checked(Sequential model, CompileSpec compile) {
    }

    /**
     * Parses a definition in our form, names it, builds it within the limits, checks its compile settings and
     * stores it with {@code weights} of the built model (null: its initial weights) as version 0.
     */
    private ModelView buildAndStore(Map<String, Object> definition,
                                    java.util.function.Function<Sequential, List<float[]>> weights)
            throws IOException {
        ModelSpec parsed = ModelDefinitions.parse(definition, SEEDS.nextLong() & SAFE_SEED);
        // Keras' own default names (what to_json() writes for an unnamed model) are defaults here too
        boolean named = parsed.name() != null && !parsed.name().isBlank()
                && !parsed.name().matches("sequential(_\\d+)?");
        for (int attempt = 0; ; attempt++) {
            ModelSpec spec = named ? parsed : new ModelSpec(freeDefaultName(), parsed.inputShape(), parsed.layers(),
                    parsed.compile(), parsed.seed());
            Sequential model = ModelLimits.build(spec, properties.limits(), kernels);
            Compilation.validateCompile(model);
            if (weights != null) {
                model.setWeights(weights.apply(model));
            }
            try {
                return store(model);
            } catch (NameTakenException e) {
                if (named || attempt == DEFAULT_NAME_ATTEMPTS) {
                    throw new ServiceException(ServiceException.Kind.CONFLICT, "a model named '" + e.name()
                            + "' exists already; model names are unique (TF Serving and KServe address models by"
                            + " name)", List.of(new ServiceException.FieldError("name", "'" + e.name()
                            + "' is taken")), null);
                }
                // another model took this default name meanwhile (perhaps on another replica): the next one
            }
        }
    }

    /** Default names tried before giving up when other creations keep taking them at the same moment. */
    private static final int DEFAULT_NAME_ATTEMPTS = 20;

    /**
     * Stores a model read from a Keras file ({@code .keras} or legacy {@code .h5}, told apart by content) with the
     * file's weights as version 0, its compile settings the file's; {@code name} replaces the file's name. Nothing
     * is stored when any part of the file is refused.
     */
    public ModelView importFile(byte[] content, String name) throws IOException {
        ImportedModel imported = KerasFiles.read(content, properties.limits().requestSize().toBytes(),
                properties.limits().params());
        Map<String, Object> definition = new LinkedHashMap<>(imported.definition());
        if (name != null && !name.isBlank()) {
            definition.put("name", name);
        }
        ModelView view = buildAndStore(definition, model -> KerasFiles.weights(imported, model));
        LOG.info("Model {} imported from a Keras {} file", view.id(), imported.format());
        return view.withNote(imported.note());
    }

    /** A weight version of a model written as a Keras file or as ONNX. */
    public byte[] export(ModelRecord record, Integer version, ExportFormat format) throws IOException {
        Sequential model = load(record, version == null ? record.version() : version);
        synchronized (model) {
            return format == ExportFormat.ONNX ? OnnxExport.write(model, SERVICE_VERSION)
                    : KerasFiles.write(format.keras(), record.definition(), model);
        }
    }

    /** The service's version as its jar names it, written into exported ONNX models. */
    private static final String SERVICE_VERSION = java.util.Objects.requireNonNullElse(
            ModelCatalog.class.getPackage().getImplementationVersion(), "dev");

    /**
     * The first of Keras' default names, {@code sequential}, {@code sequential_1}, ..., that no model has now. Names
     * are unique, so that TF Serving's and KServe's by-name addresses find one model; the store has the last word,
     * as another creation may take the name before this one is stored.
     */
    private String freeDefaultName() throws IOException {
        String name = "sequential";
        for (int k = 1; store.idNamed(Store.Collection.MODELS, name).isPresent(); k++) {
            name = "sequential_" + k;
        }
        return name;
    }

    private ModelView store(Sequential model) throws IOException {
        String id = UUID.randomUUID().toString();
        Instant now = Instant.now();
        ModelRecord.VersionInfo v0 = new ModelRecord.VersionInfo(0, now, null, null);
        ModelRecord record = new ModelRecord(id, model.name(), now, 0, Compilation.normalizedDefinition(model),
                ModelView.SummaryView.of(model.summary()), model.summary().toText(), List.of(v0), null, null, null,
                Map.of(), null);
        store.putTensors(Store.Collection.MODELS, id, weightsBlob(0), tensors(model));
        try {
            store.create(Store.Collection.MODELS, id, model.name(), record);
            records.written(record);
        } catch (IOException e) {
            store.deleteTensors(Store.Collection.MODELS, id, weightsBlob(0));
            throw e;
        }
        loaded.put(id, 0, model);
        LOG.info("Model {} created: {} layers, {} params", id, model.layers().size(), model.summary().totalParams());
        return view(record);
    }

    private static String weightsBlob(int version) {
        return "weights/v" + version;
    }

    private static List<TensorFile.Entry> tensors(Sequential model) {
        return model.params().stream().map(p -> TensorFile.Entry.of(p.name(), p.value().clone(), p.shape())).toList();
    }

    public ModelRecord record(String id) throws IOException {
        return records.get(id);
    }

    public boolean exists(String id) {
        try {
            return store.get(Store.Collection.MODELS, id, ModelRecord.class).isPresent();
        } catch (IOException e) {
            return false;
        }
    }

    /** Finds a model by id, or else by its (unique) name: TF Serving and KServe clients address models by name. */
    public ModelRecord byIdOrName(String idOrName) throws IOException {
        var byId = store.get(Store.Collection.MODELS, idOrName, ModelRecord.class);
        if (byId.isPresent()) {
            return byId.get();
        }
        // names are unique: the store's index finds one without listing every model
        var id = store.idNamed(Store.Collection.MODELS, idOrName);
        var named = id.isPresent() ? store.get(Store.Collection.MODELS, id.get(), ModelRecord.class)
                : java.util.Optional.<ModelRecord>empty();
        return named.orElseThrow(() -> ServiceException.notFound("model", idOrName));
    }

    /** Page {@code page} of {@code size} models, newest first. */
    Store.Slice<ModelRecord> page(int page, int size) throws IOException {
        return store.page(Store.Collection.MODELS, ModelRecord.class, (long) page * size, size);
    }

    static ModelView view(ModelRecord r) {
        return new ModelView(r.id(), r.name(), r.createdAt(), r.version(), r.definition(), r.summary(),
                r.versions(), r.vocab(), r.aliases(), r.batching(), null);
    }

    /** A new, untrained instance of the model's architecture (weights not loaded). */
    public Sequential build(ModelRecord record) {
        return Sequential.build(ModelDefinitions.parse(record.definition(), 0), Long.MAX_VALUE, kernels);
    }

    /** The model with the weights of {@code version}, shared and cached: callers synchronize on it. */
    public Sequential load(ModelRecord record, int version) throws IOException {
        record.requireKept(version);
        return loaded.get(record.id(), version, () -> {
            Sequential model = build(record);
            model.setWeights(weights(record.id(), version, model));
            return model;
        });
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
    public int publish(String id, Sequential trained, String jobId, DatasetRecord trainedOn) throws IOException {
        TextVocabulary text = trainedOn == null ? null : TextVocabulary.of(trainedOn);
        List<TensorFile.Entry> weights = tensors(trained);
        List<ModelRecord.VersionInfo> dropped = new ArrayList<>();
        ModelRecord published = records.written(store.update(Store.Collection.MODELS, id, ModelRecord.class,
                (current, blobs) -> {
            // the version is the current one's successor as the store has it now, on whatever replica publishes
            int version = current.version() + 1;
            blobs.put(weightsBlob(version), weights);
            List<ModelRecord.VersionInfo> versions = new ArrayList<>(current.versions());
            ModelRecord.VersionInfo info = new ModelRecord.VersionInfo(version, Instant.now(), jobId,
                    trainedOn == null ? null : trainedOn.window());
            versions.add(info);
            dropped.clear();
            // the oldest versions go, but never one an alias names (moving the alias lets it go)
            for (var it = versions.iterator(); it.hasNext() && versions.size() > properties.keptWeightVersions(); ) {
                ModelRecord.VersionInfo old = it.next();
                if (!current.aliases().containsValue(old.version())) {
                    it.remove();
                    dropped.add(old);
                }
            }
            for (ModelRecord.VersionInfo old : dropped) {
                blobs.delete(weightsBlob(old.version()));
            }
            return current.withVersion(info, versions, text);
        }));
        dropped.forEach(old -> loaded.evict(id, old.version()));
        return published.version();
    }

    /**
     * Keras' {@code model.compile(...)} on a stored model: new compile settings (optimizer, loss, metrics), checked
     * against the model, for the jobs submitted from now on; its weights and versions stay as they are.
     */
    ModelView compile(String id, Map<String, Object> compile) throws IOException {
        record(id);
        ModelRecord updated = records.written(store.update(Store.Collection.MODELS, id, ModelRecord.class,
                (current, blobs) -> {
            Map<String, Object> definition = new LinkedHashMap<>(current.definition());
            definition.put("compile", compile);
            Sequential model = ModelLimits.build(ModelDefinitions.parse(definition, 0), properties.limits(), kernels);
            Compilation.validateCompile(model);
            Map<String, Object> normalized = Compilation.normalizedDefinition(model);
            normalized.put("seed", current.definition().get("seed"));
            return current.withDefinition(normalized);
        }));
        loaded.evictAll(id);
        LOG.info("Model {} compiled: {}", id, updated.definition().get("compile"));
        return view(updated);
    }

    /**
     * Points {@code alias} at a kept version (moving it if it named another: a rollback is a move); 404 for a version
     * that is not kept.
     */
    ModelView setAlias(String id, String alias, int version) throws IOException {
        if (!ALIAS.matcher(alias).matches()) {
            throw ServiceException.badRequest("alias", "an alias is 1 to 64 letters, digits, '_' or '-', starting with"
                    + " a letter, got '" + alias + "'");
        }
        record(id);
        ModelRecord updated = records.written(store.update(Store.Collection.MODELS, id, ModelRecord.class,
                (current, blobs) -> {
            current.requireKept(version);
            Map<String, Integer> aliases = new LinkedHashMap<>(current.aliases());
            if (!aliases.containsKey(alias) && aliases.size() >= MAX_ALIASES) {
                throw ServiceException.badRequest("alias", "a model has at most " + MAX_ALIASES + " aliases; delete"
                        + " one of " + aliases.keySet() + " or move it");
            }
            aliases.put(alias, version);
            return current.withAliases(aliases);
        }));
        LOG.info("Model {} alias {} -> v{}", id, alias, version);
        return view(updated);
    }

    /** Gives the model its own batching settings (null: the service's again). */
    ModelView setBatching(String id, BatchingOverride batching) throws IOException {
        record(id);
        ModelRecord updated = records.written(store.update(Store.Collection.MODELS, id, ModelRecord.class,
                (current, blobs) -> current.withBatching(batching)));
        LOG.info("Model {} batching {}", id, batching == null ? "as the service's" : batching);
        return view(updated);
    }

    /** Removes an alias; 404 if the model has none of that name. */
    void removeAlias(String id, String alias) throws IOException {
        record(id);
        records.written(store.update(Store.Collection.MODELS, id, ModelRecord.class,
                (current, blobs) -> {
            Map<String, Integer> aliases = new LinkedHashMap<>(current.aliases());
            if (aliases.remove(alias) == null) {
                throw ServiceException.notFound("alias", id + " '" + alias + "'");
            }
            return current.withAliases(aliases);
        }));
        LOG.info("Model {} alias {} removed", id, alias);
    }

    /** The version a request means: {@code version}, or the one {@code alias} names, or the current one. */
    public static Integer version(ModelRecord record, Integer version, String alias) {
        if (alias == null) {
            return version;
        }
        if (version != null) {
            throw ServiceException.badRequest("alias", "give version or alias, not both");
        }
        Integer aliased = record.aliases().get(alias);
        if (aliased == null) {
            throw ServiceException.notFound("alias", record.id() + " '" + alias + "' (aliases: "
                    + record.aliases().keySet() + ")");
        }
        return aliased;
    }

    /**
     * The compile settings of a model, refusing one that was never compiled as Keras refuses {@code fit} and
     * {@code evaluate} before {@code compile()}, and saying how to compile it.
     */
    public static CompileSpec requireCompiled(ModelRecord record) {
        CompileSpec compile = ModelDefinitions.parse(record.definition(), 0).compile();
        if (compile == null) {
            throw ServiceException.unprocessable("compile", "model " + record.id() + " ('" + record.name()
                    + "') is not compiled, and Keras trains and evaluates only a compiled model: give it compile"
                    + " settings first with PUT /api/v1/models/" + record.id() + "/compile and a body such as"
                    + " {\"optimizer\": \"adam\", \"loss\": \"mean_squared_error\"}, as model.compile(...) would");
        }
        return compile;
    }

    void delete(String id) throws IOException {
        record(id);
        boolean deleted = store.deleteUnlessHeld(Store.Collection.MODELS, id);
        if (deleted) {
            records.deleted(id);
        }
        loaded.evictAll(id);
        if (!deleted) {
            throw ServiceException.conflict("model " + id + " is being trained by a queued or running job; cancel it"
                    + " first");
        }
        LOG.info("Model {} deleted", id);
    }

    String summaryText(String id) throws IOException {
        return record(id).summaryText();
    }

    /** Replaces the weights with uploaded ones (all of them, checked by name and shape) as a new version. */
    int putWeights(String id, InputStream body) throws IOException {
        ModelRecord record = record(id);
        Sequential model = build(record);
        List<float[]> values = WeightsDocument.read(body, mapper, model.params());
        model.setWeights(values);
        int version = publish(id, model, null, null);
        LOG.info("Model {} weights uploaded as version {}", id, version);
        return version;
    }
}
