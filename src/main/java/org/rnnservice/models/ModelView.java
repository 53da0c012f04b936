package org.rnnservice.models;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.rnnservice.engine.model.Summary;
import org.rnnservice.models.batching.BatchingOverride;

/**
 * A model as the API shows it: the stored record plus its Keras summary ({@code batching}: its own batching settings,
 * null when it has the service's); {@code note}, in the response that creates
 * a model only, says how a Keras model was taken when that is not plain (a Functional chain taken as Sequential).
 */
public record ModelView(String id, String name, Instant createdAt, int version, Map<String, Object> definition,
                        SummaryView summary, List<ModelRecord.VersionInfo> versions, List<String> vocab,
                        Map<String, Integer> aliases, BatchingOverride batching,
                        @JsonInclude(JsonInclude.Include.NON_NULL) String note) {

    /** The same view with a note. */
    ModelView withNote(String note) {
        return new ModelView(id, name, createdAt, version, definition, summary, versions, vocab, aliases, batching,
                note);
    }

    /** {@code model.summary()} as JSON. */
    public record SummaryView(List<LayerRow> layers, long totalParams, long trainableParams,
                              long nonTrainableParams) {

        static SummaryView of(Summary s) {
            return new SummaryView(s.layers().stream()
                    .map(r -> new LayerRow(r.name(), r.type(), r.outputShape(), r.params())).toList(),
                    s.totalParams(), s.trainableParams(), s.nonTrainableParams());
        }
    }

    /** One summary row; {@code output_shape} has {@code null} for unknown sizes, as Keras' {@code None}. */
    public record LayerRow(String name, String type, List<Integer> outputShape, long params) {
    }
}
