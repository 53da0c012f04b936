package org.rnnservice.models;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import org.rnnservice.keras.KerasConfigWriter;
import org.rnnservice.models.batching.BatchingOverride;
import org.rnnservice.web.Page;
import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.web.bind.annotation.RequestPart;
import org.springframework.web.multipart.MultipartFile;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.context.request.WebRequest;

/** Models: creation from a Keras-style definition, summaries, predictions, evaluation, weights and generation. */
@RestController
@RequestMapping("/api/v1/models")
@Tag(name = "models")
public class ModelController {

    private final ModelCatalog catalog;
    private final PredictionService predictions;

    public ModelController(ModelCatalog catalog, PredictionService predictions) {
        this.catalog = catalog;
        this.predictions = predictions;
    }

    @Operation(operationId = "createModel", summary = "Create a model from our definition or a Keras model.to_json() document")
    @ResponseStatus(HttpStatus.CREATED)
    @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
    public ResponseEntity<ModelView> create(@RequestBody Map<String, Object> body) throws IOException {
        return created(catalog.create(body));
    }

    /**
     * The raw-body form of {@link #importUpload}. The contract documents the multipart form only: generated clients
     * (openapi-generator's Java client among them) send a file part correctly but serialize a binary body as JSON;
     * the operation's description tells of this form.
     */
    @Operation(hidden = true)
    @ResponseStatus(HttpStatus.CREATED)
    @PostMapping(value = "/import", consumes = MediaType.APPLICATION_OCTET_STREAM_VALUE)
    public ResponseEntity<ModelView> importFile(@RequestParam(required = false) String name, InputStream body)
            throws IOException {
        return created(catalog.importFile(body.readAllBytes(), name));
    }

    @Operation(operationId = "importModel", summary = "Import a Keras model file (.keras or legacy .h5, told apart by"
            + " content) with its weights and compile settings",
            description = "The file is the form part 'file' (curl -F file=@model.keras), or the whole body with"
                    + " Content-Type: application/octet-stream (curl --data-binary @model.keras). Unsupported layers"
                    + " or settings are refused by name (422); a file that is not a Keras model, truncated or"
                    + " inconsistent, is refused (400). Nothing is stored unless all of it is taken.")
    @ResponseStatus(HttpStatus.CREATED)
    @PostMapping(value = "/import", consumes = MediaType.MULTIPART_FORM_DATA_VALUE)
    public ResponseEntity<ModelView> importUpload(@RequestPart("file") MultipartFile file,
                                                  @RequestParam(required = false) String name) throws IOException {
        return created(catalog.importFile(file.getBytes(), name));
    }

    private static ResponseEntity<ModelView> created(ModelView view) {
        return ResponseEntity.created(URI.create("/api/v1/models/" + view.id())).body(view);
    }

    @Operation(operationId = "exportModel", summary = "A weight version as a file: a .keras archive (Keras 3) or a"
            + " legacy .h5 file, both read by keras.models.load_model, or an ONNX model (opset 17) for ONNX Runtime"
            + " and other ONNX engines")
    @ApiResponse(responseCode = "200", description = "the file, as an attachment named after the model",
            content = {@Content(mediaType = "application/zip", schema = @Schema(type = "string", format = "binary")),
                    @Content(mediaType = "application/x-hdf5", schema = @Schema(type = "string", format = "binary")),
                    @Content(mediaType = "application/octet-stream", schema = @Schema(type = "string",
                            format = "binary"))})
    @GetMapping(value = "/{id}/export", produces = {"application/zip", "application/x-hdf5",
            "application/octet-stream"})
    public ResponseEntity<byte[]> export(@PathVariable String id,
                                         @Parameter(schema = @Schema(type = "string", allowableValues = {"keras",
                                                 "h5", "onnx"}, defaultValue = "keras"))
                                         @RequestParam(defaultValue = "keras") ExportFormat format,
                                         @RequestParam(required = false) Integer version,
                                         @Parameter(description = "an alias instead of a version")
                                         @RequestParam(required = false) String alias,
                                         @Parameter(hidden = true) WebRequest request) throws IOException {
        ModelRecord record = catalog.record(id);
        Integer asked = ModelCatalog.version(record, version, alias);
        String tag = VersionTags.of(record, asked, format.extension());
        if (request.checkNotModified(tag)) {
            return null; // 304: the file of this version is the one the client has
        }
        byte[] file = catalog.export(record, asked, format);
        return ResponseEntity.ok()
                .contentType(MediaType.parseMediaType(format.mediaType()))
                .header(HttpHeaders.CONTENT_DISPOSITION, ContentDisposition.attachment()
                        .filename(record.name() + "." + format.extension()).build().toString())
                .body(file);
    }

