package org.rnnservice.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.rnnservice.RequestBodies.layer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.rnnservice.Http;
import tools.jackson.databind.JsonNode;

/**
 * The text classifier of Keras' tutorials over HTTP: sentences of different lengths uploaded as they are and padded
 * as {@code pad_sequences} pads them, a model from Keras 3's {@code to_json()} with {@code Embedding(mask_zero=True)}
 * and {@code Bidirectional(LSTM)}, trained with validation data, ReduceLROnPlateau and ModelCheckpoint.
 */
class TextModelsApiTest extends ApiTestSupport {

    /**
     * Sentences of 3 to {@code 40} word ids (1-19): positive when they hold more words of the first group (ids 1-5)
     * than of the second (6-10). Returned as ragged lists, each as long as its sentence.
     */
    private static Map<String, Object> sentences(int n, long seed) {
        Random rng = new Random(seed);
        List<Object> x = new ArrayList<>();
        List<Object> y = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int words = 3 + rng.nextInt(38);
            List<Integer> ids;
            int score;
            do {
                ids = new ArrayList<>();
                score = 0;
                for (int t = 0; t < words; t++) {
                    int id = 1 + rng.nextInt(19);
                    ids.add(id);
                    score += id <= 5 ? 1 : id <= 10 ? -1 : 0;
                }
            } while (score == 0);
            x.add(ids);
            y.add(score > 0 ? 1 : 0);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("x", x);
        body.put("y", y);
        body.put("padding", "post");
        return body;
    }

