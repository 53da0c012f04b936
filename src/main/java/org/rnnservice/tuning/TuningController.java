package org.rnnservice.tuning;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.io.IOException;
import java.net.URI;
import org.rnnservice.web.Page;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** Hyperparameter searches in KerasTuner's words: submit, poll, list, cancel; each trial is an ordinary job. */
@RestController
@RequestMapping("/api/v1/tuning-jobs")
@Tag(name = "tuning")
public class TuningController {

    private final TuningService service;

    TuningController(TuningService service) {
        this.service = service;
    }

    @Operation(operationId = "submitTuningJob", summary = "Start a search (grid_search, random_search, hyperband)"
            + " over a model template's hyperparameters; 202 with the tuning job")
    @ResponseStatus(HttpStatus.ACCEPTED)
    @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
    public ResponseEntity<TuningJob> submit(@Valid @RequestBody TuningRequest request) throws IOException {
        TuningJob job = service.submit(request);
        return ResponseEntity.accepted().location(URI.create("/api/v1/tuning-jobs/" + job.id())).body(job);
    }

    @Operation(operationId = "listTuningJobs", summary = "Tuning jobs, newest first, paged")
    @GetMapping
    public Page<TuningJob> list(@RequestParam(defaultValue = "0") @Min(0) int page,
                                @RequestParam(defaultValue = "20") @Min(1) @Max(200) int size) throws IOException {
        var searches = service.page(page, size);
        return Page.ofStored(searches.items(), searches.total(), page, size, j -> j);
    }

    @Operation(operationId = "getTuningJob", summary = "One search: state, trials (trial_id, job_id, hyperparameters,"
            + " score, state), best_trial_id, best_hyperparameters, the best model version")
    @GetMapping("/{id}")
    public TuningJob get(@PathVariable String id) throws IOException {
        return service.get(id);
    }

    @Operation(operationId = "cancelTuningJob", summary = "Stop a search: no new trials, running ones cancelled,"
            + " finished ones kept (409 if it already ended)")
    @ResponseStatus(HttpStatus.ACCEPTED)
    @PostMapping("/{id}/cancel")
    public TuningJob cancel(@PathVariable String id) throws IOException {
        return service.cancel(id);
    }
}
