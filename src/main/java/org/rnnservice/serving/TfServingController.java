package org.rnnservice.serving;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.rnnservice.errors.ServiceException;
import org.rnnservice.models.ModelCatalog;
import org.rnnservice.models.ModelRecord;
import org.rnnservice.models.PredictionService;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * TensorFlow Serving's REST API for our models, addressed by name (unique) or id, so that existing TF Serving clients
 * work unchanged: predict, model and version status, and signature metadata, with TF Serving's bodies and its
 * {@code {"error": "..."}} errors ({@link ServingErrors}).
 */
@RestController
@Tag(name = "tensorflow-serving")
public class TfServingController {

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

    @Operation(operationId = "tfServingPredictLabel", summary = "TF Serving predict on the version a label names"
            + " (our model aliases are TF Serving's version labels)")
    @PostMapping(value = "/v1/models/{name}/labels/{label}:predict", consumes = MediaType.APPLICATION_JSON_VALUE)
    @io.swagger.v3.oas.annotations.parameters.RequestBody(required = true, content = @Content(
            mediaType = MediaType.APPLICATION_JSON_VALUE, schema = @Schema(type = "object", description = "TensorFlow Serving's {\"instances\": [...]} or {\"inputs\": ...}")))
    public Map<String, Object> predictLabel(@PathVariable String name, @PathVariable String label, InputStream body)
            throws IOException {
        ModelRecord r = catalog.byIdOrName(name);
        return predict(r, ModelCatalog.version(r, null, label), body);
    }

    private Map<String, Object> predict(ModelRecord record, Integer version, InputStream body) throws IOException {
        PredictionService.Prediction p = predictions.predict(record, version, body);
        return Map.of(p.columnar() ? "outputs" : "predictions", p.outputs());
    }

    @Operation(operationId = "tfServingModelStatus", summary = "TF Serving model status: every kept version")
    @GetMapping("/v1/models/{name}")
    public Map<String, Object> status(@PathVariable String name) throws IOException {
        ModelRecord r = catalog.byIdOrName(name);
        List<Object> versions = r.versions().stream()
                .sorted((a, b) -> Integer.compare(b.version(), a.version()))
                .map(v -> (Object) versionStatus(r, v.version()))
                .toList();
        return Map.of("model_version_status", versions);
    }

    @Operation(operationId = "tfServingVersionStatus", summary = "TF Serving status of one version")
    @GetMapping("/v1/models/{name}/versions/{version}")
    public Map<String, Object> versionStatus(@PathVariable String name, @PathVariable int version)
            throws IOException {
        ModelRecord r = catalog.byIdOrName(name);
        requireVersion(r, version);
        return Map.of("model_version_status", List.of(versionStatus(r, version)));
    }

    private static Map<String, Object> versionStatus(ModelRecord r, int version) {
        return Map.of("version", String.valueOf(version), "state", version == r.version() ? "AVAILABLE" : "END",
                "status", Map.of("error_code", "OK", "error_message", ""));
    }

    @Operation(operationId = "tfServingMetadata", summary = "TF Serving signature metadata of the current version")
    @GetMapping("/v1/models/{name}/metadata")
    public Map<String, Object> metadata(@PathVariable String name) throws IOException {
        ModelRecord r = catalog.byIdOrName(name);
        return metadata(r, r.version());
    }

    @Operation(operationId = "tfServingVersionMetadata", summary = "TF Serving signature metadata of one version")
    @GetMapping("/v1/models/{name}/versions/{version}/metadata")
    public Map<String, Object> versionMetadata(@PathVariable String name, @PathVariable int version)
            throws IOException {
        ModelRecord r = catalog.byIdOrName(name);
        requireVersion(r, version);
        return metadata(r, version);
    }

    @Operation(operationId = "tfServingLabelMetadata", summary = "TF Serving signature metadata of the version a"
            + " label names")
    @GetMapping("/v1/models/{name}/labels/{label}/metadata")
    public Map<String, Object> labelMetadata(@PathVariable String name, @PathVariable String label)
            throws IOException {
        ModelRecord r = catalog.byIdOrName(name);
        return metadata(r, ModelCatalog.version(r, null, label));
    }

    @Operation(operationId = "tfServingLabelStatus", summary = "TF Serving status of the version a label names")
    @GetMapping("/v1/models/{name}/labels/{label}")
    public Map<String, Object> labelStatus(@PathVariable String name, @PathVariable String label)
            throws IOException {
        ModelRecord r = catalog.byIdOrName(name);
        return Map.of("model_version_status", List.of(versionStatus(r, ModelCatalog.version(r, null, label))));
    }

    /** TF Serving's {@code GetModelMetadata} answer in its JSON form: the {@code serving_default} signature. */
    private Map<String, Object> metadata(ModelRecord r, int version) throws IOException {
        ModelSignature s = ModelSignature.of(catalog.load(r, version));
        Map<String, Object> signature = new LinkedHashMap<>();
        signature.put("inputs", Map.of("inputs", tensorInfo("serving_default_inputs:0", s.inputShape())));
        signature.put("outputs", Map.of("outputs", tensorInfo("StatefulPartitionedCall:0", s.outputShape())));
        signature.put("method_name", "tensorflow/serving/predict");
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("name", r.name());
        spec.put("signature_name", "");
        spec.put("version", String.valueOf(version));
        return Map.of("model_spec", spec, "metadata", Map.of("signature_def", Map.of("signature_def",
                Map.of("serving_default", signature))));
    }

    private static Map<String, Object> tensorInfo(String name, List<Long> shape) {
        return Map.of("dtype", "DT_FLOAT", "name", name, "tensor_shape", Map.of("dim",
                shape.stream().map(d -> Map.of("size", String.valueOf(d), "name", "")).toList(),
                "unknown_rank", false));
    }

    private static void requireVersion(ModelRecord r, int version) {
        if (r.versions().stream().noneMatch(v -> v.version() == version)) {
            throw ServiceException.notFound("version", r.name() + "/" + version + " (kept: "
                    + r.versions().stream().map(ModelRecord.VersionInfo::version).toList() + ")");
        }
    }

    /** Any other path under {@code /v1}: TF Serving's 404 with its {@code {"error"}} body. */
    @Operation(hidden = true)
    @RequestMapping("/v1/**")
    public Map<String, Object> unknown() {
        throw new ServiceException(ServiceException.Kind.NOT_FOUND, "no such path; TF Serving's are"
                + " /v1/models/{name}[/versions/{version} or /labels/{label}][/metadata] and their :predict", List.of(), null);
    }
}