    private static Map<String, Object> keras(String cls, Map<String, Object> config) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("module", "keras.layers");
        m.put("class_name", cls);
        m.put("config", config);
        m.put("registered_name", null);
        return m;
    }

    private static Map<String, Object> lstmConfig(String name, boolean backwards) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("name", name);
        c.put("trainable", true);
        c.put("dtype", "float32");
        c.put("return_sequences", false);
        c.put("return_state", false);
        c.put("go_backwards", backwards);
        c.put("stateful", false);
        c.put("unroll", false);
        c.put("units", 8);
        c.put("activation", "tanh");
        c.put("recurrent_activation", "sigmoid");
        c.put("use_bias", true);
        c.put("unit_forget_bias", true);
        c.put("dropout", 0.0);
        c.put("recurrent_dropout", 0.0);
        c.put("seed", null);
        return c;
    }

    /** {@code Sequential([Input((None,)), Embedding(20, 8, mask_zero=True), Bidirectional(LSTM(8)), Dense(1, "sigmoid")])}. */
    private static Map<String, Object> kerasSentimentModel() {
        Map<String, Object> embedding = new LinkedHashMap<>(Map.of("name", "embedding", "input_dim", 20,
                "output_dim", 8, "mask_zero", true, "dtype", "float32"));
        Map<String, Object> bidirectional = new LinkedHashMap<>();
        bidirectional.put("name", "bidirectional");
        bidirectional.put("merge_mode", "concat");
        bidirectional.put("layer", keras("LSTM", lstmConfig("forward_lstm", false)));
        bidirectional.put("backward_layer", keras("LSTM", lstmConfig("backward_lstm", true)));
        List<Object> layers = List.of(
                keras("InputLayer", Map.of("batch_shape", java.util.Arrays.asList(null, null), "dtype", "float32",
                        "name", "input_layer")),
                keras("Embedding", embedding),
                keras("Bidirectional", bidirectional),
                keras("Dense", Map.of("name", "dense", "units", 1, "activation", "sigmoid")));
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("module", "keras");
        doc.put("class_name", "Sequential");
        doc.put("config", Map.of("name", "sentiment", "layers", layers));
        doc.put("compile_config", Map.of("optimizer", Map.of("module", "keras.optimizers", "class_name", "Adam",
                "config", Map.of("learning_rate", 0.01)), "loss", "binary_crossentropy", "metrics",
                List.of("accuracy")));
        doc.put("seed", 3);
        return doc;
    }

    @Test
    void raggedSentencesArePaddedAsPadSequencesPadsThem() {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("x", List.of(List.of(5, 6, 7), List.of(8), List.of(1, 2, 3, 4, 9)));
        body.put("y", List.of(1, 0, 1));
        body.put("maxlen", 4);
        Http.Response r = http.post("/api/v1/datasets", body);
        assertEquals(201, r.status(), r.body());
        assertEquals("[3,4,1]", r.json().get("x_shape").toString());
        assertEquals("pre", r.json().get("padding").get("padding").asString());
        assertEquals(4, r.json().get("padding").get("maxlen").asInt());
        // Keras' defaults pad and cut at the start; SequencePaddingTest checks the values
        Http.Response bad = http.post("/api/v1/datasets", Map.of("x", List.of(List.of(1), List.of(2, 3)),
                "y", List.of(0, 1), "padding", "middle"));
        assertEquals(400, bad.status(), bad.body());
        assertTrue(bad.body().contains("\"padding\""), bad.body());
        Http.Response weights = http.post("/api/v1/datasets", Map.of("x", List.of(List.of(1), List.of(2, 3)),
                "y", List.of(0, 1), "sample_weight", List.of(1.0, -2.0)));
        assertEquals(400, weights.status(), weights.body());
        assertTrue(weights.body().contains("sample_weight"), weights.body());
    }

    @Test
    void aMaskedBidirectionalModelFromKerasJsonLearnsPaddedSentences() throws Exception {
        String train = createDataset(sentences(600, 5));
        String validation = createDataset(sentences(200, 6));
        Http.Response created = http.post("/api/v1/models", kerasSentimentModel());
        assertEquals(201, created.status(), created.body());
        JsonNode summary = created.json().get("summary");
        // Keras: embedding 20*8, two LSTM(8) on 8 features 4*8*(8+8+1) each, dense 16+1
        assertEquals(160 + 2 * 544 + 17, summary.get("total_params").asInt(), summary.toString());
        String text = http.get("/api/v1/models/" + created.json().get("id").asString() + "/summary",
                "text/plain").body();
        // Keras wraps a name and type wider than the column: "bidirectional (Bidirectiona" then " l)"
        assertTrue(text.contains(" bidirectional (Bidirectiona  (None, 16)               1088"), text);
        String model = created.json().get("id").asString();

        Map<String, Object> job = new LinkedHashMap<>();
        job.put("model_id", model);
        job.put("dataset_id", train);
        job.put("validation_data", validation);
        job.put("epochs", 8);
        job.put("batch_size", 32);
        job.put("seed", 7);
        // min_delta 1.0: no epoch improves that much, so the rate halves after every epoch but the first
        job.put("callbacks", List.of(
                Map.of("type", "ReduceLROnPlateau", "monitor", "val_loss", "factor", 0.5, "patience", 1,
                        "min_delta", 1.0),
                Map.of("type", "ModelCheckpoint", "monitor", "val_loss", "save_best_only", true)));
        Http.Response accepted = http.post("/api/v1/jobs", job);
        assertEquals(202, accepted.status(), accepted.body());
        JsonNode done = http.awaitJob(accepted.json().get("id").asString(), Duration.ofSeconds(120));
        assertEquals("SUCCEEDED", done.get("state").asString(), done.toString());

        JsonNode history = done.get("history");
        List<Double> rates = new ArrayList<>();
        history.get("learning_rate").forEach(v -> rates.add(v.asDouble()));
        assertEquals(8, rates.size(), history.toString());
        // logged before the callback acts, as Keras logs it: the first epoch sets the best, the second changes
        // nothing by min_delta, so from the third on each epoch runs at half the rate of the one before
        assertEquals((float) 0.01, rates.get(0), 1e-12);
        assertEquals(rates.get(0), rates.get(1));
        for (int e = 2; e < rates.size(); e++) {
            assertEquals(rates.get(e - 1) / 2, rates.get(e), rates.get(e) * 1e-6, "epoch " + (e + 1) + ": " + rates);
        }
        List<Double> valLoss = new ArrayList<>();
        history.get("val_loss").forEach(v -> valLoss.add(v.asDouble()));
        int best = 0;
        for (int e = 1; e < valLoss.size(); e++) {
            best = valLoss.get(e) < valLoss.get(best) ? e : best;
        }
        assertEquals(best + 1, done.get("best_epoch").asInt(), done.toString());
        assertTrue(history.get("val_accuracy").get(best).asDouble() > 0.95, history.toString());

        // the published version holds the best epoch's weights: evaluating it gives that epoch's val_loss
        Http.Response evaluated = http.post("/api/v1/models/" + model + "/evaluate",
                Map.of("dataset_id", validation, "batch_size", 32));
        assertEquals(200, evaluated.status(), evaluated.body());
        assertEquals(valLoss.get(best), evaluated.json().get("loss").asDouble(), 1e-6);

        // masking: a sentence predicts the same whether it comes as it is or padded with zeros after it
        Http.Response predicted = http.post("/api/v1/models/" + model + "/predict", Map.of("instances",
                List.of(List.of(1, 2, 11, 3), List.of(1, 2, 11, 3, 0, 0, 0, 0, 0, 0), List.of(6, 7, 12))));
        assertEquals(200, predicted.status(), predicted.body());
        JsonNode p = predicted.json().get("predictions");
        assertEquals(p.get(0).get(0).asDouble(), p.get(1).get(0).asDouble(), 1e-6);
        assertTrue(p.get(0).get(0).asDouble() > 0.5 && p.get(2).get(0).asDouble() < 0.5, p.toString());
    }

    private void assertRefused(int status, String field, Http.Response r) {
        assertEquals(status, r.status(), r.body());
        assertTrue(r.contentType().startsWith("application/problem+json"), r.contentType());
        assertTrue(r.json().toString().contains("\"field\":\"" + field + "\""), r.body());
    }

    @Test
    void refusalsNameTheField() {
        String before = http.get("/api/v1/models").body();
        assertRefused(400, "layers[0].layer", http.post("/api/v1/models", model(shape(null, 2), List.of(
                layer("Bidirectional", "layer", layer("Dense", "units", 3)), layer("Dense", "units", 1)), "mse")));
        assertRefused(400, "layers[1].type", http.post("/api/v1/models", model(shape(null, 2), List.of(
                layer("Masking"), layer("Embedding", "input_dim", 5, "output_dim", 2), layer("Dense", "units", 1)),
                "mse")));
        assertRefused(422, "layers[0].merge_mode", http.post("/api/v1/models", model(shape(null, 2), List.of(
                layer("Bidirectional", "layer", layer("LSTM", "units", 3), "merge_mode", null),
                layer("Dense", "units", 1)), "mse")));
        Map<String, Object> schedule = model(shape(null, 1), List.of(layer("LSTM", "units", 2),
                layer("Dense", "units", 1)), "mse");
        schedule.put("compile", Map.of("loss", "mse", "optimizer", Map.of("type", "adam", "learning_rate",
                Map.of("class_name", "ExponentialDecay", "config", Map.of("initial_learning_rate", -0.1,
                        "decay_steps", 10, "decay_rate", 0.9)))));
        Http.Response negativeRate = http.post("/api/v1/models", schedule);
        assertEquals(400, negativeRate.status(), negativeRate.body());
        assertTrue(negativeRate.body().contains("learning_rate"), negativeRate.body());
        assertEquals(before.length(), http.get("/api/v1/models").body().length(), "nothing stored");

        String model = createModel(model(shape((Object) null), List.of(layer("Embedding", "input_dim", 20,
                "output_dim", 4, "mask_zero", true), layer("LSTM", "units", 4),
                layer("Dense", "units", 1, "activation", "sigmoid")), "binary_crossentropy"));
        String data = createDataset(sentences(40, 9));
        Map<String, Object> job = new LinkedHashMap<>(Map.of("model_id", model, "dataset_id", data,
                "class_weight", Map.of("0", 1.0, "1", -3.0)));
        assertRefused(400, "class_weight", http.post("/api/v1/jobs", job));
        job.remove("class_weight");
        job.put("callbacks", List.of(Map.of("type", "ReduceLROnPlateau", "factor", 2.0)));
        assertRefused(400, "callbacks[0]", http.post("/api/v1/jobs", job));
        job.put("callbacks", List.of(Map.of("type", "ModelCheckpoint", "filepath", "/tmp/best.keras")));
        assertRefused(400, "callbacks[0].filepath", http.post("/api/v1/jobs", job));
        job.put("callbacks", List.of(Map.of("type", "TensorBoard")));
        assertRefused(400, "callbacks[0].type", http.post("/api/v1/jobs", job));
        job.put("callbacks", List.of(Map.of("type", "EarlyStopping", "patience", 2, "patient", 3)));
        assertRefused(400, "callbacks[0].patient", http.post("/api/v1/jobs", job));

        // an id beyond the Embedding's vocabulary: 422 naming the sample, the position and the vocabulary size
        String wide = createDataset(Map.of("x", List.of(List.of(1, 2, 3), List.of(4, 25)), "y", List.of(0, 1)));
        Http.Response outside = http.post("/api/v1/jobs", Map.of("model_id", model, "dataset_id", wide));
        assertEquals(422, outside.status(), outside.body());
        assertTrue(outside.body().contains("x[1][2] is token id 25.0, outside the Embedding's vocabulary of 20"),
                outside.body());
    }

    @Test
    void aNextWordModelTrainsOnATextCutIntoWordsAndWritesWords() throws Exception {
        String text = "the cat sat on the mat. the dog sat on the log. ".repeat(30);
        Http.Response ds = http.post("/api/v1/datasets?split=words&seq_len=4&step=1&oov_token=%3COOV%3E",
                "text/plain", text);
        assertEquals(201, ds.status(), ds.body());
        // ids by count: the (12 a sentence pair), sat, on, then cat, mat, dog, log in order of appearance
        assertEquals("[\"\",\"<OOV>\",\"the\",\"sat\",\"on\",\"cat\",\"mat\",\"dog\",\"log\"]",
                ds.json().get("vocab").toString());
        assertEquals(9, ds.json().get("x_shape").get(2).asInt());
        String model = createModel(model(shape(4), List.of(layer("Embedding", "input_dim", 9, "output_dim", 8),
                layer("LSTM", "units", 32), layer("Dense", "units", 9, "activation", "softmax")),
                "sparse_categorical_crossentropy"));
        Http.Response job = http.post("/api/v1/jobs", Map.of("model_id", model, "dataset_id",
                ds.json().get("id").asString(), "epochs", 40, "batch_size", 16, "seed", 1));
        assertEquals(202, job.status(), job.body());
        JsonNode done = http.awaitJob(job.json().get("id").asString(), Duration.ofSeconds(120));
        assertEquals("SUCCEEDED", done.get("state").asString(), done.toString());
        Http.Response generated = http.post("/api/v1/models/" + model + "/generate", Map.of("prompt",
                "The cat sat on", "length", 2, "temperature", 0));
        assertEquals(200, generated.status(), generated.body());
        assertEquals(" the mat", generated.json().get("generated").asString(), generated.body());
        // a word the text never had becomes <OOV>, as texts_to_sequences maps it
        Http.Response unknown = http.post("/api/v1/models/" + model + "/predict", Map.of("instances",
                List.of("the zebra sat on")));
        assertEquals(200, unknown.status(), unknown.body());
    }
}
