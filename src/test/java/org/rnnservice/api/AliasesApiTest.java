package org.rnnservice.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.rnnservice.Http;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;

/**
 * Aliases as MLflow's registry has them and TF Serving serves them as version labels: a name for a kept version,
 * moved to roll back, usable wherever a version number is, and never left pointing at a version that was dropped.
 */
class AliasesApiTest extends ApiTestSupport {

    private static final Map<String, Object> X = Map.of("instances",
            new double[][][] {{{0.1, 0.2}, {0.3, -0.4}, {0.5, 0.6}}});

    private String id;
    private String name;

    private void createModel(String modelName) {
        Map<String, Object> body = new java.util.LinkedHashMap<>(model(Arrays.asList(null, 2),
                List.of(Map.of("type", "LSTM", "units", 3), Map.of("type", "Dense", "units", 2)), "mse"));
        body.put("name", modelName);
        Http.Response r = http.post("/api/v1/models", body);
        assertEquals(201, r.status(), r.body());
        id = r.json().get("id").asString();
        name = modelName;
    }

    /** Uploads the current weights scaled by {@code factor}: a new version whose predictions differ. */
    private int newVersion(double factor) {
        JsonNode doc = http.get("/api/v1/models/" + id + "/weights").json();
        for (JsonNode w : doc.get("weights")) {
            scale((ArrayNode) w.get("values"), factor);
        }
        Http.Response r = http.put("/api/v1/models/" + id + "/weights", doc.toString());
        assertEquals(200, r.status(), r.body());
        return r.json().get("model_version").asInt();
    }

    private static void scale(ArrayNode values, double factor) {
        for (int i = 0; i < values.size(); i++) {
            JsonNode v = values.get(i);
            if (v.isArray()) {
                scale((ArrayNode) v, factor);
            } else {
                values.set(i, v.asDouble() * factor + 0.01);
            }
        }
    }

    private Http.Response setAlias(String alias, int version) {
        return http.put("/api/v1/models/" + id + "/aliases/" + alias, "{\"version\": " + version + "}");
    }

    private JsonNode predict(String query) {
        Http.Response r = http.post("/api/v1/models/" + id + "/predict" + query, X);
        assertEquals(200, r.status(), r.body());
        return r.json();
    }

    private JsonNode tfServing(String path) {
        Http.Response r = http.post("/v1/models/" + name + path + ":predict", X);
        assertEquals(200, r.status(), r.body());
        return r.json().get("predictions");
    }

    @Test
    void predictionByAliasIsPredictionByItsVersionAndMovingItChangesWhatTheLabelServes() {
        createModel("alias-serving");
        int v1 = newVersion(0.5);
        int v2 = newVersion(-1.5);
        assertEquals(List.of(1, 2), List.of(v1, v2));

        Http.Response set = setAlias("champion", v1);
        assertEquals(200, set.status(), set.body());
        assertEquals(v1, set.json().get("aliases").get("champion").asInt());
        assertEquals(v1, http.get("/api/v1/models/" + id).json().get("aliases").get("champion").asInt());

        JsonNode byAlias = predict("?alias=champion");
        JsonNode byVersion = predict("?version=" + v1);
        assertEquals(byVersion.get("predictions"), byAlias.get("predictions"));
        assertEquals(v1, byAlias.get("model_version").asInt());
        JsonNode current = predict("").get("predictions");
        assertNotEquals(current, byAlias.get("predictions"), "the alias serves v1, not the current v2");

        assertEquals(byVersion.get("predictions"), tfServing("/labels/champion"));
        assertEquals(String.valueOf(v1), http.get("/v1/models/" + name + "/labels/champion/metadata").json()
                .get("model_spec").get("version").asString());

        // moving the alias is the rollback (here forward): the label now serves v2
        assertEquals(200, setAlias("champion", v2).status());
        assertEquals(current, tfServing("/labels/champion"));
        assertEquals(tfServing("/versions/" + v2), tfServing("/labels/champion"));
        assertEquals(String.valueOf(v2), http.get("/v1/models/" + name + "/labels/champion").json()
                .get("model_version_status").get(0).get("version").asString());

        Http.BytesResponse byAliasFile = http.getBytes("/api/v1/models/" + id + "/export?format=onnx&alias=champion");
        Http.BytesResponse byVersionFile = http.getBytes("/api/v1/models/" + id + "/export?format=onnx&version="
                + v2);
        assertEquals(200, byAliasFile.status());
        assertArrayEquals(byVersionFile.body(), byAliasFile.body());
        assertTrue(!Arrays.equals(byAliasFile.body(), http.getBytes("/api/v1/models/" + id
                + "/export?format=onnx&version=" + v1).body()), "exports of v1 and v2 differ");
    }