    @Operation(operationId = "getKerasConfig", summary = "The model as Keras' model.to_json() document (Keras 3),"
            + " which keras.models.model_from_json reads and POST /api/v1/models takes back")
    @GetMapping("/{id}/config")
    public Map<String, Object> kerasConfig(@PathVariable String id) throws IOException {
        ModelRecord record = catalog.record(id);
        return KerasConfigWriter.toJson(record.definition(),
                record.summary().layers().stream().map(ModelView.LayerRow::outputShape).toList());
    }

    @Operation(operationId = "listModels", summary = "All models, newest first, paged")
    @GetMapping
    public Page<ModelView> list(@RequestParam(defaultValue = "0") @Min(0) int page,
                                @RequestParam(defaultValue = "20") @Min(1) @Max(200) int size) throws IOException {
        var models = catalog.page(page, size);
        return Page.ofStored(models.items(), models.total(), page, size, ModelCatalog::view);
    }

    @Operation(operationId = "getModel", summary = "One model")
    @GetMapping("/{id}")
    public ModelView get(@PathVariable String id) throws IOException {
        return ModelCatalog.view(catalog.record(id));
    }

    @Operation(operationId = "deleteModel", summary = "Delete a model and its weights (409 while a job trains it)")
    @DeleteMapping("/{id}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    public void delete(@PathVariable String id) throws IOException {
        catalog.delete(id);
    }

    @Operation(operationId = "getModelSummary", summary = "The model summary as JSON")
    @GetMapping(value = "/{id}/summary", produces = MediaType.APPLICATION_JSON_VALUE)
    public ModelView.SummaryView summary(@PathVariable String id) throws IOException {
        return catalog.record(id).summary();
    }

    @Operation(operationId = "getModelSummaryText", summary = "The model summary as Keras prints it")
    @GetMapping(value = "/{id}/summary", produces = MediaType.TEXT_PLAIN_VALUE)
    public String summaryText(@PathVariable String id) throws IOException {
        return catalog.summaryText(id);
    }

    @Operation(operationId = "predict", summary = "Predict: {\"instances\": [[[...]], ...]} (each [timesteps][features]) or {\"inputs\": ...}")
    @PostMapping(value = "/{id}/predict", consumes = MediaType.APPLICATION_JSON_VALUE)
    @io.swagger.v3.oas.annotations.parameters.RequestBody(required = true, content = @Content(
            mediaType = MediaType.APPLICATION_JSON_VALUE, schema = @Schema(type = "object", description = "{\"instances\": [...]} (each [timesteps][features], or a string for a text model) or {\"inputs\": ...}")))
    public Map<String, Object> predict(@PathVariable String id, @RequestParam(required = false) Integer version,
                                       @Parameter(description = "an alias instead of a version")
                                       @RequestParam(required = false) String alias,
                                       InputStream body) throws IOException {
        ModelRecord record = catalog.record(id);
        PredictionService.Prediction p = predictions.predict(record, ModelCatalog.version(record, version, alias),
                body);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("predictions", p.outputs());
        out.put("model_version", p.version());
        return out;
    }

    /** What to evaluate on. */
    public record EvaluateRequest(@NotBlank String datasetId, @Min(1) Integer batchSize) {
    }

    @Operation(operationId = "evaluate", summary = "Loss and metrics of the current version on a dataset")
    @PostMapping(value = "/{id}/evaluate", consumes = MediaType.APPLICATION_JSON_VALUE)
    public Map<String, Object> evaluate(@PathVariable String id, @Valid @RequestBody EvaluateRequest request)
            throws IOException {
        return predictions.evaluate(id, request.datasetId(), request.batchSize() == null ? 32 : request.batchSize());
    }

