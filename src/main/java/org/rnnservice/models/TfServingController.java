package org.rnnservice.models;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import org.rnnservice.errors.ServiceException;
import org.rnnservice.web.ProblemHandler;
import org.rnnservice.web.PayloadTooLargeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.core.JacksonException;

/**
 * TensorFlow Serving's REST API for our models, addressed by name or id, so that existing TF Serving clients work
 * unchanged: its request and response bodies, and its {@code {"error": "..."}} errors.
 */
@RestController
@Tag(name = "tensorflow-serving")
public class TfServingController {

    private static final Logger LOG = LoggerFactory.getLogger(TfServingController.class);

    private final ModelCatalog catalog;
    private final PredictionService predictions;

    public TfServingController(ModelCatalog catalog, PredictionService predictions) {
        this.catalog = catalog;
        this.predictions = predictions;
    }

    @Operation(operationId = "tfServingPredict", summary = "TF Serving predict: instances -> predictions, inputs -> outputs")
    @PostMapping(value = "/v1/models/{name}:predict", consumes = MediaType.APPLICATION_JSON_VALUE)
    @io.swagger.v3.oas.annotations.parameters.RequestBody(required = true, content = @Content(
            mediaType = MediaType.APPLICATION_JSON_VALUE, schema = @Schema(type = "object", description = "TensorFlow Serving's {\"instances\": [...]} or {\"inputs\": ...}")))
    public Map<String, Object> predict(@PathVariable String name, InputStream body) throws IOException {
        return predict(catalog.byIdOrName(name), null, body);
    }

    @Operation(operationId = "tfServingPredictVersion", summary = "TF Serving predict on a given version")
    @PostMapping(value = "/v1/models/{name}/versions/{version}:predict", consumes = MediaType.APPLICATION_JSON_VALUE)
    @io.swagger.v3.oas.annotations.parameters.RequestBody(required = true, content = @Content(
            mediaType = MediaType.APPLICATION_JSON_VALUE, schema = @Schema(type = "object", description = "TensorFlow Serving's {\"instances\": [...]} or {\"inputs\": ...}")))
    public Map<String, Object> predictVersion(@PathVariable String name, @PathVariable int version, InputStream body)
            throws IOException {
        return predict(catalog.byIdOrName(name), version, body);
    }

    private Map<String, Object> predict(ModelRecord record, Integer version, InputStream body) throws IOException {
        PredictionService.Prediction p = predictions.predict(record, version, body);
        return Map.of(p.columnar() ? "outputs" : "predictions", p.outputs());
    }

    @Operation(operationId = "tfServingModelStatus", summary = "TF Serving model status")
    @GetMapping("/v1/models/{name}")
    public Map<String, Object> status(@PathVariable String name) throws IOException {
        ModelRecord r = catalog.byIdOrName(name);
        List<Object> versions = r.versions().stream()
                .sorted((a, b) -> Integer.compare(b.version(), a.version()))
                .map(v -> (Object) Map.of("version", String.valueOf(v.version()),
                        "state", v.version() == r.version() ? "AVAILABLE" : "END",
                        "status", Map.of("error_code", "OK", "error_message", "")))
                .toList();
        return Map.of("model_version_status", versions);
    }

    @ExceptionHandler(ServiceException.class)
    ResponseEntity<Map<String, String>> apiError(ServiceException e) {
        return error(ProblemHandler.status(e.kind()), e.getMessage());
    }

    @ExceptionHandler({HttpMessageNotReadableException.class, JacksonException.class})
    ResponseEntity<Map<String, String>> malformed(Exception e) {
        if (PayloadTooLargeException.findIn(e) != null) {
            return error(HttpStatus.CONTENT_TOO_LARGE, PayloadTooLargeException.findIn(e).getMessage());
        }
        return error(HttpStatus.BAD_REQUEST, "malformed JSON: " + e.getMessage());
    }

    @ExceptionHandler(Exception.class)
    ResponseEntity<Map<String, String>> unexpected(Exception e) {
        if (PayloadTooLargeException.findIn(e) != null) {
            return error(HttpStatus.CONTENT_TOO_LARGE, PayloadTooLargeException.findIn(e).getMessage());
        }
        LOG.error("Unexpected error in TF Serving API", e);
        return error(HttpStatus.INTERNAL_SERVER_ERROR, "internal error");
    }

    private static ResponseEntity<Map<String, String>> error(HttpStatus status, String message) {
        return ResponseEntity.status(status).contentType(MediaType.APPLICATION_JSON).body(Map.of("error", message));
    }
}