    @Test
    void anAliasedVersionOutlivesTheKeptWindowAndAnAliasNeverNamesADroppedVersion() {
        createModel("alias-kept");
        int stable = newVersion(0.5);
        assertEquals(200, setAlias("stable", stable).status());
        for (int i = 0; i < 6; i++) {
            newVersion(0.9);
        }
        List<Integer> kept = new ArrayList<>();
        JsonNode model = http.get("/api/v1/models/" + id).json();
        model.get("versions").forEach(v -> kept.add(v.get("version").asInt()));
        // five kept as configured (rnn.kept-weight-versions): the aliased v1 stays, the oldest unaliased ones go
        assertEquals(List.of(1, 4, 5, 6, 7), kept);
        assertEquals(200, predictStatus("?alias=stable"), "the aliased version still serves");

        Http.Response dropped = setAlias("champion", 2);
        assertEquals(404, dropped.status(), dropped.body());
        assertTrue(dropped.body().contains("kept"), dropped.body());

        // once the alias is removed, the next version lets v1 go
        assertEquals(204, http.delete("/api/v1/models/" + id + "/aliases/stable").status());
        newVersion(0.9);
        List<Integer> after = new ArrayList<>();
        http.get("/api/v1/models/" + id).json().get("versions").forEach(v -> after.add(v.get("version").asInt()));
        assertEquals(List.of(4, 5, 6, 7, 8), after);
        assertEquals(0, http.get("/api/v1/models/" + id).json().get("aliases").size());
    }

    private int predictStatus(String query) {
        return http.post("/api/v1/models/" + id + "/predict" + query, X).status();
    }

    @Test
    void badAliasesAreRefusedByNameAndChangeNothing() {
        createModel("alias-refusals");
        assertEquals(200, setAlias("champion", 0).status());

        Http.Response badName = setAlias("1st", 0);
        assertEquals(400, badName.status(), badName.body());
        assertEquals("application/problem+json", badName.contentType());
        assertEquals("alias", badName.json().get("errors").get(0).get("field").asString());

        Http.Response noVersion = http.put("/api/v1/models/" + id + "/aliases/other", "{}");
        assertEquals(400, noVersion.status(), noVersion.body());
        assertTrue(noVersion.body().contains("version"), noVersion.body());

        Http.Response both = http.post("/api/v1/models/" + id + "/predict?alias=champion&version=0", X);
        assertEquals(400, both.status(), both.body());
        assertEquals("alias", both.json().get("errors").get(0).get("field").asString());

        Http.Response unknown = http.post("/api/v1/models/" + id + "/predict?alias=challenger", X);
        assertEquals(404, unknown.status(), unknown.body());
        assertTrue(unknown.json().get("detail").asString().contains("champion"), "names the aliases there are");
        Http.Response unknownLabel = http.post("/v1/models/" + name + "/labels/challenger:predict", X);
        assertEquals(404, unknownLabel.status(), unknownLabel.body());
        assertTrue(unknownLabel.json().has("error"), "TF Serving's error shape: " + unknownLabel.body());

        for (int i = 1; i < 32; i++) {
            assertEquals(200, setAlias("a" + i, 0).status());
        }
        Http.Response oneTooMany = setAlias("a32", 0);
        assertEquals(400, oneTooMany.status(), oneTooMany.body());
        assertTrue(oneTooMany.json().get("detail").asString().contains("at most 32"), oneTooMany.body());
        assertEquals(200, setAlias("a31", 0).status(), "moving an alias is not adding one");
        for (int i = 1; i < 32; i++) {
            assertEquals(204, http.delete("/api/v1/models/" + id + "/aliases/a" + i).status());
        }

        assertEquals(404, http.delete("/api/v1/models/" + id + "/aliases/challenger").status());
        assertEquals(404, setAlias("champion", 9).status());
        JsonNode aliases = http.get("/api/v1/models/" + id).json().get("aliases");
        assertEquals(1, aliases.size());
        assertEquals(0, aliases.get("champion").asInt(), "refusals changed nothing");
        assertEquals(200, predictStatus("?alias=champion"));
    }
}
