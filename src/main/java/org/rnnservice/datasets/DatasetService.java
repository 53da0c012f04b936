package org.rnnservice.datasets;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.rnnservice.RnnProperties;
import org.rnnservice.engine.train.Samples;
import org.rnnservice.engine.train.TokenWindows;
import org.rnnservice.errors.ServiceException;
import org.rnnservice.storage.Store;
import org.rnnservice.storage.TensorFile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;

/** Stores uploaded datasets and turns them into the engine's {@link Samples} for training and evaluation. */
@Service
public class DatasetService {

    private static final Logger LOG = LoggerFactory.getLogger(DatasetService.class);

    private final Store store;
    private final DatasetHistory history;

    private final long maxValues;

    public DatasetService(Store store, DatasetHistory history, RnnProperties properties) {
        this.maxValues = properties.limits().datasetValues();
        this.history = history;
        this.store = store;
    }

    DatasetRecord create(String name, ParsedData data, long bytes) throws IOException {
        long values = data.tokens() != null ? data.tokens().length : data.x().length;
        DatasetValues.check(values, maxValues, "the dataset (samples x timesteps x features)", "x", "");
        String id = UUID.randomUUID().toString();
        List<TensorFile.Entry> tensors = new ArrayList<>();
        if (data.tokens() != null) {
            tensors.add(TensorFile.Entry.of("tokens", data.tokens(), data.tokens().length));
        } else {
            tensors.add(TensorFile.Entry.of("x", data.x(), toArray(data.xShape())));
            tensors.add(TensorFile.Entry.of("y", data.y(), toArray(data.yShape())));
            if (data.sampleWeight() != null) {
                tensors.add(TensorFile.Entry.of("sample_weight", data.sampleWeight(), data.samples()));
            }
        }
        DatasetRecord record = new DatasetRecord(id, name == null || name.isBlank() ? id : name, data.kind(),
                data.samples(), data.xShape(), data.yShape(), data.integerTargets(), data.vocab(), data.seqLen(),
                data.step(), data.windowing(), data.padding(), data.sampleWeight() != null, data.tokenizer(), bytes,
                Instant.now());
        // arrays first, metadata last: the dataset exists once its metadata does, and then whole
        store.putTensors(Store.Collection.DATASETS, id, "data", tensors);
        store.put(Store.Collection.DATASETS, id, record);
        LOG.info("Dataset {} stored: {} {} samples, x {}", id, data.kind(), data.samples(), data.xShape());
        return record;
    }

    private static int[] toArray(List<Integer> shape) {
        return shape.stream().mapToInt(Integer::intValue).toArray();
    }

    public DatasetRecord get(String id) throws IOException {
        return store.get(Store.Collection.DATASETS, id, DatasetRecord.class)
                .orElseThrow(() -> ServiceException.notFound("dataset", id));
    }

    public boolean exists(String id) {
        try {
            return store.get(Store.Collection.DATASETS, id, DatasetRecord.class).isPresent();
        } catch (IOException e) {
            return false;
        }
    }

    List<DatasetRecord> list() throws IOException {
        List<DatasetRecord> all = new ArrayList<>(store.list(Store.Collection.DATASETS, DatasetRecord.class));
        all.sort(Comparator.comparing(DatasetRecord::createdAt).reversed());
        return all;
    }

    /**
     * Deletes a dataset: refused while a queued or running job uses it, and, unless {@code force}, while ended jobs
     * that trained on it are on record (409 naming them).
     */
    void delete(String id, boolean force) throws IOException {
        get(id);
        List<String> trainedOn = force ? List.of() : history.jobsThatUsed(id);
        if (!trainedOn.isEmpty()) {
            throw new ServiceException(ServiceException.Kind.CONFLICT, "dataset " + id + " trained the jobs "
                    + trainedOn + "; delete it anyway with ?force=true",
                    List.of(new ServiceException.FieldError("force", "jobs trained on this dataset: " + trainedOn)),
                    null);
        }
        if (!store.deleteUnlessHeld(Store.Collection.DATASETS, id)) {
            throw ServiceException.conflict("dataset " + id + " is used by a queued or running job; cancel it first");
        }
        LOG.info("Dataset {} deleted", id);
    }

    /**
     * The dataset as training samples. Text becomes one-hot rows of the vocabulary, or token ids when
     * {@code tokenIds} (a model that starts with an Embedding).
     */
    public Samples samples(DatasetRecord record, boolean tokenIds) throws IOException {
        Map<String, TensorFile.Entry> t = store.getTensors(Store.Collection.DATASETS, record.id(), "data");
        if (record.isText()) {
            return new TokenWindows(t.get("tokens").ints(), record.vocab().size(), record.seqLen(), record.step(),
                    !tokenIds);
        }
        return Samples.of(t.get("x").floats(), t.get("y").floats(), record.samples(), record.steps(),
                record.features(), record.targetSize(),
                record.sampleWeights() ? t.get("sample_weight").floats() : null);
    }

    /** A value outside the range an array's values must keep to, at its flat {@code index}. */
    public record Outlier(int index, float value) {
    }

    /**
     * For each named array of an array-form dataset ({@code x}, {@code y}) and its bounds {@code [low, high)}, the
     * first value that is not a whole number within them, read at once, to check token ids and labels.
     */
    public Map<String, Outlier> outliers(DatasetRecord record, Map<String, int[]> bounds) throws IOException {
        Map<String, Outlier> out = new java.util.HashMap<>();
        Map<String, TensorFile.Entry> tensors = store.getTensors(Store.Collection.DATASETS, record.id(), "data");
        bounds.forEach((name, range) -> {
            float[] values = tensors.get(name).floats();
            for (int i = 0; i < values.length; i++) {
                float v = values[i];
                if (!(v >= range[0] && v < range[1]) || v != Math.rint(v)) {
                    out.put(name, new Outlier(i, v));
                    return;
                }
            }
        });
        return out;
    }
}
