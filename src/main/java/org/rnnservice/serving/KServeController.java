package org.rnnservice.serving;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.rnnservice.engine.layers.LayerShape;
import org.rnnservice.engine.model.Sequential;
import org.rnnservice.errors.ServiceException;
import org.rnnservice.models.ModelCatalog;
import org.rnnservice.models.ModelRecord;
import org.rnnservice.models.PredictionService;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * The KServe v2 / Open Inference Protocol REST surface, so that Triton, KServe and Seldon clients work: server and
 * model health, model metadata, and inference on typed tensors ({@code FP32}, row-major {@code data}, flat or nested).
 */
@RestController
@Tag(name = "kserve-v2")
public class KServeController {

    private final ModelCatalog catalog;
    private final PredictionService predictions;

    public KServeController(ModelCatalog catalog, PredictionService predictions) {
        this.catalog = catalog;
        this.predictions = predictions;
    }

    @Operation(operationId = "kserveLive", summary = "KServe v2 server liveness")
    @GetMapping("/v2/health/live")
    public Map<String, Object> live() {
        return Map.of("live", true);
    }

    @Operation(operationId = "kserveReady", summary = "KServe v2 server readiness")
    @GetMapping("/v2/health/ready")
    public Map<String, Object> ready() {
        return Map.of("ready", true);
    }

    @Operation(operationId = "kserveServerMetadata", summary = "KServe v2 server metadata")
    @GetMapping("/v2")
    public Map<String, Object> server() {
        return Map.of("name", "rnn-service", "version", "v1", "extensions", List.of());
    }

    @Operation(operationId = "kserveModelMetadata", summary = "KServe v2 model metadata: its input and output tensors")
    @GetMapping({"/v2/models/{name}", "/v2/models/{name}/versions/{version}"})
    public Map<String, Object> metadata(@PathVariable String name, @PathVariable(required = false) Integer version)
            throws IOException {
        ModelRecord r = catalog.byIdOrName(name);
        ModelSignature s = ModelSignature.of(catalog.load(r, version == null ? r.version() : version));
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", r.name());
        m.put("versions", r.versions().stream().map(v -> String.valueOf(v.version())).toList());
        m.put("platform", "rnn-service");
        m.put("inputs", List.of(tensor("input", s.inputShape())));
        m.put("outputs", List.of(tensor("output", s.outputShape())));
        return m;
    }

    private static Map<String, Object> tensor(String name, List<Long> shape) {
        return Map.of("name", name, "datatype", "FP32", "shape", shape);
    }

    @Operation(operationId = "kserveModelReady", summary = "KServe v2 model readiness")
    @GetMapping({"/v2/models/{name}/ready", "/v2/models/{name}/versions/{version}/ready"})
    public Map<String, Object> modelReady(@PathVariable String name, @PathVariable(required = false) Integer version)
            throws IOException {
        ModelRecord r = catalog.byIdOrName(name);
        boolean ready = version == null || r.versions().stream().anyMatch(v -> v.version() == version);
        return Map.of("name", r.name(), "ready", ready);
    }

    /** The inference request of the protocol, as far as one input tensor goes. */
    public record InferRequest(String id, List<InputTensor> inputs, List<Map<String, Object>> outputs,
                               Map<String, Object> parameters) {
    }

    /** A typed tensor: {@code data} row-major, flat or nested as the shape says. */
    public record InputTensor(String name, List<Long> shape, String datatype, List<Object> data,
                              Map<String, Object> parameters) {
    }

    @Operation(operationId = "kserveInfer", summary = "KServe v2 inference on an FP32 tensor [batch, timesteps, features]")
    @PostMapping(value = {"/v2/models/{name}/infer", "/v2/models/{name}/versions/{version}/infer"},
            consumes = MediaType.APPLICATION_JSON_VALUE)
    public Map<String, Object> infer(@PathVariable String name, @PathVariable(required = false) Integer version,
                                     @RequestBody InferRequest request) throws IOException {
        ModelRecord r = catalog.byIdOrName(name);
        if (request.inputs() == null || request.inputs().size() != 1) {
            throw ServiceException.badRequest("inputs", "inputs must hold exactly one tensor; this model has one"
                    + " input");
        }
        InputTensor in = request.inputs().get(0);
        if (!"FP32".equals(in.datatype())) {
            throw ServiceException.badRequest("inputs[0].datatype", "datatype must be FP32, got " + in.datatype());
        }
        Sequential model = catalog.load(r, version == null ? r.version() : version);
        LayerShape expect = model.inputShape();
        List<Long> shape = in.shape() == null ? List.of() : in.shape();
        int rank = expect.sequence() ? 3 : 2;
        if (shape.size() != rank || shape.get(rank - 1) != expect.features()
                || (expect.sequence() && expect.steps() != null && shape.get(1) != (long) expect.steps())) {
            throw ServiceException.unprocessable("inputs[0].shape", "shape " + shape + " does not fit the model's"
                    + " input " + ModelSignature.of(model).inputShape() + " (-1: any)");
        }
        long size = 1;
        for (long d : shape) {
            if (d < 1) {
                throw ServiceException.badRequest("inputs[0].shape", "every dimension must be positive, got " + shape);
            }
            size = Math.multiplyExact(size, d);
        }
        float[] x = flatten(in.data(), size);
        int count = shape.get(0).intValue();
        int steps = expect.sequence() ? shape.get(1).intValue() : 0;
        PredictionService.TensorOutput out = predictions.predict(r, version, x, count, steps);
        List<Float> data = new ArrayList<>(out.data().length);
        for (float v : out.data()) {
            data.add(v);
        }
        Map<String, Object> tensor = new LinkedHashMap<>();
        tensor.put("name", "output");
        tensor.put("shape", out.shape());
        tensor.put("datatype", "FP32");
        tensor.put("data", data);
        Map<String, Object> response = new LinkedHashMap<>();
        response.put("model_name", r.name());
        response.put("model_version", String.valueOf(out.version()));
        if (request.id() != null) {
            response.put("id", request.id());
        }
        response.put("outputs", List.of(tensor));
        return response;
    }

    /** Row-major values of a flat or nested {@code data}, checked against the shape's element count. */
    private static float[] flatten(List<Object> data, long size) {
        if (data == null) {
            throw ServiceException.badRequest("inputs[0].data", "data is required");
        }
        List<Object> flat = new ArrayList<>();
        collect(data, flat);
        if (flat.size() != size) {
            throw ServiceException.unprocessable("inputs[0].data", "data holds " + flat.size()
                    + " values where the shape needs " + size);
        }
        float[] x = new float[flat.size()];
        for (int i = 0; i < x.length; i++) {
            if (!(flat.get(i) instanceof Number n) || !Float.isFinite(n.floatValue())) {
                throw ServiceException.badRequest("inputs[0].data", "value " + i + " is not a finite number: "
                        + flat.get(i));
            }
            x[i] = n.floatValue();
        }
        return x;
    }

    private static void collect(Object value, List<Object> out) {
        if (value instanceof List<?> list) {
            list.forEach(v -> collect(v, out));
        } else {
            out.add(value);
        }
    }
}
