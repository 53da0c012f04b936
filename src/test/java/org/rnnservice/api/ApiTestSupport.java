package org.rnnservice.api;

import static org.rnnservice.RequestBodies.layer;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.rnnservice.Http;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The service on a random port with its own data directory, shared by the API test classes (one Spring context), and
 * the seed tutorial's models and data as a user would write them.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
abstract class ApiTestSupport {

    private static final Path DATA = createDataDir();

    @LocalServerPort
    int port;

    Http http;

    private static Path createDataDir() {
        try {
            return Files.createTempDirectory("rnn-api-test");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @DynamicPropertySource
    static void dataDir(DynamicPropertyRegistry registry) {
        registry.add("rnn.data-dir", DATA::toString);
        registry.add("rnn.workers", () -> "2");
        registry.add("rnn.queue-capacity", () -> "16");
    }

    @BeforeEach
    void client() {
        http = new Http(port);
    }


    static Map<String, Object> model(List<Object> inputShape, List<Map<String, Object>> layers, String loss) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("input_shape", inputShape);
        body.put("layers", layers);
        body.put("compile", Map.of("optimizer", "adam", "loss", loss));
        body.put("seed", 42);
        return body;
    }

    static List<Object> shape(Object... dims) {
        return java.util.Arrays.asList(dims);
    }

    String createModel(Map<String, Object> body) {
        Http.Response r = http.post("/api/v1/models", body);
        if (r.status() != 201) {
            throw new AssertionError("model not created: " + r.status() + " " + r.body());
        }
        return r.json().get("id").asString();
    }

    /** The seed's Example 2: x = i/100 with shape (100, 1, 1), y = i/100 + 0.1. */
    String createExampleTwoData() {
        List<Object> x = new ArrayList<>();
        List<Object> y = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            x.add(List.of(List.of(i / 100.0)));
            y.add(i / 100.0 + 0.1);
        }
        return createDataset(Map.of("name", "example-2", "x", x, "y", y));
    }

    /** Windows of a sine series: {@code n} samples of {@code steps} steps, the next value as target. */
    String createSineData(int n, int steps) {
        return createDataset(org.rnnservice.RequestBodies.sineDataset(n, steps));
    }

    String createDataset(Map<String, Object> body) {
        Http.Response r = http.post("/api/v1/datasets", body);
        if (r.status() != 201) {
            throw new AssertionError("dataset not created: " + r.status() + " " + r.body());
        }
        return r.json().get("id").asString();
    }

    String submit(String modelId, String datasetId, int epochs, int batchSize) {
        Http.Response r = http.post("/api/v1/jobs", Map.of("model_id", modelId, "dataset_id", datasetId,
                "epochs", epochs, "batch_size", batchSize, "seed", 7));
        if (r.status() != 202) {
            throw new AssertionError("job not accepted: " + r.status() + " " + r.body());
        }
        return r.json().get("id").asString();
    }
}
