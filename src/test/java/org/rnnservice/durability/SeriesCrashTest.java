package org.rnnservice.durability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rnnservice.Http;
import tools.jackson.databind.JsonNode;

/**
 * A series and a forecaster's job through SIGKILL: the uploaded series comes back whole, and a job killed mid-training
 * (Normalization adapted at its start, the last windows validating) resumes to the history, baseline and weights an
 * uninterrupted run gives.
 */
class SeriesCrashTest {

    @TempDir
    Path tmp;

    private static String csv() {
        StringBuilder out = new StringBuilder("t,value\n");
        for (int i = 0; i < 600; i++) {
            out.append(i).append(',').append(100 + 40 * Math.sin(i * 0.2) + 5 * Math.sin(i * 1.3)).append('\n');
        }
        return out.toString();
    }

    private static Map<String, Object> model() {
        return Map.of("input_shape", Arrays.asList(null, 1), "seed", 4, "layers", List.of(
                Map.of("type", "Normalization"), Map.of("type", "LSTM", "units", 32), Map.of("type", "Dense", "units", 1),
                Map.of("type", "Normalization", "invert", true)),
                "compile", Map.of("optimizer", "adam", "loss", "mse"));
    }

    private static Map<String, Object> job(String model, String dataset) {
        return Map.of("model_id", model, "dataset_id", dataset, "epochs", 10, "batch_size", 4, "seed", 9,
                "validation", Map.of("last", 0.25), "seasonality", 31);
    }

    private static JsonNode ok(Http.Response r) {
        assertTrue(r.status() / 100 == 2, r.status() + " " + r.body());
        return r.json();
    }

    @Test
    void aSeriesJobKilledMidTrainingResumesToTheUninterruptedResult() throws Exception {
        Path data = tmp.resolve("data");
        String dataset;
        String model;
        String interrupted;
        JsonNode uploaded;
        try (ServiceProcess first = ServiceProcess.startHealthy(data)) {
            Http http = new Http(first.port);
            uploaded = ok(http.post("/api/v1/datasets?sequence_length=20&targets=value", "text/csv", csv()));
            dataset = uploaded.get("id").asString();
            model = ok(http.post("/api/v1/models", model())).get("id").asString();
            interrupted = ok(http.post("/api/v1/jobs", job(model, dataset))).get("id").asString();
            http.awaitJob(interrupted, j -> j.get("history").path("loss").size() >= 2 || Http.ended(j),
                    Duration.ofSeconds(120));
            first.kill();
        }
        try (ServiceProcess second = ServiceProcess.startHealthy(data)) {
            Http http = new Http(second.port);
            assertEquals(uploaded, ok(http.get("/api/v1/datasets/" + dataset)), "the series' document, whole");
            JsonNode resumed = http.awaitJob(interrupted, Http::ended, Duration.ofSeconds(180));
            assertEquals("SUCCEEDED", resumed.get("state").asString(), resumed.toString());
            assertTrue(resumed.get("resumed_from_epoch").asInt(0) >= 2, resumed.toString());
            String twin = ok(http.post("/api/v1/models", model())).get("id").asString();
            JsonNode straight = http.awaitJob(ok(http.post("/api/v1/jobs", job(twin, dataset))).get("id").asString(),
                    Http::ended, Duration.ofSeconds(180));
            assertEquals(straight.get("history"), resumed.get("history"), "same history, val_mae and val_rmse too");
            assertEquals(straight.get("baseline"), resumed.get("baseline"));
            assertEquals(ok(http.get("/api/v1/models/" + twin + "/weights")).get("weights"),
                    ok(http.get("/api/v1/models/" + model + "/weights")).get("weights"),
                    "same final weights, the Normalization statistics included");
        }
    }
}
