package org.rnnservice.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.rnnservice.Http;
import tools.jackson.databind.JsonNode;

/** Keras {@code model.to_json()} documents of both Keras majors are accepted as they are. */
class KerasJsonApiTest extends ApiTestSupport {

    private static String resource(String name) throws IOException {
        try (InputStream in = KerasJsonApiTest.class.getResourceAsStream("/keras/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void keras2LstmDocument() throws IOException {
        Http.Response r = http.post("/api/v1/models", resource("keras2_lstm.json"));
        assertEquals(201, r.status(), r.body());
        JsonNode summary = r.json().get("summary");
        assertEquals(10451, summary.get("total_params").asInt());
        assertEquals(10400, summary.get("layers").get(0).get("params").asInt());
        assertEquals("lstm", summary.get("layers").get(0).get("name").asString());
        assertEquals("[null,1]", r.json().get("definition").get("input_shape").toString());
    }

    @Test
    void keras3StackedGruDocumentWithCompileConfig() throws IOException {
        Http.Response r = http.post("/api/v1/models", resource("keras3_stacked_gru.json"));
        assertEquals(201, r.status(), r.body());
        JsonNode body = r.json();
        JsonNode summary = body.get("summary");
        assertEquals(3552, summary.get("layers").get(0).get("params").asInt());
        assertEquals(2400, summary.get("layers").get(1).get("params").asInt());
        assertEquals(17, summary.get("layers").get(2).get("params").asInt());
        assertEquals(5969, summary.get("total_params").asInt());
        // Keras' default name in the document is a default here too: the next free one of sequential, sequential_1, ...
        assertTrue(body.get("name").asString().matches("sequential(_\\d+)?"), body.get("name").asString());
        assertEquals("rmsprop", body.get("definition").get("compile").get("optimizer").get("type").asString());
        assertEquals("[\"mae\"]", body.get("definition").get("compile").get("metrics").toString());
        assertEquals("[null,20,32]", summary.get("layers").get(0).get("output_shape").toString());
    }

    @Test
    void keras3LstmDocumentAndItsCompileConfig() throws IOException {
        // the config.json of a Keras 3 .keras archive is what model.to_json() writes (with compile_config)
        String doc = kerasConfig("lstm_stack.keras");
        assertTrue(doc.contains("\"Orthogonal\""));
        // earlier Keras 3 releases wrote the class as OrthogonalInitializer: both read as orthogonal
        for (String variant : java.util.List.of(doc.replace("\"name\": \"stack\"", "\"name\": \"stack-a\""),
                doc.replace("\"Orthogonal\"", "\"OrthogonalInitializer\"")
                        .replace("\"name\": \"stack\"", "\"name\": \"stack-b\""))) {
            Http.Response r = http.post("/api/v1/models", variant);
            assertEquals(201, r.status(), r.body());
            JsonNode definition = r.json().get("definition");
            assertEquals("orthogonal", definition.get("layers").get(0).get("recurrent_initializer")
                    .get("class_name").asString());
            assertEquals(0.01, definition.get("compile").get("optimizer").get("learning_rate").asDouble(), 1e-8);
            assertEquals("mean_absolute_error", definition.get("compile").get("loss").asString());
        }
    }

    @Test
    void keras3TextClassifierWithItsLossSerializedAsAFunction() throws IOException {
        // Keras 3 writes compile(loss="binary_crossentropy") as {"class_name": "function", "config": "..."}
        Http.Response r = http.post("/api/v1/models", resource("keras3_text_classifier.json"));
        assertEquals(201, r.status(), r.body());
        JsonNode definition = r.json().get("definition");
        assertEquals("binary_crossentropy", definition.get("compile").get("loss").asString());
        assertEquals("rmsprop", definition.get("compile").get("optimizer").get("type").asString());
        assertEquals("[\"accuracy\"]", definition.get("compile").get("metrics").toString());
        assertEquals("relu", definition.get("layers").get(1).get("activation").asString());
        assertEquals("[30]", definition.get("input_shape").toString());
        assertEquals(500 * 16 + 4 * 8 * (16 + 8 + 1) + 9, r.json().get("summary").get("total_params").asInt());
    }

    @Test
    void aLearningRateScheduleComesInAndGoesBackOut() throws IOException {
        String doc = resource("keras3_text_classifier.json").replace("\"learning_rate\": 0.0010000000474974513",
                "\"learning_rate\": {\"module\": \"keras.optimizers.schedules\", \"class_name\": \"ExponentialDecay\","
                        + " \"config\": {\"initial_learning_rate\": 0.01, \"decay_steps\": 100, \"decay_rate\": 0.9,"
                        + " \"staircase\": false, \"name\": \"ExponentialDecay\"}, \"registered_name\": null}");
        Http.Response r = http.post("/api/v1/models", doc);
        assertEquals(201, r.status(), r.body());
        JsonNode rate = r.json().get("definition").get("compile").get("optimizer").get("learning_rate");
        assertEquals("ExponentialDecay", rate.get("class_name").asString());
        assertEquals(100, rate.get("config").get("decay_steps").asInt());
        JsonNode back = http.get("/api/v1/models/" + r.json().get("id").asString() + "/config").json()
                .get("compile_config").get("optimizer").get("config").get("learning_rate");
        assertEquals("keras.optimizers.schedules", back.get("module").asString());
        assertEquals(0.9, back.get("config").get("decay_rate").asDouble(), 0);
    }

    /** The {@code config.json} Keras 3.15.1 wrote into one of the real fixtures: its {@code model.to_json()}. */
    private static String kerasConfig(String fixture) throws IOException {
        try (InputStream in = KerasJsonApiTest.class.getResourceAsStream("/keras/real/" + fixture);
             java.util.zip.ZipInputStream zip = new java.util.zip.ZipInputStream(in)) {
            for (java.util.zip.ZipEntry e = zip.getNextEntry(); e != null; e = zip.getNextEntry()) {
                if (e.getName().equals("config.json")) {
                    return new String(zip.readAllBytes(), StandardCharsets.UTF_8);
                }
            }
        }
        throw new IllegalStateException(fixture + " has no config.json");
    }

    @Test
    void aFunctionalChainIsTakenAsSequentialAndSaysSoOnce() throws IOException {
        Http.Response r = http.post("/api/v1/models", kerasConfig("functional_chain.keras"));
        assertEquals(201, r.status(), r.body());
        java.util.List<String> names = new java.util.ArrayList<>();
        r.json().get("summary").get("layers").forEach(l -> names.add(l.get("name").asString()));
        assertEquals(java.util.List.of("encoder", "decoder", "forecast"), names);
        assertTrue(r.json().get("note").asString().contains("taken as a Sequential model"), r.body());
        assertTrue(http.get("/api/v1/models/" + r.json().get("id").asString()).json().get("note") == null,
                "the note comes with the response that creates the model only");
    }

    @Test
    void aFunctionalModelThatBranchesIsRefusedNamingTheLayer() throws IOException {
        Http.Response r = http.post("/api/v1/models", kerasConfig("functional_branches.keras"));
        assertEquals(422, r.status(), r.body());
        assertTrue(r.json().get("detail").asString().contains("layer 'inputs' feeds 2 layers ('left', 'right')"),
                r.body());
    }

    @Test
    void anUncompiledModelPredictsButTrainsOnlyOnceCompiled() throws IOException {
        Http.Response created = http.post("/api/v1/models", kerasConfig("gru.keras"));
        assertEquals(201, created.status(), created.body());
        String id = created.json().get("id").asString();
        assertTrue(created.json().get("definition").get("compile") == null, "nothing filled in: " + created.body());
        assertEquals(200, http.post("/api/v1/models/" + id + "/predict",
                "{\"instances\": [[[0.1, 0.2, 0.3]]]}").status());
        String data = http.post("/api/v1/datasets", "{\"x\": [[[0.1, 0.2, 0.3]], [[0.3, 0.2, 0.1]]], \"y\": [1, 0]}")
                .json().get("id").asString();
        String job = "{\"model_id\": \"" + id + "\", \"dataset_id\": \"" + data + "\", \"epochs\": 1}";
        Http.Response refused = http.post("/api/v1/jobs", job);
        assertEquals(422, refused.status(), refused.body());
        assertEquals("compile", refused.json().get("errors").get(0).get("field").asString());
        assertTrue(refused.json().get("detail").asString().contains("PUT /api/v1/models/" + id + "/compile"),
                refused.body());
        Http.Response evaluate = http.post("/api/v1/models/" + id + "/evaluate", "{\"dataset_id\": \"" + data
                + "\"}");
        assertEquals(422, evaluate.status(), evaluate.body());

        Http.Response compiled = http.put("/api/v1/models/" + id + "/compile",
                "{\"optimizer\": \"adam\", \"loss\": \"mse\"}");
        assertEquals(200, compiled.status(), compiled.body());
        JsonNode compile = compiled.json().get("definition").get("compile");
        assertEquals("mean_squared_error", compile.get("loss").asString());
        assertEquals(0.001, compile.get("optimizer").get("learning_rate").asDouble(), 1e-12, "Keras' defaults shown");
        assertEquals(0, compiled.json().get("version").asInt(), "compile keeps the weights");
        Http.Response accepted = http.post("/api/v1/jobs", job);
        assertEquals(202, accepted.status(), accepted.body());

        Http.Response bad = http.put("/api/v1/models/" + id + "/compile", "{\"optimizer\": \"adam\", \"loss\":"
                + " \"mean_sqared_error\"}");
        assertEquals(400, bad.status(), bad.body());
        assertEquals("compile.loss", bad.json().get("errors").get(0).get("field").asString());
        assertEquals("mean_squared_error", http.get("/api/v1/models/" + id).json().get("definition").get("compile")
                .get("loss").asString(), "a refused compile changes nothing");
    }
}
