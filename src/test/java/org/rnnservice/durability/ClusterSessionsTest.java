package org.rnnservice.durability;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rnnservice.Http;
import org.rnnservice.storage.postgres.TestPostgres;
import tools.jackson.databind.JsonNode;

/**
 * A streaming session through two replicas on one PostgreSQL: its state lives in the database, so chunks sent to
 * either replica continue the same stream, and the last answer is that of the whole sequence at once.
 */
class ClusterSessionsTest {

    @TempDir
    Path tmp;

    @Test
    void chunksSentToEitherReplicaContinueOneStream() throws Exception {
        TestPostgres.Database db = TestPostgres.freshDatabase();
        List<ServiceProcess> replicas = new ArrayList<>();
        try {
            for (int i = 0; i < 2; i++) {
                replicas.add(ServiceProcess.replica(tmp, db, i, "6s"));
            }
            for (ServiceProcess r : replicas) {
                r.awaitHealthy(Duration.ofSeconds(120));
            }
            List<Http> http = replicas.stream().map(r -> new Http(r.port)).toList();
            String model = http.get(0).post("/api/v1/models", Map.of("input_shape", Arrays.asList(null, 1),
                    "seed", 4, "layers", List.of(Map.of("type", "LSTM", "units", 24, "return_sequences", true),
                            Map.of("type", "GRU", "units", 8), Map.of("type", "Dense", "units", 1))))
                    .json().get("id").asString();
            List<Object> steps = new ArrayList<>();
            for (int t = 0; t < 30; t++) {
                steps.add(List.of(Math.sin(t / 4.0)));
            }
            String sid = http.get(1).post("/api/v1/models/" + model + "/sessions", Map.of()).json()
                    .get("session_id").asString();
            JsonNode last = null;
            int at = 0;
            int[] chunks = {4, 7, 1, 9, 9};
            for (int c = 0; c < chunks.length; c++) {
                Http via = http.get(c % 2);
                Http.Response r = via.post("/api/v1/sessions/" + sid + "/predict",
                        Map.of("instances", List.of(steps.subList(at, at + chunks[c]))));
                assertEquals(200, r.status(), r.body());
                last = r.json();
                at += chunks[c];
            }
            assertEquals(30, last.get("steps_seen").asInt());
            JsonNode whole = http.get(0).post("/api/v1/models/" + model + "/predict",
                    Map.of("instances", List.of(steps))).json();
            assertEquals(whole.get("predictions").get(0).toString(), last.get("predictions").toString());
        } finally {
            for (ServiceProcess r : replicas) {
                r.close();
            }
        }
    }
}
