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
}
