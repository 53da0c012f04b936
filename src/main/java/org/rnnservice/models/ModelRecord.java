package org.rnnservice.models;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A stored model: its normalized definition (which rebuilds it exactly, seed included), its summary (which no
 * training changes, kept so listings need not build models), its current weight version (0 until trained), the
 * versions kept, and for models trained on text the vocabulary and window length.
 */
public record ModelRecord(String id, String name, Instant createdAt, int version, Map<String, Object> definition,
                          ModelView.SummaryView summary, String summaryText, List<VersionInfo> versions,
                          List<String> vocab, Integer seqLen) {

    /** One weight version: when it was made and by which job (null for the initial weights or an upload). */
    public record VersionInfo(int version, Instant createdAt, String jobId) {
    }

    ModelRecord withVersion(VersionInfo v, List<VersionInfo> kept, List<String> newVocab, Integer newSeqLen) {
        return new ModelRecord(id, name, createdAt, v.version(), definition, summary, summaryText, kept,
                newVocab != null ? newVocab : vocab, newSeqLen != null ? newSeqLen : seqLen);
    }
}
