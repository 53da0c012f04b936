package org.rnnservice.api;

import static org.rnnservice.RequestBodies.layer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.rnnservice.Http;

/** Every error is problem+json with a detail and the field at fault; TF Serving's address answers its own way. */
class ErrorsApiTest extends ApiTestSupport {

    private static void assertProblem(Http.Response r, int status) {
        assertEquals(status, r.status(), r.body());
        assertTrue(r.contentType().startsWith("application/problem+json"), r.contentType() + " " + r.body());
        assertEquals(status, r.json().get("status").asInt());
        assertTrue(!r.json().get("detail").asString().isBlank());
    }

    @Test
    void malformedJsonIs400() {
        assertProblem(http.post("/api/v1/models", "{\"layers\": [}"), 400);
        assertProblem(http.post("/api/v1/datasets", "{\"x\": [[[1]], \"y\": }"), 400);
        assertProblem(http.post("/api/v1/jobs", "not json"), 400);
    }

    @Test
    void invalidModelDefinitionsNameTheField() {
        Http.Response units = http.post("/api/v1/models", model(shape(null, 1),
                List.of(layer("SimpleRNN", "units", -3)), "mse"));
        assertProblem(units, 400);
        assertEquals("layers[0].units", units.json().get("errors").get(0).get("field").asString());
        Http.Response type = http.post("/api/v1/models", model(shape(null, 1), List.of(layer("Conv9D")), "mse"));
        assertProblem(type, 400);
        assertEquals("layers[0].type", type.json().get("errors").get(0).get("field").asString());
        Http.Response typo = http.post("/api/v1/models", model(shape(null, 1),
                List.of(layer("LSTM", "units", 4, "retrun_sequences", true)), "mse"));
        assertProblem(typo, 400);
        assertEquals("layers[0].retrun_sequences", typo.json().get("errors").get(0).get("field").asString());
        Http.Response loss = http.post("/api/v1/models", model(shape(null, 1), List.of(layer("Dense", "units", 1)),
                "hinge_of_doom"));
        assertProblem(loss, 400);
        assertEquals("compile.loss", loss.json().get("errors").get(0).get("field").asString());
        Http.Response huge = http.post("/api/v1/models", model(shape(null, 1),
                List.of(layer("LSTM", "units", 100_000)), "mse"));
        assertProblem(huge, 422);
        assertTrue(huge.json().get("detail").asString().contains("rnn.limits.units"), huge.body());
        Http.Response wide = http.post("/api/v1/models", model(shape(null, 1),
                List.of(layer("LSTM", "units", 4000), layer("LSTM", "units", 4000)), "mse"));
        assertProblem(wide, 422);
        assertTrue(wide.json().get("detail").asString().contains("rnn.limits.params"), wide.body());
        Http.Response noShape = http.post("/api/v1/models", Map.of("layers", List.of(layer("Dense", "units", 1))));
        assertProblem(noShape, 400);
        assertEquals("input_shape", noShape.json().get("errors").get(0).get("field").asString());
    }

    @Test
    void unknownIdsAre404() {
        assertProblem(http.get("/api/v1/models/nope"), 404);
        assertProblem(http.get("/api/v1/datasets/nope"), 404);
        assertProblem(http.get("/api/v1/jobs/nope"), 404);
        assertProblem(http.post("/api/v1/models/nope/predict", Map.of("instances", List.of())), 404);
        assertProblem(http.post("/api/v1/jobs/nope/cancel", "{}"), 404);
    }

    @Test
    void wrongMediaTypeIs415AndOversizedBodiesAre413() {
        assertProblem(http.post("/api/v1/datasets", "application/xml", "<x/>"), 415);
        String huge = "{\"x\": [" + "[[1.0]],".repeat(9_000_000) + "[[1.0]]]}";
        Http.Response r = http.post("/api/v1/datasets", "application/json", huge);
        assertEquals(413, r.status());
    }

    @Test
    void predictionsThatDoNotFitAre422() {
        String id = createModel(model(shape(null, 2), List.of(layer("SimpleRNN", "units", 3),
                layer("Dense", "units", 1)), "mse"));
        Http.Response r = http.post("/api/v1/models/" + id + "/predict",
                Map.of("instances", List.of(List.of(List.of(1.0, 2.0)), List.of(List.of(1.0)))));
        assertProblem(r, 422);
        assertEquals("instances[1]", r.json().get("errors").get(0).get("field").asString());
    }

    @Test
    void tfServingAddressPredictsAndAnswersErrorsItsOwnWay() {
        Map<String, Object> body = model(shape(null, 1), List.of(layer("SimpleRNN", "units", 4),
                layer("Dense", "units", 1)), "mse");
        body.put("name", "tf-serving-model");
        String id = createModel(body);
        Http.Response byName = http.post("/v1/models/tf-serving-model:predict",
                Map.of("instances", List.of(List.of(List.of(0.5)), List.of(List.of(0.1), List.of(0.2)))));
        assertEquals(200, byName.status(), byName.body());
        assertEquals(2, byName.json().get("predictions").size());
        Http.Response columnar = http.post("/v1/models/" + id + ":predict",
                Map.of("inputs", List.of(List.of(List.of(0.5)))));
        assertEquals(200, columnar.status(), columnar.body());
        assertEquals(byName.json().get("predictions").get(0), columnar.json().get("outputs").get(0));
        Http.Response status = http.get("/v1/models/tf-serving-model");
        assertEquals("AVAILABLE", status.json().get("model_version_status").get(0).get("state").asString());

        Http.Response missing = http.post("/v1/models/no-such-model:predict", Map.of("instances", List.of()));
        assertEquals(404, missing.status());
        assertTrue(missing.json().get("error").asString().contains("no-such-model"), missing.body());
        Http.Response malformed = http.post("/v1/models/tf-serving-model:predict", "{\"instances\": [");
        assertEquals(400, malformed.status());
        assertTrue(malformed.json().has("error"), malformed.body());
        Http.Response misfit = http.post("/v1/models/tf-serving-model:predict",
                Map.of("instances", List.of(List.of(List.of(0.5, 0.5)))));
        assertEquals(422, misfit.status());
        assertTrue(misfit.json().has("error"));
    }
}
