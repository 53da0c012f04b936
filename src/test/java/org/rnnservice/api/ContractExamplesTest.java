package org.rnnservice.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.rnnservice.RequestBodies.layer;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.rnnservice.Http;
import tools.jackson.databind.JsonNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * Every request example of the contract ({@code openapi/examples.yaml}, in the live document and so in
 * {@code api-spec/openapi.yaml}) is
 * accepted as written, in one world where its ids name a real model and dataset: what a user copies from Swagger UI
 * works.
 */
class ContractExamplesTest extends ApiTestSupport {

    private static final String MODEL_ID = "6f1c0d5e-0000-4000-8000-000000000001";
    private static final String DATASET_ID = "6f1c0d5e-0000-4000-8000-000000000002";
    /** The query parameters an upload example names in its summary. */
    private static final Map<String, String> QUERIES = Map.of("text/csv", "?sequence_length=3&targets=temp",
            "text/plain", "?seq_len=10&step=3", "multipart/form-data", "?name=contract-example-import");

    /**
     * A form whose parts are the example's fields; a file part (the example says what it holds) carries a file Keras
     * itself wrote, as the example describes.
     */
    private static Http.Response sendForm(Http http, String url, JsonNode fields) throws java.io.IOException {
        String boundary = "----example" + System.nanoTime();
        java.io.ByteArrayOutputStream form = new java.io.ByteArrayOutputStream();
        for (var field : fields.properties()) {
            form.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + field.getKey()
                    + "\"; filename=\"model.keras\"\r\nContent-Type: application/octet-stream\r\n\r\n")
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8));
            try (var in = ContractExamplesTest.class.getResourceAsStream("/keras/real/gru.keras")) {
                form.writeBytes(in.readAllBytes());
            }
            form.writeBytes("\r\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        form.writeBytes(("--" + boundary + "--\r\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
        return http.post(url, "multipart/form-data; boundary=" + boundary, form.toByteArray());
    }

    @Test
    void everyRequestExampleIsAcceptedAsWritten() throws Exception {
        JsonNode examples = YAMLMapper.builder().build()
                .readTree(Path.of("src/main/resources/openapi/examples.yaml").toFile());
        // the world the examples speak of: a SimpleRNN(2) + Dense(1) on one feature, Example 2's data, and a
        // next-character model trained on the text example
        Http.Response m = http.post("/api/v1/models", model(shape(null, 1),
                List.of(layer("SimpleRNN", "units", 2), layer("Dense", "units", 1)), "mse"));
        assertEquals(201, m.status(), m.body());
        String modelId = m.json().get("id").asString();
        String modelName = m.json().get("name").asString();
        String datasetId = http.post("/api/v1/datasets", examples.get("POST /api/v1/datasets")
                .get("application/json").get("example_2").get("value")).json().get("id").asString();
        String textModel = trainedTextModel(examples);
        String session = http.post("/api/v1/models/" + modelId + "/sessions", Map.of()).json().get("session_id")
                .asString();

        List<String> refused = new ArrayList<>();
        int sent = 0;
        for (var operation : examples.properties()) {
            String[] key = operation.getKey().split(" ", 2);
            boolean generate = key[1].endsWith("/generate");
            // the current version: the job examples train the model meanwhile, and only the newest versions are kept
            String version = http.get("/api/v1/models/" + modelId).json().get("version").asString();
            String path = key[1].replace("{id}", generate ? textModel : modelId).replace("{name}", modelName)
                    .replace("{version}", version).replace("{alias}", "champion").replace("{label}", "champion")
                    .replace("{sid}", session);
            for (var media : operation.getValue().properties()) {
                if (media.getKey().equals("responses")) {
                    continue;
                }
                for (var example : media.getValue().properties()) {
                    JsonNode value = example.getValue().get("value");
                    String body = value.isString() ? value.asString() : value.toString();
                    body = body.replace(MODEL_ID, modelId).replace(DATASET_ID, datasetId);
                    String url = path + QUERIES.getOrDefault(media.getKey(), "");
                    Http.Response r = media.getKey().equals("multipart/form-data") ? sendForm(http, url, value)
                            : key[0].equals("PUT") ? http.put(url, body) : http.post(url, media.getKey(), body);
                    sent++;
                    if (r.status() / 100 != 2) {
                        refused.add(operation.getKey() + " " + media.getKey() + " " + example.getKey() + ": "
                                + r.status() + " " + r.body());
                    }
                }
            }
        }
        assertTrue(sent >= 17, "examples sent: " + sent);
        assertTrue(refused.isEmpty(), "examples refused:\n" + String.join("\n", refused));
    }

    /** A next-character model trained one epoch on the text example, so that the generate example has a model. */
    private String trainedTextModel(JsonNode examples) throws Exception {
        String text = examples.get("POST /api/v1/datasets").get("text/plain").get("text").get("value").asString();
        JsonNode ds = http.post("/api/v1/datasets?seq_len=10&step=3", "text/plain", text).json();
        int vocab = ds.get("vocab").size();
        Map<String, Object> body = model(shape(null, vocab), List.of(layer("LSTM", "units", 8),
                layer("Dense", "units", vocab, "activation", "softmax")), "sparse_categorical_crossentropy");
        String id = createModel(body);
        String job = http.post("/api/v1/jobs", Map.of("model_id", id, "dataset_id", ds.get("id").asString(),
                "epochs", 1)).json().get("id").asString();
        JsonNode done = http.awaitJob(job, Duration.ofSeconds(60));
        assertEquals("SUCCEEDED", done.get("state").asString(), done.toString());
        assertFalse(id.isBlank());
        return id;
    }
}
