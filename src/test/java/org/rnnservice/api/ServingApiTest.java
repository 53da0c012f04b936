package org.rnnservice.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.rnnservice.Http;
import tools.jackson.databind.JsonNode;

/** KServe v2 and TF Serving clients address models by their unique name and get their own protocols' shapes. */
class ServingApiTest extends ApiTestSupport {

    private String lstmModel(String name) {
        return lstmModelDocument(name).get("name").asString();
    }

    private JsonNode lstmModelDocument(String name) {
        Map<String, Object> body = new LinkedHashMap<>(model(java.util.Arrays.asList(null, 2),
                List.of(Map.of("type", "LSTM", "units", 3), Map.of("type", "Dense", "units", 2)), "mse"));
        if (name != null) {
            body.put("name", name);
        }
        Http.Response r = http.post("/api/v1/models", body);
        assertEquals(201, r.status(), r.body());
        return r.json();
    }

    private static final double[][][] X = {{{0.1, 0.2}, {0.3, -0.4}, {0.5, 0.6}}, {{-0.1, 0.0}, {0.2, 0.9}, {1.0, -1.0}}};

    @Test
    void kserveInfersOnAnFp32TensorAsThePredictEndpointDoes() {
        JsonNode created = lstmModelDocument("kserve-lstm");
        String name = created.get("name").asString();
        List<Object> flat = new ArrayList<>();
        for (double[][] sample : X) {
            for (double[] step : sample) {
                for (double v : step) {
                    flat.add(v);
                }
            }
        }
        Map<String, Object> request = Map.of("id", "r1", "inputs", List.of(Map.of("name", "input",
                "shape", List.of(2, 3, 2), "datatype", "FP32", "data", flat)));
        Http.Response r = http.post("/v2/models/" + name + "/infer", request);
        assertEquals(200, r.status(), r.body());
        JsonNode out = r.json();
        assertEquals(name, out.get("model_name").asString());
        assertEquals("0", out.get("model_version").asString());
        assertEquals("r1", out.get("id").asString());
        JsonNode tensor = out.get("outputs").get(0);
        assertEquals("FP32", tensor.get("datatype").asString());
        assertEquals(List.of(2, 2), List.of(tensor.get("shape").get(0).asInt(), tensor.get("shape").get(1).asInt()));

        JsonNode expected = http.post("/api/v1/models/" + created.get("id").asString() + "/predict",
                Map.of("instances", X)).json()
                .get("predictions");
        for (int i = 0; i < 2; i++) {
            for (int j = 0; j < 2; j++) {
                assertEquals(expected.get(i).get(j).floatValue(), tensor.get("data").get(i * 2 + j).floatValue(),
                        "output " + i + "," + j);
            }
        }
        // nested data, as some clients send it, gives the same numbers
        Map<String, Object> nested = Map.of("inputs", List.of(Map.of("name", "input", "shape", List.of(2, 3, 2),
                "datatype", "FP32", "data", X)));
        assertEquals(tensor.get("data"), http.post("/v2/models/" + name + "/versions/0/infer", nested).json()
                .get("outputs").get(0).get("data"));
    }

    @Test
    void kserveDescribesTheModelAndRefusesInItsOwnShape() {
        String name = lstmModel("kserve-meta");
        assertTrue(http.get("/v2/health/live").json().get("live").asBoolean());
        assertTrue(http.get("/v2/health/ready").json().get("ready").asBoolean());
        assertTrue(http.get("/v2/models/" + name + "/ready").json().get("ready").asBoolean());
        JsonNode meta = http.get("/v2/models/" + name).json();
        assertEquals("[-1,-1,2]", meta.get("inputs").get(0).get("shape").toString());
        assertEquals("[-1,2]", meta.get("outputs").get(0).get("shape").toString());
        assertEquals("FP32", meta.get("inputs").get(0).get("datatype").asString());

        Http.Response intTensor = http.post("/v2/models/" + name + "/infer", Map.of("inputs", List.of(Map.of(
                "name", "input", "shape", List.of(1, 1, 2), "datatype", "INT32", "data", List.of(1, 2)))));
        assertEquals(400, intTensor.status());
        assertTrue(intTensor.json().get("error").asString().contains("FP32"), intTensor.body());
        Http.Response wrongShape = http.post("/v2/models/" + name + "/infer", Map.of("inputs", List.of(Map.of(
                "name", "input", "shape", List.of(1, 1, 3), "datatype", "FP32", "data", List.of(1, 2, 3)))));
        assertEquals(422, wrongShape.status());
        assertTrue(wrongShape.json().get("error").asString().contains("[-1, -1, 2]"), wrongShape.body());
        Http.Response unknown = http.get("/v2/models/no-such-model");
        assertEquals(404, unknown.status());
        assertTrue(unknown.json().has("error"), unknown.body());
    }

    @Test
    void tfServingMetadataVersionStatusAndErrors() {
        String name = lstmModel("tf-meta");
        JsonNode meta = http.get("/v1/models/" + name + "/metadata").json();
        assertEquals(name, meta.get("model_spec").get("name").asString());
        JsonNode signature = meta.get("metadata").get("signature_def").get("signature_def").get("serving_default");
        JsonNode input = signature.get("inputs").get("inputs");
        assertEquals("DT_FLOAT", input.get("dtype").asString());
        List<String> dims = new ArrayList<>();
        input.get("tensor_shape").get("dim").forEach(d -> dims.add(d.get("size").asString()));
        assertEquals(List.of("-1", "-1", "2"), dims);
        assertEquals("tensorflow/serving/predict", signature.get("method_name").asString());

        JsonNode status = http.get("/v1/models/" + name + "/versions/0").json().get("model_version_status").get(0);
        assertEquals("AVAILABLE", status.get("state").asString());
        Http.Response missingVersion = http.get("/v1/models/" + name + "/versions/7");
        assertEquals(404, missingVersion.status());
        assertTrue(missingVersion.json().has("error"), missingVersion.body());
        Http.Response unknownPath = http.get("/v1/nothing/here");
        assertEquals(404, unknownPath.status());
        assertTrue(unknownPath.json().has("error"), unknownPath.body());
    }

    @Test
    void modelNamesAreUniqueAndDefaultNamesCountUpAsKerasDoes() {
        lstmModel("unique-name");
        Http.Response again = http.post("/api/v1/models", Map.of("name", "unique-name", "input_shape",
                java.util.Arrays.asList(null, 1), "layers", List.of(Map.of("type", "Dense", "units", 1))));
        assertEquals(409, again.status(), again.body());
        assertEquals("name", again.json().get("errors").get(0).get("field").asString());
        String first = lstmModel(null);
        String second = lstmModel(null);
        assertNotEquals(first, second);
        assertTrue(first.startsWith("sequential") && second.startsWith("sequential"), first + ", " + second);
    }
}
