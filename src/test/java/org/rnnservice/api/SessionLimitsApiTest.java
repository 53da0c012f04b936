package org.rnnservice.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.rnnservice.RequestBodies.layer;

import java.nio.file.Files;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.rnnservice.Http;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** Sessions are bounded (429 past rnn.sessions.max) and expire after rnn.sessions.idle-timeout without use. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class SessionLimitsApiTest {

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void settings(DynamicPropertyRegistry registry) throws Exception {
        registry.add("rnn.data-dir", () -> {
            try {
                return Files.createTempDirectory("rnn-session-limits").toString();
            } catch (java.io.IOException e) {
                throw new IllegalStateException(e);
            }
        });
        registry.add("rnn.sessions.max", () -> "2");
        registry.add("rnn.sessions.idle-timeout", () -> "2s");
    }

    @Test
    void pastTheBoundOpeningIsRefusedUntilIdleSessionsExpire() throws Exception {
        Http http = new Http(port);
        String model = http.post("/api/v1/models", Map.of("input_shape", Arrays.asList(null, 1), "layers",
                List.of(layer("GRU", "units", 4), layer("Dense", "units", 1)))).json().get("id").asString();
        String first = http.post("/api/v1/models/" + model + "/sessions", Map.of()).json().get("session_id")
                .asString();
        assertEquals(201, http.post("/api/v1/models/" + model + "/sessions", Map.of()).status());
        Http.Response third = http.post("/api/v1/models/" + model + "/sessions", Map.of());
        assertEquals(429, third.status(), third.body());
        assertNotNull(third.header("Retry-After"));
        assertEquals(2, http.get("/api/v1/sessions/" + first).json().get("idle_timeout_seconds").asInt());
        // unused for the idle timeout, the sessions expire: gone, and their places free
        http.await("/api/v1/sessions/" + first, s -> s.path("status").asInt() == 404, Duration.ofSeconds(10));
        assertEquals(201, http.post("/api/v1/models/" + model + "/sessions", Map.of()).status());
    }
}
