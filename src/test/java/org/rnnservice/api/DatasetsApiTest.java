package org.rnnservice.api;

import static org.rnnservice.RequestBodies.layer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.rnnservice.Http;
import tools.jackson.databind.JsonNode;

/** CSV windows, text datasets with generation, evaluation, and weights export and import. */
class DatasetsApiTest extends ApiTestSupport {

    @Test
    void csvIsWindowedAsTheAnswerSays() {
        String csv = "time,temp,rain\n0,10,0\n1,11,1\n2,12,0\n3,13,1\n4,14,0\n5,15,1\n";
        Http.Response r = http.post("/api/v1/datasets?seq_len=3&target=temp&features=temp,rain&name=weather",
                "text/csv", csv);
        assertEquals(201, r.status(), r.body());
        JsonNode d = r.json();
        assertEquals("csv", d.get("kind").asString());
        assertEquals(3, d.get("samples").asInt()); // 6 rows, windows of 3, next row as target
        assertEquals("[3,3,2]", d.get("x_shape").toString());
        assertEquals("[3,1]", d.get("y_shape").toString());
        assertTrue(d.get("windowing").asString().contains("'temp'"), d.toString());
        assertTrue(r.header("Location").endsWith("/api/v1/datasets/" + d.get("id").asString()));

        // the first window's target is temp of row 3 (13): a model predicting it exactly has loss 0 there
        String model = createModel(model(shape(3, 2), List.of(layer("SimpleRNN", "units", 2),
                layer("Dense", "units", 1)), "mse"));
        JsonNode eval = http.post("/api/v1/models/" + model + "/evaluate",
                Map.of("dataset_id", d.get("id").asString())).json();
        assertTrue(eval.get("loss").asDouble() > 100, eval.toString()); // untrained outputs are near 0, targets 13..15

        Http.Response tooShort = http.post("/api/v1/datasets?seq_len=10", "text/csv", csv);
        assertEquals(422, tooShort.status());
        Http.Response badColumn = http.post("/api/v1/datasets?seq_len=2&target=snow", "text/csv", csv);
        assertEquals(400, badColumn.status());
        assertEquals("target", badColumn.json().get("errors").get(0).get("field").asString());
    }

    @Test
    void aBlankLineInsideASeriesIsRefusedNamingItAndBlankLinesAtTheEndAreNot() {
        Http.Response gap = http.post("/api/v1/datasets?seq_len=2", "text/csv", "value\n1\n2\n\n3\n4\n5\n");
        assertEquals(400, gap.status(), gap.body());
        assertTrue(gap.json().get("detail").asString().startsWith("CSV line 4 is blank"), gap.body());
        Http.Response trailing = http.post("/api/v1/datasets?seq_len=2", "text/csv", "value\n1\n2\n3\n4\n\n\n");
        assertEquals(201, trailing.status(), trailing.body());
        assertEquals("[2,2,1]", trailing.json().get("x_shape").toString());
    }

    @Test
    void aTextModelLearnsAndContinuesItsText() throws Exception {
        String text = "the cat sat on the mat. ".repeat(30);
        Http.Response r = http.post("/api/v1/datasets?seq_len=10&step=1&name=cats", "text/plain", text);
        assertEquals(201, r.status(), r.body());
        JsonNode d = r.json();
        int vocab = d.get("vocab").size();
        assertEquals("text", d.get("kind").asString());
        assertEquals(vocab, d.get("x_shape").get(2).asInt());
        Map<String, Object> body = model(shape(null, vocab), List.of(layer("LSTM", "units", 48),
                layer("Dense", "units", vocab, "activation", "softmax")), "sparse_categorical_crossentropy");
        body.put("compile", Map.of("optimizer", Map.of("type", "adam", "learning_rate", 0.01),
                "loss", "sparse_categorical_crossentropy", "metrics", List.of("accuracy")));
        String model = createModel(body);
        JsonNode job = http.awaitJob(submit(model, d.get("id").asString(), 12, 32), Duration.ofSeconds(120));
        assertEquals("SUCCEEDED", job.get("state").asString(), job.toString());
        JsonNode acc = job.get("history").get("accuracy");
        assertTrue(acc.get(acc.size() - 1).asDouble() > 0.9, acc.toString());

        JsonNode gen = http.post("/api/v1/models/" + model + "/generate",
                Map.of("prompt", "the cat sat", "length", 13, "temperature", 0.0, "seed", 1)).json();
        assertEquals(" on the mat. ", gen.get("generated").asString(), gen.toString());
        Http.Response unknownChar = http.post("/api/v1/models/" + model + "/generate",
                Map.of("prompt", "the dog", "length", 5));
        assertEquals(422, unknownChar.status(), unknownChar.body());
        // strings are accepted as instances once the model knows its vocabulary
        JsonNode p = http.post("/api/v1/models/" + model + "/predict", Map.of("instances", List.of("the cat"))).json();
        assertEquals(vocab, p.get("predictions").get(0).size());
    }

    @Test
    void weightsRoundTripAsANewVersion() {
        String model = createModel(model(shape(null, 1), List.of(layer("GRU", "units", 3),
                layer("Dense", "units", 1)), "mse"));
        Http.Response w = http.get("/api/v1/models/" + model + "/weights");
        assertEquals(200, w.status());
        JsonNode weights = w.json().get("weights");
        assertEquals(List.of("gru/kernel", "gru/recurrent_kernel", "gru/bias", "dense/kernel", "dense/bias"),
                java.util.stream.StreamSupport.stream(weights.spliterator(), false)
                        .map(x -> x.get("name").asString()).toList());
        assertEquals("[2,9]", weights.get(2).get("shape").toString());
        Map<String, Object> instances = Map.of("instances", List.of(List.of(List.of(0.3), List.of(-0.2))));
        JsonNode before = http.post("/api/v1/models/" + model + "/predict", instances).json();

        // zero the output kernel (bias is zero already): predictions become exactly 0
        List<Map<String, Object>> upload = new java.util.ArrayList<>();
        for (JsonNode x : weights) {
            Object values = x.get("name").asString().equals("dense/kernel") ? List.of(List.of(0), List.of(0),
                    List.of(0)) : Http.JSON.convertValue(x.get("values"), Object.class);
            upload.add(Map.of("name", x.get("name").asString(), "values", values));
        }
        String zeroed = Http.JSON.writeValueAsString(Map.of("weights", upload));
        Http.Response put = http.put("/api/v1/models/" + model + "/weights", zeroed);
        assertEquals(200, put.status(), put.body());
        assertEquals(1, put.json().get("model_version").asInt());
        JsonNode after = http.post("/api/v1/models/" + model + "/predict", instances).json();
        assertEquals(0.0, after.get("predictions").get(0).get(0).asDouble());
        assertEquals(before.get("predictions"), http.post("/api/v1/models/" + model + "/predict?version=0",
                instances).json().get("predictions"));

        Http.Response wrongSize = http.put("/api/v1/models/" + model + "/weights",
                "{\"weights\": [{\"name\": \"gru/kernel\", \"values\": [1, 2]}]}");
        assertEquals(422, wrongSize.status(), wrongSize.body());
        assertEquals("weights[0].values", wrongSize.json().get("errors").get(0).get("field").asString());
    }
}
