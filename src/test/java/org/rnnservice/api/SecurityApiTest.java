package org.rnnservice.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.rnnservice.Http;
import org.rnnservice.RequestBodies;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/** With {@code rnn.security.api-keys} set: who may call what, and how refusals look. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ExtendWith(OutputCaptureExtension.class)
class SecurityApiTest {

    private static final String ADMIN = "admin-key-7f3c2a9e51d04b8c";
    private static final String PREDICT = "predict-key-0b6d4e2f9a8c7d13";

    @LocalServerPort
    int port;

    private final HttpClient client = HttpClient.newHttpClient();

    @DynamicPropertySource
    static void keys(DynamicPropertyRegistry registry) throws java.io.IOException {
        Path data = Files.createTempDirectory("rnn-security-test");
        registry.add("rnn.data-dir", data::toString);
        registry.add("rnn.security.api-keys", () -> ADMIN + ":admin," + PREDICT + ":predict");
    }

    private String modelId;

    private Http.Response call(String method, String path, String key, String json) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .method(method, json == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(json))
                .header("Content-Type", "application/json");
        if (key != null) {
            b.header("Authorization", "Bearer " + key);
        }
        HttpResponse<String> r = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
        return new Http.Response(r.statusCode(), r.headers().firstValue("Content-Type").orElse(""), r.body(),
                r.headers());
    }

    @BeforeEach
    void aModel() throws Exception {
        Map<String, Object> body = Map.of("input_shape", java.util.Arrays.asList(null, 1), "layers",
                List.of(RequestBodies.layer("SimpleRNN", "units", 2), RequestBodies.layer("Dense", "units", 1)));
        Http.Response r = call("POST", "/api/v1/models", ADMIN, Http.JSON.writeValueAsString(body));
        assertEquals(201, r.status(), r.body());
        modelId = r.json().get("id").asString();
    }

    @Test
    void withoutAKeyTheApiAnswers401AsAProblem() throws Exception {
        Http.Response r = call("GET", "/api/v1/models", null, null);
        assertEquals(401, r.status());
        assertEquals("application/problem+json", r.contentType());
        assertEquals("Bearer", r.header("WWW-Authenticate"));
        assertTrue(r.json().get("detail").asString().contains("Authorization: Bearer"));
    }

    @Test
    void aWrongKeyIs401() throws Exception {
        assertEquals(401, call("GET", "/api/v1/models", "not-" + ADMIN, null).status());
        assertEquals(401, call("POST", "/api/v1/models/" + modelId + "/predict", ADMIN.substring(1),
                "{\"instances\": [[[0.1]]]}").status());
    }

    @Test
    void anAdminKeyMayDoEverything() throws Exception {
        assertEquals(200, call("GET", "/api/v1/models/" + modelId, ADMIN, null).status());
        assertEquals(200, call("POST", "/api/v1/models/" + modelId + "/predict", ADMIN,
                "{\"instances\": [[[0.1]]]}").status());
        assertEquals(200, call("GET", "/actuator/metrics", ADMIN, null).status());
        assertEquals(204, call("DELETE", "/api/v1/models/" + modelId, ADMIN, null).status());
    }

    @Test
    void aPredictKeyReadsAndPredictsButChangesNothing() throws Exception {
        assertEquals(200, call("GET", "/api/v1/models/" + modelId + "/summary", PREDICT, null).status());
        assertEquals(200, call("POST", "/api/v1/models/" + modelId + "/predict", PREDICT,
                "{\"instances\": [[[0.1]]]}").status());
        Http.Response tf = call("POST", "/v1/models/" + modelId + ":predict", PREDICT, "{\"instances\": [[[0.1]]]}");
        assertEquals(200, tf.status(), tf.body());
        Http.Response denied = call("DELETE", "/api/v1/models/" + modelId, PREDICT, null);
        assertEquals(403, denied.status());
        assertEquals("application/problem+json", denied.contentType());
        assertEquals(403, call("POST", "/api/v1/models", PREDICT, "{}").status());
        assertEquals(403, call("GET", "/actuator/metrics", PREDICT, null).status());
        assertEquals(200, call("GET", "/api/v1/models/" + modelId, ADMIN, null).status(), "still there");
    }

    @Test
    void theServingApisRefuseInTheirOwnShape() throws Exception {
        Http.Response r = call("POST", "/v1/models/" + modelId + ":predict", null, "{\"instances\": [[[0.1]]]}");
        assertEquals(401, r.status());
        JsonNode body = r.json();
        assertTrue(body.has("error") && !body.has("status"), r.body());
    }

    @Test
    void healthStaysOpenAndThePageLoads() throws Exception {
        assertEquals(200, call("GET", "/actuator/health", null, null).status());
        assertEquals(200, call("GET", "/", null, null).status());
        assertEquals(200, call("GET", "/favicon.ico", null, null).status());
        assertEquals(401, call("GET", "/actuator/metrics", null, null).status());
        // KServe's server probes follow the protocol, which has no key; a model's readiness still needs one
        assertEquals(200, call("GET", "/v2/health/live", null, null).status());
        assertEquals(200, call("GET", "/v2/health/ready", null, null).status());
        assertEquals(401, call("GET", "/v2/models/" + modelId + "/ready", null, null).status());
        JsonNode info = call("GET", "/actuator/info", ADMIN, null).json();
        assertTrue(info.path("build").path("version").asString("").startsWith("0."), info.toString());
    }

    @Test
    void keysNeverReachTheLog(CapturedOutput output) throws Exception {
        call("GET", "/api/v1/models", "wrong-" + PREDICT, null);
        call("DELETE", "/api/v1/models/" + modelId, PREDICT, null);
        assertFalse(output.getAll().contains(ADMIN), "the admin key was logged");
        assertFalse(output.getAll().contains(PREDICT), "the predict key was logged");
        assertTrue(output.getAll().contains("Access control is on") || output.getAll().contains("Model "),
                "the log was captured");
    }
}
