package org.rnnservice.datasets;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.time.Instant;
import java.util.List;

/**
 * A stored dataset's metadata. {@code kind} is {@code sequences} (JSON arrays), {@code csv} (a windowed series) or
 * {@code text} (next-character windows kept as token ids); {@code x_shape} is the logical input shape
 * {@code [samples, timesteps, features]} (one-hot width for text), {@code y_shape} the targets'.
 *
 * @param integerTargets whether every target is a whole number (class labels for sparse losses)
 * @param windowing how a CSV or text was cut into samples, in words
 * @param padding how sequences of different lengths were padded ({@code pad_sequences}' arguments), or null
 * @param sampleWeights whether each sample carries a {@code sample_weight}
 * @param tokenizer for a text cut into words, how; null for characters
 * @param columns for a series, its numeric columns by name, stored once each
 * @param rows for a series, its rows (time steps)
 * @param window for a series, how its windows are cut; null for datasets stored as samples
 */
public record DatasetRecord(String id, String name, String kind, int samples, List<Integer> xShape,
                            List<Integer> yShape, boolean integerTargets, List<String> vocab, Integer seqLen,
                            Integer step, String windowing, SequencePadding padding, boolean sampleWeights,
                            WordTokenizer tokenizer, long bytes, Instant createdAt, List<String> columns,
                            Integer rows, SeriesWindowing window) {

    /** A dataset stored as samples or as a text. */
    public DatasetRecord(String id, String name, String kind, int samples, List<Integer> xShape,
                         List<Integer> yShape, boolean integerTargets, List<String> vocab, Integer seqLen,
                         Integer step, String windowing, SequencePadding padding, boolean sampleWeights,
                         WordTokenizer tokenizer, long bytes, Instant createdAt) {
        this(id, name, kind, samples, xShape, yShape, integerTargets, vocab, seqLen, step, windowing, padding,
                sampleWeights, tokenizer, bytes, createdAt, null, null, null);
    }

    /** Whether this is a series cut into windows as they are drawn. */
    @JsonIgnore
    public boolean isSeries() {
        return window != null;
    }

    public int steps() {
        return xShape.get(1);
    }

    public int features() {
        return xShape.get(2);
    }

    /** Target values per sample. */
    public int targetSize() {
        int n = 1;
        for (int i = 1; i < yShape.size(); i++) {
            n *= yShape.get(i);
        }
        return n;
    }

    @JsonIgnore
    public boolean isText() {
        return "text".equals(kind);
    }
}
