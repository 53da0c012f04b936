package org.rnnservice.models;

import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.rnnservice.datasets.WordTokenizer;
import org.rnnservice.errors.ServiceException;
import org.rnnservice.models.batching.BatchingOverride;

/**
 * A stored model: its normalized definition (which rebuilds it exactly, seed included), its summary (which no
 * training changes, kept so listings need not build models), its current weight version (0 until trained), the
 * versions kept, and for models trained on text the vocabulary, window length and, for words, the tokenizer; and its
 * aliases, names of versions ({@code champion}) that predictions and exports may use instead of a number; and its
 * own batching settings, if any.
 */
public record ModelRecord(String id, String name, Instant createdAt, int version, Map<String, Object> definition,
                          ModelView.SummaryView summary, String summaryText, List<VersionInfo> versions,
                          List<String> vocab, Integer seqLen, WordTokenizer tokenizer, Map<String, Integer> aliases,
                          BatchingOverride batching) {

    public ModelRecord {
        aliases = aliases == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(aliases));
    }

    /**
     * One weight version: when it was made and by which job (null for the initial weights or an upload), and for a
     * version trained on a series, the windows it learnt from (which a forecast cuts the same way).
     */
    public record VersionInfo(int version, Instant createdAt, String jobId,
                              org.rnnservice.datasets.SeriesWindowing series) {
    }

    /** 404 unless {@code version} is one of the kept weight versions. */
    void requireKept(int version) {
        if (versions.stream().noneMatch(v -> v.version() == version)) {
            throw ServiceException.notFound("weight version", id + " v" + version + " (kept: "
                    + versions.stream().map(VersionInfo::version).toList() + ")");
        }
    }

    /** The same model with another definition (new compile settings): weights and versions unchanged. */
    ModelRecord withDefinition(Map<String, Object> newDefinition) {
        return new ModelRecord(id, name, createdAt, version, newDefinition, summary, summaryText, versions, vocab,
                seqLen, tokenizer, aliases, batching);
    }

    /** The same model with these aliases. */
    ModelRecord withAliases(Map<String, Integer> newAliases) {
        return new ModelRecord(id, name, createdAt, version, definition, summary, summaryText, versions, vocab,
                seqLen, tokenizer, newAliases, batching);
    }

    /** The same model with its own batching settings (null: the service's). */
    ModelRecord withBatching(BatchingOverride newBatching) {
        return new ModelRecord(id, name, createdAt, version, definition, summary, summaryText, versions, vocab,
                seqLen, tokenizer, aliases, newBatching);
    }

    ModelRecord withVersion(VersionInfo v, List<VersionInfo> kept, TextVocabulary text) {
        return new ModelRecord(id, name, createdAt, v.version(), definition, summary, summaryText, kept,
                text != null ? text.vocab() : vocab, text != null ? text.seqLen() : seqLen,
                text != null ? text.tokenizer() : tokenizer, aliases, batching);
    }
}
