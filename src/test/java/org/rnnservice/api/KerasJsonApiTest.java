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
    void keras3LstmDocumentWithOrthogonalInitializerAndItsCompileConfig() throws IOException {
        // the config.json of a Keras 3 .keras archive is what model.to_json() writes
        String doc;
        try (java.util.zip.ZipInputStream zip = new java.util.zip.ZipInputStream(
                KerasJsonApiTest.class.getResourceAsStream("/keras/files/keras3_lstm.keras"))) {
            java.util.zip.ZipEntry e;
            do {
                e = zip.getNextEntry();
            } while (!e.getName().equals("config.json"));
            doc = new String(zip.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertTrue(doc.contains("\"OrthogonalInitializer\""));
        Http.Response r = http.post("/api/v1/models", doc);
        assertEquals(201, r.status(), r.body());
        JsonNode definition = r.json().get("definition");
        assertEquals("orthogonal", definition.get("layers").get(0).get("recurrent_initializer").get("class_name")
                .asString());
        assertEquals(0.002, definition.get("compile").get("optimizer").get("learning_rate").asDouble(), 1e-12);
        assertEquals("categorical_crossentropy", definition.get("compile").get("loss").asString());
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

    @Test
    void aFunctionalModelIsRefusedByName() {
        Http.Response r = http.post("/api/v1/models", "{\"class_name\": \"Functional\", \"config\": {\"layers\": []}}");
        assertEquals(422, r.status(), r.body());
        assertTrue(r.json().get("detail").asString().contains("Functional"), r.body());
    }
}
