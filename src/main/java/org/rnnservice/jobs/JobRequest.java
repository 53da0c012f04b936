package org.rnnservice.jobs;

import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import java.util.List;
import java.util.Map;
import org.rnnservice.engine.train.Holdout;

/**
 * {@code POST /api/v1/jobs}: Keras' {@code fit()} arguments; omitted ones take Keras' defaults (epochs 1, batch 32,
 * shuffle true, no validation).
 */
public record JobRequest(@NotBlank String modelId, @NotBlank String datasetId,
                         @Min(1) Integer epochs, @Min(1) @Max(1_000_000) Integer batchSize,
                         Boolean shuffle,
                         @DecimalMin("0.0") @DecimalMax(value = "1.0", inclusive = false) Double validationSplit,
                         @Schema(description = "Keras' validation_data: the id of a second dataset to validate on"
                                 + " (instead of validation_split)") String validationData,
                         @Schema(description = "a chronological hold-out: {\"last\": 0.2} validates on the last 20%"
                                 + " of the samples (or {\"last\": 100}, the last 100) in order; shuffle applies to"
                                 + " the rest only") Holdout validation,
                         @Schema(description = "a chronological test range, held out before validation: {\"last\":"
                                 + " 0.1} keeps the last 10% of the samples out of training and validation and"
                                 + " evaluates the trained model on them once (test_metrics)") Holdout test,
                         @Schema(description = "for a series: the season in rows (e.g. 12 for monthly data), which"
                                 + " adds the seasonal naive forecast to the job's baseline") @Min(1)
                         @Max(1_000_000_000) Integer seasonality,
                         @Valid EarlyStoppingRequest earlyStopping,
                         @Schema(description = "Keras' class_weight: a weight per class index, e.g. {\"0\": 1.0,"
                                 + " \"1\": 3.0}; a class it does not name weighs 1")
                         Map<String, Double> classWeight,
                         @Schema(description = "Keras callbacks by type and arguments: EarlyStopping,"
                                 + " ReduceLROnPlateau, ModelCheckpoint (with save_best_only the best epoch's weights"
                                 + " become the published version), e.g. [{\"type\": \"ReduceLROnPlateau\","
                                 + " \"monitor\": \"val_loss\", \"factor\": 0.5, \"patience\": 1}]")
                         List<Map<String, Object>> callbacks,
                         @Min(0) @Max(9_007_199_254_740_991L) @Schema(description = "the seed of shuffling and dropout;"
                                 + " at most 2^53 - 1, which JavaScript and jq read back exactly") Long seed,
                         @Schema(description = "the user's tags, as MLflow's run tags: searchable with"
                                 + " tags.NAME = 'value' in GET /api/v1/jobs?filter=")
                         @Size(max = 50) Map<@Size(min = 1, max = 250) String, @Size(max = 5000) String> tags) {

    /** Keras' {@code EarlyStopping} arguments. */
    public record EarlyStoppingRequest(String monitor, @DecimalMin("0.0") Double minDelta, @Min(0) Integer patience,
                                       String mode, Boolean restoreBestWeights, @Min(0) Integer startFromEpoch,
                                       Double baseline) {
    }
}
