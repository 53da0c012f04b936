package org.rnnservice.tuning;

import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.util.List;
import java.util.Map;
import org.rnnservice.jobs.JobRequest;

/**
 * {@code POST /api/v1/tuning-jobs}: a model template, a search space and a tuner in KerasTuner's words, and the fit
 * settings every trial's job gets (as {@code POST /api/v1/jobs} takes them).
 */
public record TuningRequest(
        @NotNull @Schema(description = "a model definition (as POST /api/v1/models takes it) whose argument values"
                + " may be {\"hp\": \"NAME\"}, e.g. {\"type\": {\"hp\": \"layer\"}, \"units\": {\"hp\": \"units\"}}")
        Map<String, Object> model,
        @NotEmpty @Size(max = 50) @Schema(description = "KerasTuner's serialised hyperparameters, e.g."
                + " {\"class_name\": \"Int\", \"config\": {\"name\": \"units\", \"min_value\": 5, \"max_value\": 50,"
                + " \"step\": 5}}; class_name Int, Float, Choice, Boolean or Fixed")
        List<Map<String, Object>> hyperparameters,
        @Schema(description = "grid_search, random_search (the default) or hyperband")
        String tuner,
        @Schema(description = "the metric to optimise, e.g. val_loss (the default with validation, else loss), or"
                + " {\"name\": ..., \"direction\": \"min\"|\"max\"}; without a direction, accuracies are maximised"
                + " and everything else minimised, as KerasTuner infers it")
        Object objective,
        @Min(1) @Max(1000) @Schema(description = "the most trials to run; random_search's default is 10, a grid's"
                + " its size") Integer maxTrials,
        @Min(1) @Max(10) @Schema(description = "models trained per trial, the score their mean (default 1)")
        Integer executionsPerTrial,
        @Min(1) @Max(10_000) @Schema(description = "hyperband: the most epochs one model trains") Integer maxEpochs,
        @Min(2) @Max(100) @Schema(description = "hyperband: the reduction factor (default 3)") Integer factor,
        @Min(1) @Max(100) @Schema(description = "hyperband: sweeps over all brackets (default 1)")
        Integer hyperbandIterations,
        @NotBlank String datasetId,
        @Min(1) @Schema(description = "epochs of each trial (hyperband sets them itself)") Integer epochs,
        @Min(1) @Max(1_000_000) Integer batchSize,
        Boolean shuffle,
        @DecimalMin("0.0") @DecimalMax(value = "1.0", inclusive = false) Double validationSplit,
        String validationData,
        @Schema(description = "a chronological hold-out, as a job's: {\"last\": 0.2} validates every trial on the"
                + " last 20% of the samples in order") org.rnnservice.engine.train.Holdout validation,
        @Schema(description = "a series' season in rows, as a job's") @Min(1) @Max(1_000_000_000) Integer seasonality,
        @Valid JobRequest.EarlyStoppingRequest earlyStopping,
        Map<String, Double> classWeight,
        List<Map<String, Object>> callbacks,
        @Min(0) @Max(9_007_199_254_740_991L) @Schema(description = "seeds the tuner's draws and every trial's"
                + " shuffling") Long seed,
        @Size(max = 40) @Schema(description = "tags given to every trial's job (beside tuning_id and trial_id)")
        Map<@Size(min = 1, max = 250) String, @Size(max = 5000) String> tags) {
}
