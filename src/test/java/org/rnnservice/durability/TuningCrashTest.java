package org.rnnservice.durability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rnnservice.Http;
import org.rnnservice.RequestBodies;
import tools.jackson.databind.JsonNode;

/**
 * A grid search killed with SIGKILL while a trial trains, and the service started again on the same data: the search
 * completes, every trial has exactly one job, and no trial that had finished trains again.
 */
class TuningCrashTest {

    @TempDir
    Path tmp;

    @Test
    void aSearchKilledMidTrialCompletesAfterRestartWithoutRunningAFinishedTrialAgain() throws Exception {
        Path data = tmp.resolve("data");
        String id;
        Map<String, String> finishedJobs = new HashMap<>();
        Map<String, String> finishedHistories = new HashMap<>();
        Set<String> runningAtKill = new HashSet<>();
        try (ServiceProcess first = ServiceProcess.startHealthy(data)) {
            Http http = new Http(first.port);
            String dataset = http.post("/api/v1/datasets", RequestBodies.sineDataset(300, 12)).json().get("id")
                    .asString();
            Http.Response r = http.post("/api/v1/tuning-jobs",
                    TutorialSearch.grid(dataset, 4, 4, List.of(5, 10, 20, 50)));
            assertEquals(202, r.status(), r.body());
            id = r.json().get("id").asString();
            JsonNode before = http.await("/api/v1/tuning-jobs/" + id, s -> TutorialSearch.completed(s) >= 3
                    && runningTrialTrained(http, s), Duration.ofMinutes(4));
            for (JsonNode t : before.get("trials")) {
                String job = t.get("job_id").asString(null);
                if (t.get("state").asString().equals("COMPLETED")) {
                    finishedJobs.put(t.get("trial_id").asString(), job);
                    finishedHistories.put(job, http.get("/api/v1/jobs/" + job).json().get("history").toString());
                } else if (job != null) {
                    runningAtKill.add(job);
                }
            }
            first.kill();
        }
        assertTrue(finishedJobs.size() >= 3 && !runningAtKill.isEmpty(), finishedJobs + " " + runningAtKill);
        try (ServiceProcess second = ServiceProcess.startHealthy(data)) {
            Http http = new Http(second.port);
            JsonNode done = http.await("/api/v1/tuning-jobs/" + id,
                    s -> !s.get("state").asString().matches("QUEUED|RUNNING"), Duration.ofMinutes(6));
            assertEquals("SUCCEEDED", done.get("state").asString(), done.toString());
            assertEquals(12, done.get("trials").size());
            for (JsonNode t : done.get("trials")) {
                assertEquals("COMPLETED", t.get("state").asString(), t.toString());
                String trial = t.get("trial_id").asString();
                String job = t.get("job_id").asString();
                if (finishedJobs.containsKey(trial)) {
                    assertEquals(finishedJobs.get(trial), job, "a finished trial keeps its job");
                    assertEquals(finishedHistories.get(job),
                            http.get("/api/v1/jobs/" + job).json().get("history").toString(),
                            "and that job did not train again");
                }
                JsonNode jobs = http.get("/api/v1/jobs?size=200&filter=" + URLEncoder.encode("tags.tuning_id = '"
                        + id + "' and tags.trial_id = '" + trial + "'", StandardCharsets.UTF_8)).json();
                assertEquals(1, jobs.get("total").asInt(), "exactly one job for trial " + trial);
                assertEquals(4, http.get("/api/v1/jobs/" + job).json().get("history").get("loss").size());
            }
            for (String job : runningAtKill) {
                JsonNode resumed = http.get("/api/v1/jobs/" + job).json();
                assertEquals("SUCCEEDED", resumed.get("state").asString());
                assertTrue(resumed.get("resumed_from_epoch").asInt(0) >= 1,
                        "the interrupted trial resumed from its checkpoint: " + resumed);
            }
        }
    }

    /** Whether a trial of the search is training and has finished at least one epoch (so it has a checkpoint). */
    private static boolean runningTrialTrained(Http http, JsonNode search) {
        for (JsonNode t : search.get("trials")) {
            String job = t.path("job_id").asString(null);
            if (t.get("state").asString().equals("RUNNING") && job != null) {
                JsonNode j = http.get("/api/v1/jobs/" + job).json();
                if (j.get("state").asString().equals("RUNNING") && j.get("history").path("loss").size() >= 1
                        && j.get("history").path("loss").size() < 3) {
                    return true;
                }
            }
        }
        return false;
    }
}