    @Operation(operationId = "getWeights", summary = "Weights in Keras get_weights() order")
    @GetMapping("/{id}/weights")
    public WeightsDocument weights(@PathVariable String id, @RequestParam(required = false) Integer version,
                                   @Parameter(hidden = true) WebRequest request) throws IOException {
        if (request.checkNotModified(VersionTags.of(catalog.record(id), version, "weights"))) {
            return null; // 304: these weights are the ones the client has
        }
        return predictions.weights(id, version);
    }

    @Operation(operationId = "compileModel", summary = "Keras' model.compile(): set the optimizer, loss and metrics"
            + " of a model (required before training or evaluating one that was imported or created uncompiled)")
    @PutMapping(value = "/{id}/compile", consumes = MediaType.APPLICATION_JSON_VALUE)
    public ModelView compile(@PathVariable String id, @RequestBody Map<String, Object> compile) throws IOException {
        return catalog.compile(id, compile);
    }

    @Operation(operationId = "putWeights", summary = "Upload weights (same body as GET); makes a new version")
    @PutMapping(value = "/{id}/weights", consumes = MediaType.APPLICATION_JSON_VALUE)
    @io.swagger.v3.oas.annotations.parameters.RequestBody(required = true, content = @Content(
            mediaType = MediaType.APPLICATION_JSON_VALUE, schema = @Schema(type = "object", description = "{\"weights\": [{\"name\", \"shape\", \"values\"}, ...]} in Keras get_weights() order")))
    public Map<String, Object> putWeights(@PathVariable String id, InputStream body) throws IOException {
        return Map.of("model_version", catalog.putWeights(id, body));
    }

    /** The version an alias is to name. */
    public record AliasRequest(@NotNull @Min(0) Integer version) {
    }

    @Operation(operationId = "setAlias", summary = "Point an alias (e.g. champion) at a kept weight version, as"
            + " MLflow's registered model aliases: moving it is a rollback; predict, export and TF Serving's"
            + " /labels/{alias} then serve that version. Aliased versions are kept however many are trained after.")
    @PutMapping(value = "/{id}/aliases/{alias}", consumes = MediaType.APPLICATION_JSON_VALUE)
    public ModelView setAlias(@PathVariable String id, @PathVariable String alias,
                              @Valid @RequestBody AliasRequest request) throws IOException {
        return catalog.setAlias(id, alias, request.version());
    }

    @Operation(operationId = "deleteAlias", summary = "Remove an alias (the version it named is kept as any other)")
    @DeleteMapping("/{id}/aliases/{alias}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    public void deleteAlias(@PathVariable String id, @PathVariable String alias) throws IOException {
        catalog.removeAlias(id, alias);
    }

    @Operation(operationId = "setBatching", summary = "Give the model its own request batching settings in TF"
            + " Serving's words (enabled, max_batch_size, batch_timeout_micros, num_batch_threads,"
            + " max_enqueued_batches); each one left out keeps the service's rnn.batching.* value")
    @PutMapping(value = "/{id}/batching", consumes = MediaType.APPLICATION_JSON_VALUE)
    public ModelView setBatching(@PathVariable String id, @Valid @RequestBody BatchingOverride request)
            throws IOException {
        return catalog.setBatching(id, request);
    }

    @Operation(operationId = "deleteBatching", summary = "Drop the model's own batching settings: it is batched as"
            + " rnn.batching.* says")
    @DeleteMapping("/{id}/batching")
    public ModelView deleteBatching(@PathVariable String id) throws IOException {
        return catalog.setBatching(id, null);
    }

    /** A text continuation request. */
    public record GenerateRequest(@NotNull String prompt, @Min(1) @Max(10_000) Integer length,
                                  @DecimalMin("0.0") Double temperature, Long seed) {
    }

    @Operation(operationId = "generate", summary = "Continue a text with a model trained on a text dataset")
    @PostMapping(value = "/{id}/generate", consumes = MediaType.APPLICATION_JSON_VALUE)
    public Map<String, Object> generate(@PathVariable String id, @Valid @RequestBody GenerateRequest request)
            throws IOException {
        String text = predictions.generate(id, request.prompt(), request.length() == null ? 100 : request.length(),
                request.temperature() == null ? 1.0 : request.temperature(),
                request.seed() == null ? System.nanoTime() : request.seed());
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("prompt", request.prompt());
        out.put("generated", text);
        out.put("text", request.prompt() + text);
        return out;
    }
}
