package org.rnnservice.durability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rnnservice.Http;
import org.rnnservice.RequestBodies;
import org.rnnservice.storage.postgres.TestPostgres;
import tools.jackson.databind.JsonNode;

/**
 * Two replicas on one PostgreSQL: one leads a search under a lease while trials train on either; the leader is
 * killed with SIGKILL and the other takes the search up once the lease runs out and completes it, no trial run twice.
 */
class TuningClusterTest {

    @TempDir
    Path tmp;

    @Test
    void aSearchWhoseLeaderDiesIsCompletedByAnotherReplica() throws Exception {
        TestPostgres.Database db = TestPostgres.freshDatabase();
        List<ServiceProcess> replicas = new ArrayList<>();
        try {
            for (int i = 0; i < 2; i++) {
                replicas.add(ServiceProcess.replica(tmp, db, i, "4s"));
            }
            for (ServiceProcess r : replicas) {
                r.awaitHealthy(Duration.ofSeconds(120));
            }
            List<Http> http = replicas.stream().map(r -> new Http(r.port)).toList();
            String data = http.get(0).post("/api/v1/datasets", RequestBodies.sineDataset(200, 12)).json().get("id")
                    .asString();
            Map<String, Object> body = TutorialSearch.grid(data, 3, 8, List.of(4, 8));
            Http.Response submitted = http.get(1).post("/api/v1/tuning-jobs", body);
            assertEquals(202, submitted.status(), submitted.body());
            String id = submitted.json().get("id").asString();
            String path = "/api/v1/tuning-jobs/" + id;
            JsonNode led = http.get(0).await(path, s -> TutorialSearch.completed(s) >= 2
                    && !s.get("driver").isNull(),
                    Duration.ofMinutes(4));
            String leader = led.get("driver").asString();
            Map<String, String> finished = new HashMap<>();
            for (JsonNode t : led.get("trials")) {
                if (t.get("state").asString().equals("COMPLETED")) {
                    finished.put(t.get("trial_id").asString(), t.get("job_id").asString());
                }
            }
            int dead = leader.equals("replica-0") ? 0 : 1;
            replicas.get(dead).kill();
            Http survivor = http.get(1 - dead);
            JsonNode done = survivor.await(path, s -> !s.get("state").asString().matches("QUEUED|RUNNING"),
                    Duration.ofMinutes(5));
            assertEquals("SUCCEEDED", done.get("state").asString(), done.toString());
            assertNotEquals(leader, done.get("driver").asString(), "the survivor led it to its end");
            assertEquals(6, done.get("trials").size());
            for (JsonNode t : done.get("trials")) {
                assertEquals("COMPLETED", t.get("state").asString(), t.toString());
                String trial = t.get("trial_id").asString();
                if (finished.containsKey(trial)) {
                    assertEquals(finished.get(trial), t.get("job_id").asString(), "a finished trial kept its job");
                }
                JsonNode jobs = survivor.get("/api/v1/jobs?filter=" + URLEncoder.encode("tags.tuning_id = '" + id
                        + "' and tags.trial_id = '" + trial + "'", StandardCharsets.UTF_8)).json();
                assertEquals(1, jobs.get("total").asInt(), "exactly one job for trial " + trial);
                assertEquals(3, jobs.get("items").get(0).get("history").get("loss").size());
            }
            System.out.printf("CLUSTER: search %s led by %s, finished by %s after a SIGKILL (lease 4 s)%n", id,
                    leader, done.get("driver").asString());
        } finally {
            for (ServiceProcess r : replicas) {
                r.close();
            }
        }
    }
}
