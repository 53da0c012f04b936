package org.rnnservice.jobs;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
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
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/** Training jobs: submit, poll, stream events, cancel. */
@RestController
@RequestMapping("/api/v1/jobs")
@Tag(name = "jobs")
public class JobController {

    private final JobService service;

    public JobController(JobService service) {
        this.service = service;
    }

    @Operation(operationId = "submitJob", summary = "Queue a training job (Keras fit arguments); 202 with the job")
    @ResponseStatus(HttpStatus.ACCEPTED)
    @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
    public ResponseEntity<JobRecord> submit(@Valid @RequestBody JobRequest request) throws IOException {
        JobRecord job = service.submit(request);
        return ResponseEntity.accepted().location(URI.create("/api/v1/jobs/" + job.id())).body(job);
    }

    @Operation(operationId = "listJobs", summary = "Jobs, newest first, paged, optionally filtered by state (any"
            + " case) and model, and searched as MLflow searches runs: filter=metrics.val_loss < 0.1 and"
            + " params.lstm.units = '64', order_by=metrics.val_loss DESC")
    @GetMapping
    public Page<JobRecord> list(@RequestParam(required = false) JobState state,
                                @RequestParam(name = "model_id", required = false) String modelId,
                                @Parameter(description = "MLflow's search syntax: clauses on metrics.NAME (numbers),"
                                        + " params.NAME, tags.NAME or attributes.state|model_id|dataset_id|id"
                                        + " (quoted strings; =, !=, LIKE, ILIKE), joined by and")
                                @RequestParam(required = false) String filter,
                                @Parameter(description = "keys as in filter, each optionally ASC or DESC,"
                                        + " comma-separated; runs without the key come last")
                                @RequestParam(name = "order_by", required = false) String orderBy,
                                @RequestParam(defaultValue = "0") @Min(0) int page,
                                @RequestParam(defaultValue = "20") @Min(1) @Max(200) int size) {
        return Page.of(service.list(state, modelId, RunSearch.filter(filter), RunSearch.order(orderBy)), page, size,
                j -> j);
    }

    @Operation(operationId = "getJob", summary = "One job: state, progress, history")
    @GetMapping("/{id}")
    public JobRecord get(@PathVariable String id) {
        return service.get(id);
    }

    @Operation(operationId = "streamJobEvents", summary = "Server-Sent Events (state, epoch, progress), each with an id;"
            + " Last-Event-ID resumes after it; ends with the job",
            responses = @ApiResponse(responseCode = "200", description = "a text/event-stream of events, each with an"
                    + " id: line counting up per job. event: state, data: the job (as GET /jobs/{id}), first and on"
                    + " every change; event: epoch, data: {epoch, logs: {loss, metrics, val_*}} after each epoch;"
                    + " event: progress, data: {epoch, epochs, batch, batches, fraction, samples_per_second,"
                    + " eta_seconds}, at most every rnn.progress-interval. The stream ends with the job.",
                    content = @Content(mediaType = MediaType.TEXT_EVENT_STREAM_VALUE,
                            schema = @Schema(type = "string"))))
    @GetMapping(value = "/{id}/events", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    public SseEmitter events(@PathVariable String id,
                             @RequestHeader(name = "Last-Event-ID", required = false) Long lastEventId) {
        return service.subscribe(id, lastEventId);
    }

    @Operation(operationId = "cancelJob", summary = "Cancel a queued or running job (409 if it already ended)",
            responses = {
                @ApiResponse(responseCode = "200", description = "cancelled before it started: the job, ended",
                        content = @Content(schema = @Schema(implementation = JobRecord.class))),
                @ApiResponse(responseCode = "202", description = "running: it stops within one batch",
                        content = @Content(schema = @Schema(implementation = JobRecord.class)))})
    @PostMapping("/{id}/cancel")
    public ResponseEntity<JobRecord> cancel(@PathVariable String id, @Parameter(description = "publish the weights of"
            + " the last completed epoch as the model's next version") @RequestParam(defaultValue = "false")
            boolean keep) throws IOException {
        JobRecord job = service.cancel(id, keep);
        return job.state().isFinal() ? ResponseEntity.ok(job) : ResponseEntity.accepted().body(job);
    }
}
