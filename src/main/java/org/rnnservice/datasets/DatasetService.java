package org.rnnservice.datasets;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
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

    /** Stores a series once, column by column, with the windows it is cut into. */
    DatasetRecord createSeries(String name, Series series, SeriesWindowing window, long bytes) throws IOException {
        String id = UUID.randomUUID().toString();
        List<TensorFile.Entry> tensors = new ArrayList<>();
        for (int c = 0; c < series.columns().length; c++) {
            tensors.add(TensorFile.Entry.of(COLUMN + c, series.columns()[c], series.rows()));
        }
        SeriesWindows windows = new SeriesWindows(series, window);
        List<Integer> yShape = new ArrayList<>(List.of(windows.count()));
        yShape.addAll(window.targetShape());
        String windowing = "x[i] = rows " + window.startIndex() + " + i*" + window.sequenceStride() + " + t*"
                + window.samplingRate() + " (t < " + window.sequenceLength() + ") of columns " + quoted(window.features())
                + "; y[i] = columns " + quoted(window.targets()) + " at the " + window.horizon() + " step(s) after x[i]'s"
                + " last row (" + series.rows() + " rows, " + windows.count() + " windows)";
        DatasetRecord record = new DatasetRecord(id, name == null || name.isBlank() ? id : name, "csv",
                windows.count(), List.of(windows.count(), window.sequenceLength(), window.features().size()),
                List.copyOf(yShape), false, null, window.sequenceLength(), window.sequenceStride(), windowing, null,
                false, null, bytes, Instant.now(), series.names(), series.rows(), window);
        store.putTensors(Store.Collection.DATASETS, id, "data", tensors);
        store.put(Store.Collection.DATASETS, id, record);
        LOG.info("Dataset {} stored: a series of {} rows x {} columns, {} windows of {}", id, series.rows(),
                series.names().size(), windows.count(), window.sequenceLength());
        return record;
    }

    private static String quoted(List<String> names) {
        return names.stream().map(n -> "'" + n + "'").toList().toString();
    }

    /** The stored series of a series dataset. */
    Series series(DatasetRecord record) throws IOException {
        Map<String, TensorFile.Entry> t = store.getTensors(Store.Collection.DATASETS, record.id(), "data");
        float[][] columns = new float[record.columns().size()][];
        for (int c = 0; c < columns.length; c++) {
            columns[c] = t.get(COLUMN + c).floats();
        }
        return new Series(record.columns(), columns, record.rows());
    }

    private static final String COLUMN = "column_";

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

    /** Page {@code page} of {@code size} datasets, newest first. */
    Store.Slice<DatasetRecord> page(int page, int size) throws IOException {
        return store.page(Store.Collection.DATASETS, DatasetRecord.class, (long) page * size, size);
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
        if (record.isSeries()) {
            return new SeriesWindows(series(record), record.window());
        }
        Map<String, TensorFile.Entry> t = store.getTensors(Store.Collection.DATASETS, record.id(), "data");
        if (record.isText()) {
            return new TokenWindows(t.get("tokens").ints(), record.vocab().size(), record.seqLen(), record.step(),
                    !tokenIds);
        }
        return Samples.of(t.get("x").floats(), t.get("y").floats(), record.samples(), record.steps(),
                record.features(), record.targetSize(),
                record.sampleWeights() ? t.get("sample_weight").floats() : null);
    }

    private static float[] seriesValues(Series series, List<String> columns) {
        float[] out = new float[Math.multiplyExact(series.rows(), columns.size())];
        for (int k = 0; k < columns.size(); k++) {
            System.arraycopy(series.columns()[series.names().indexOf(columns.get(k))], 0, out, k * series.rows(),
                    series.rows());
        }
        return out;
    }

    /**
     * For samples of a series dataset: the naive forecasts' errors on samples {@code [from, to)} (the validation
     * range), {@code seasonal} too when a season of {@code seasonality} rows is given; null for other datasets.
     */
    public Map<String, Map<String, Double>> baseline(Samples samples, int from, int to, Integer seasonality) {
        return samples instanceof SeriesWindows windows ? NaiveForecasts.score(windows, from, to, seasonality) : null;
    }

    /** For samples of a series dataset: truth and naive forecasts of windows {@code [from, to)}; else null. */
    public NaiveForecasts.Comparison comparison(Samples samples, int from, int to, Integer seasonality) {
        return samples instanceof SeriesWindows windows ? NaiveForecasts.compare(windows, from, to, seasonality)
                : null;
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
        Series series = record.isSeries() ? series(record) : null;
        bounds.forEach((name, range) -> {
            // a series' inputs and targets are its feature and target columns
            float[] values = series == null ? tensors.get(name).floats() : seriesValues(series, name.equals("x")
                    ? record.window().features() : record.window().targets());
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
