package org.rnnservice.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * {@code api-spec/openapi.yaml} is the committed contract: exactly the running service's {@code /v3/api-docs}, its
 * examples included. This test fails when they drift apart; with {@code -Dopenapi.write=true} it rewrites the
 * contract from the running service instead.
 */
class OpenApiContractTest extends ApiTestSupport {

    private static final Path CONTRACT = Path.of("api-spec/openapi.yaml");
    private static final YAMLMapper YAML = YAMLMapper.builder().build();

    @Test
    void committedContractMatchesTheRunningService() throws Exception {
        ObjectNode live = (ObjectNode) http.get("/v3/api-docs").json();
        live.remove("servers"); // the random test port
        if (Boolean.getBoolean("openapi.write")) {
            Files.writeString(CONTRACT, "# Generated from the running service by OpenApiContractTest; see README.\n"
                    + YAML.writeValueAsString(live));
        }
        JsonNode committed = YAML.readTree(CONTRACT.toFile());
        assertEquals(committed, live, "api-spec/openapi.yaml drifted from the service; regenerate it with"
                + " ./mvnw test -Dtest=OpenApiContractTest -Dopenapi.write=true");
    }

    @Test
    void everyRequestBodyHasAnExample() throws Exception {
        JsonNode committed = YAML.readTree(CONTRACT.toFile());
        List<String> missing = new ArrayList<>();
        for (Map.Entry<String, JsonNode> path : committed.get("paths").properties()) {
            for (Map.Entry<String, JsonNode> op : path.getValue().properties()) {
                JsonNode content = op.getValue().path("requestBody").path("content");
                for (Map.Entry<String, JsonNode> media : content.properties()) {
                    // a file upload has no inline example: the README shows it with curl
                    if (!media.getValue().has("examples") && !isFile(media.getValue())) {
                        missing.add(op.getKey().toUpperCase() + " " + path.getKey() + " " + media.getKey());
                    }
                }
            }
        }
        assertTrue(missing.isEmpty(), "request bodies without examples: " + missing);
    }

    /** A binary body (a Keras file), or a form whose parts are files. */
    private static boolean isFile(JsonNode media) {
        JsonNode schema = media.path("schema");
        if ("binary".equals(schema.path("format").asString(""))) {
            return true;
        }
        for (Map.Entry<String, JsonNode> part : schema.path("properties").properties()) {
            if (!"binary".equals(part.getValue().path("format").asString(""))) {
                return false;
            }
        }
        return schema.path("properties").size() > 0;
    }

    @Test
    void everySuccessResponseHasAnExample() throws Exception {
        JsonNode committed = YAML.readTree(CONTRACT.toFile());
        List<String> missing = new ArrayList<>();
        for (Map.Entry<String, JsonNode> path : committed.get("paths").properties()) {
            for (Map.Entry<String, JsonNode> op : path.getValue().properties()) {
                for (Map.Entry<String, JsonNode> response : op.getValue().path("responses").properties()) {
                    if (!response.getKey().startsWith("2")) {
                        continue;
                    }
                    for (Map.Entry<String, JsonNode> media : response.getValue().path("content").properties()) {
                        // the event stream's events are described in words: a stream has no single example
                        if (!media.getKey().equals("text/event-stream") && !media.getValue().has("examples")
                                && !isFile(media.getValue())) {
                            missing.add(op.getKey().toUpperCase() + " " + path.getKey() + " " + response.getKey()
                                    + " " + media.getKey());
                        }
                    }
                }
            }
        }
        assertTrue(missing.isEmpty(), "success responses without examples: " + missing);
    }
}
