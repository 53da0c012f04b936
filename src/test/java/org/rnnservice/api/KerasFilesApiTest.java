package org.rnnservice.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jhdf.HdfFile;
import io.jhdf.api.Group;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.rnnservice.Http;
import tools.jackson.databind.JsonNode;

/**
 * Keras model files in and out over HTTP: files Keras 3.15.1 wrote ({@code src/test/resources/keras/real}, with
 * Keras' own predictions) and tf.keras 2 legacy HDF5 files ({@code src/test/resources/keras/files/make_fixtures.py},
 * predictions from a NumPy forward pass independent of the engine), both formats exported and read back.
 */
class KerasFilesApiTest extends ApiTestSupport {

    private static final JsonNode EXPECTED = Http.JSON.readTree(resource("expected.json"));

    private static byte[] resource(String name) {
        try (InputStream in = KerasFilesApiTest.class.getResourceAsStream("/keras/files/" + name)) {
            if (in == null) {
                throw new IllegalStateException("missing fixture " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static Stream<Arguments> fixtures() {
        List<Arguments> out = new ArrayList<>();
        for (String model : List.of("simple_rnn", "lstm", "gru", "gru_v1", "stack", "text")) {
            out.add(Arguments.of("keras2_" + model + ".h5", model));
        }
        return out.stream();
    }

    private Http.Response importFile(byte[] content) {
        return http.post("/api/v1/models/import", "application/octet-stream", content);
    }

    private static final java.util.concurrent.atomic.AtomicInteger IMPORTS = new java.util.concurrent.atomic.AtomicInteger();

    /** A file Keras wrote, imported under a fresh name: the fixtures keep the names Keras gave their models. */
    private Http.Response importReal(String file) {
        return http.post("/api/v1/models/import?name=" + file.replace('.', '-') + "-" + IMPORTS.incrementAndGet(),
                "application/octet-stream", real(file));
    }

    private String imported(byte[] content) {
        Http.Response r = importFile(content);
        assertEquals(201, r.status(), r.body());
        return r.json().get("id").asString();
    }

    private JsonNode predict(String id, JsonNode instances, Integer version) {
        Http.Response r = http.post("/api/v1/models/" + id + "/predict" + (version == null ? "" : "?version=" + version),
                Map.of("instances", instances));
        assertEquals(200, r.status(), r.body());
        return r.json().get("predictions");
    }

    private static void assertClose(JsonNode expected, JsonNode actual, String where) {
        if (expected.isArray()) {
            assertEquals(expected.size(), actual.size(), where + " length");
            for (int i = 0; i < expected.size(); i++) {
                assertClose(expected.get(i), actual.get(i), where + "[" + i + "]");
            }
            return;
        }
        double e = expected.asDouble();
        double a = actual.asDouble();
        assertTrue(Math.abs(e - a) <= 1e-4 * Math.abs(e) + 1e-6, where + ": expected " + e + ", got " + a);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtures")
    void importsEachLayoutAndPredictsAsTheReference(String file, String model) {
        Http.Response r = importFile(resource(file));
        assertEquals(201, r.status(), r.body());
        assertTrue(r.header("Location").endsWith(r.json().get("id").asString()));
        JsonNode expected = EXPECTED.get(model);
        assertEquals(expected.get("params").asInt(), r.json().get("summary").get("total_params").asInt());
        JsonNode predictions = predict(r.json().get("id").asString(), expected.get("instances"), null);
        assertClose(expected.get("predictions"), predictions, file);
    }

    /** The inputs Keras predicted on for a real fixture, and its predictions. */
    private static JsonNode realCase(String model) {
        return Http.JSON.readTree(real("expected.json")).get("models").get(model);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"text.keras", "text.h5", "masked_sequences.keras", "functional_chain.h5"})
    void importsFilesKerasWroteAndPredictsAsKeras(String file) {
        Http.Response r = importReal(file);
        assertEquals(201, r.status(), r.body());
        JsonNode expected = realCase(file.substring(0, file.indexOf('.')));
        assertEquals(expected.get("params").asInt(), r.json().get("summary").get("total_params").asInt());
        for (int b = 0; b < expected.get("x").size(); b++) {
            assertClose(expected.get("y").get(b), predict(r.json().get("id").asString(), expected.get("x").get(b),
                    null), file);
        }
    }

    @Test
    void compileSettingsComeFromTheFile() {
        // tf.keras 2.15 writes Custom>Adam in training_config
        JsonNode keras2 = importFile(resource("keras2_lstm.h5")).json().get("definition").get("compile");
        assertEquals("adam", keras2.get("optimizer").get("type").asString());
        assertEquals(0.002, keras2.get("optimizer").get("learning_rate").asDouble(), 1e-12);
        assertEquals("categorical_crossentropy", keras2.get("loss").asString());
        assertEquals("[\"accuracy\"]", keras2.get("metrics").toString());
        // Keras 3 writes compile_config (and training_config in .h5): compile(RMSprop(0.01), "mae", ["mae"])
        for (String file : List.of("lstm_stack.keras", "lstm_stack.h5")) {
            JsonNode compile = importReal(file).json().get("definition").get("compile");
            assertEquals("rmsprop", compile.get("optimizer").get("type").asString(), file);
            assertEquals(0.01, compile.get("optimizer").get("learning_rate").asDouble(), 1e-8, file);
            assertEquals("mean_absolute_error", compile.get("loss").asString(), file);
            assertEquals("[\"mae\"]", compile.get("metrics").toString(), file);
        }
        JsonNode gru = importFile(resource("keras2_gru_v1.h5")).json().get("definition");
        assertEquals("sgd", gru.get("compile").get("optimizer").get("type").asString());
        assertEquals("mean_absolute_error", gru.get("compile").get("loss").asString());
        assertEquals(false, gru.get("layers").get(0).get("reset_after").asBoolean());
    }

    @Test
    void multipartUploadTakesTheFilePartAndAName() {
        String boundary = "----rnn" + System.nanoTime();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        byte[] file = real("gru.keras");
        body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"m.keras\"\r\n"
                + "Content-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        body.writeBytes(file);
        body.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        Http.Response r = http.post("/api/v1/models/import?name=uploaded-gru", "multipart/form-data; boundary="
                + boundary, body.toByteArray());
        assertEquals(201, r.status(), r.body());
        assertEquals("uploaded-gru", r.json().get("name").asString());
        assertClose(realCase("gru").get("y").get(1),
                predict(r.json().get("id").asString(), realCase("gru").get("x").get(1), null), "upload");
    }

    @ParameterizedTest
    @ValueSource(strings = {"keras", "h5"})
    void importExportImportGivesTheSamePredictionsToTheBit(String format) {
        for (String model : List.of("stack", "lstm", "gru_v1", "text")) {
            String first = imported(resource("keras2_" + model + ".h5"));
            Http.BytesResponse export = http.getBytes("/api/v1/models/" + first + "/export?format=" + format);
            assertEquals(200, export.status());
            String name = importFile(resource("keras2_" + model + ".h5")).json().get("name").asString();
            assertTrue(export.header("Content-Disposition").startsWith("attachment; filename=\""),
                    export.header("Content-Disposition"));
            assertTrue(export.header("Content-Disposition").endsWith("." + format + "\""));
            String second = imported(export.body());
            JsonNode instances = EXPECTED.get(model).get("instances");
            assertEquals(predict(first, instances, null).toString(), predict(second, instances, null).toString(),
                    model + " through ." + format + " (" + name + ")");
        }
    }

    /** Every member of a zip, read into memory. */
    private static Map<String, byte[]> unzip(byte[] zip) throws IOException {
        Map<String, byte[]> out = new HashMap<>();
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip))) {
            for (ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
                out.put(e.getName(), in.readAllBytes());
            }
        }
        return out;
    }

    private static float[] flat(Object data) {
        if (data instanceof float[] f) {
            return f;
        }
        float[][] rows = (float[][]) data;
        float[] out = new float[rows.length * rows[0].length];
        for (int r = 0; r < rows.length; r++) {
            System.arraycopy(rows[r], 0, out, r * rows[0].length, rows[0].length);
        }
        return out;
    }

    private static float[] values(JsonNode weight) {
        List<Float> values = new ArrayList<>();
        collect(weight.get("values"), values);
        float[] out = new float[values.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = values.get(i);
        }
        return out;
    }

    private static void collect(JsonNode node, List<Float> out) {
        if (node.isArray()) {
            node.forEach(n -> collect(n, out));
        } else {
            out.add(node.floatValue());
        }
    }

    @Test
    void aTrainedModelExportsWithEveryWeightWhereKerasExpectsIt() throws Exception {
        String id = createModel(model(shape(null, 1), List.of(
                org.rnnservice.RequestBodies.layer("LSTM", "units", 4, "return_sequences", true),
                org.rnnservice.RequestBodies.layer("GRU", "units", 3),
                org.rnnservice.RequestBodies.layer("Dropout", "rate", 0.1),
                org.rnnservice.RequestBodies.layer("Dense", "units", 1)), "mse"));
        String job = submit(id, createSineData(40, 5), 2, 8);
        assertEquals("SUCCEEDED", http.awaitJob(job, Duration.ofMinutes(2)).get("state").asString());
        JsonNode weights = http.get("/api/v1/models/" + id + "/weights").json().get("weights");

        Map<String, byte[]> archive = unzip(http.getBytes("/api/v1/models/" + id + "/export").body());
        assertEquals(java.util.Set.of("metadata.json", "config.json", "model.weights.h5"), archive.keySet());
        JsonNode config = Http.JSON.readTree(archive.get("config.json"));
        assertEquals("Sequential", config.get("class_name").asString());
        assertEquals("[\"InputLayer\",\"LSTM\",\"GRU\",\"Dropout\",\"Dense\"]", classNames(config.get("config")
                .get("layers")));
        assertEquals("Orthogonal", config.get("config").get("layers").get(1).get("config")
                .get("recurrent_initializer").get("class_name").asString());
        assertTrue(Http.JSON.readTree(archive.get("metadata.json")).get("keras_version").asString().startsWith("3."));
        try (HdfFile h5 = HdfFile.fromBytes(archive.get("model.weights.h5"))) {
            String[] paths = {"layers/lstm/cell/vars/0", "layers/lstm/cell/vars/1", "layers/lstm/cell/vars/2",
                    "layers/gru/cell/vars/0", "layers/gru/cell/vars/1", "layers/gru/cell/vars/2",
                    "layers/dense/vars/0", "layers/dense/vars/1"};
            for (int i = 0; i < paths.length; i++) {
                assertArrayEquals(values(weights.get(i)), flat(h5.getDatasetByPath(paths[i]).getData()), paths[i]);
            }
            assertTrue(((Group) h5.getByPath("vars")).getChildren().isEmpty(), "the model's own vars, empty");
        }

        String name = http.get("/api/v1/models/" + id).json().get("name").asString();
        try (HdfFile h5 = HdfFile.fromBytes(http.getBytes("/api/v1/models/" + id + "/export?format=h5").body())) {
            Group modelWeights = (Group) h5.getByPath("model_weights");
            assertArrayEquals(new String[] {"lstm", "gru", "dense"},
                    (String[]) modelWeights.getAttribute("layer_names").getData());
            // Keras 3 names a weight by its variable path below the model
            assertArrayEquals(new String[] {name + "/lstm/lstm_cell/kernel", name + "/lstm/lstm_cell/recurrent_kernel",
                    name + "/lstm/lstm_cell/bias"}, (String[]) h5.getByPath("model_weights/lstm")
                    .getAttribute("weight_names").getData());
            assertArrayEquals(values(weights.get(4)), flat(h5.getDatasetByPath(
                    "model_weights/gru/" + name + "/gru/gru_cell/recurrent_kernel").getData()));
            JsonNode modelConfig = Http.JSON.readTree((String) h5.getAttribute("model_config").getData());
            assertEquals("[\"InputLayer\",\"LSTM\",\"GRU\",\"Dropout\",\"Dense\"]",
                    classNames(modelConfig.get("config").get("layers")));
            assertEquals("Adam", Http.JSON.readTree((String) h5.getAttribute("training_config").getData())
                    .get("optimizer_config").get("class_name").asString());
        }
    }

    /** Every text-model layer and setting goes out to both formats and comes back predicting the same, bit for bit. */
    @ParameterizedTest
    @ValueSource(strings = {"keras", "h5"})
    void textLayersRoundTripThroughBothFormats(String format) throws Exception {
        String id = createModel(model(shape(null, 2), List.of(
                org.rnnservice.RequestBodies.layer("Masking", "mask_value", 0.0),
                org.rnnservice.RequestBodies.layer("Bidirectional", "layer", org.rnnservice.RequestBodies.layer(
                        "GRU", "units", 3, "return_sequences", true, "recurrent_dropout", 0.2), "merge_mode", "mul"),
                org.rnnservice.RequestBodies.layer("LSTM", "units", 4, "return_sequences", true,
                        "go_backwards", true),
                org.rnnservice.RequestBodies.layer("TimeDistributed", "layer",
                        org.rnnservice.RequestBodies.layer("Dense", "units", 2))), "mse"));
        byte[] file = http.getBytes("/api/v1/models/" + id + "/export?format=" + format).body();
        if (format.equals("keras")) {
            try (HdfFile h5 = HdfFile.fromBytes(unzip(file).get("model.weights.h5"))) {
                for (String path : List.of("layers/bidirectional/forward_layer/cell/vars/2",
                        "layers/bidirectional/backward_layer/cell/vars/0", "layers/lstm/cell/vars/1",
                        "layers/time_distributed/layer/vars/1")) {
                    assertTrue(h5.getDatasetByPath(path) != null, path);
                }
            }
        } else {
            String name = http.get("/api/v1/models/" + id).json().get("name").asString() + "/bidirectional/";
            try (HdfFile h5 = HdfFile.fromBytes(file)) {
                assertArrayEquals(new String[] {name + "forward_gru/gru_cell/kernel",
                        name + "forward_gru/gru_cell/recurrent_kernel", name + "forward_gru/gru_cell/bias",
                        name + "backward_gru/gru_cell/kernel", name + "backward_gru/gru_cell/recurrent_kernel",
                        name + "backward_gru/gru_cell/bias"}, (String[]) h5.getByPath(
                        "model_weights/bidirectional").getAttribute("weight_names").getData());
            }
        }
        String back = imported(file);
        JsonNode definition = http.get("/api/v1/models/" + back).json().get("definition");
        assertEquals(0.2, definition.get("layers").get(1).get("layer").get("recurrent_dropout").asDouble());
        assertEquals(true, definition.get("layers").get(2).get("go_backwards").asBoolean());
        JsonNode instances = Http.JSON.readTree("[[[0.5, -1], [0, 0], [0.25, 0.75]], [[0, 0], [1, 2]]]");
        assertEquals(predict(id, instances, null).toString(), predict(back, instances, null).toString());
    }

    private static String classNames(JsonNode layers) {
        List<String> names = new ArrayList<>();
        layers.forEach(l -> names.add(l.get("class_name").asString()));
        return Http.JSON.writeValueAsString(names);
    }

    @Test
    void anImportedModelFineTunesAndItsNewVersionExports() throws InterruptedException {
        String id = importReal("simple_rnn.keras").json().get("id").asString(); // compiled: adam, mse
        List<Object> x = new ArrayList<>();
        List<Object> y = new ArrayList<>();
        for (int i = 0; i < 32; i++) {
            x.add(List.of(List.of(Math.sin(i)), List.of(Math.sin(i + 1))));
            y.add(Math.sin(i + 2));
        }
        String job = submit(id, createDataset(Map.of("name", "sine-pairs", "x", x, "y", y)), 2, 8);
        assertEquals("SUCCEEDED", http.awaitJob(job, Duration.ofMinutes(2)).get("state").asString());
        JsonNode instances = realCase("simple_rnn").get("x").get(2);
        JsonNode tuned = predict(id, instances, 1);
        JsonNode before = predict(id, instances, 0);
        assertTrue(!tuned.toString().equals(before.toString()), "training changed the weights");
        Http.Response back = http.post("/api/v1/models/import?name=tuned-back", "application/octet-stream",
                http.getBytes("/api/v1/models/" + id + "/export?format=keras&version=1").body());
        assertEquals(201, back.status(), back.body());
        assertEquals(tuned.toString(), predict(back.json().get("id").asString(), instances, null).toString());
    }

    @Test
    void tokenIdsAreTakenAsKerasTakesThemByAnImportedEmbeddingModel() throws InterruptedException {
        // Embedding(30, mask_zero) -> Bidirectional(LSTM) -> Dense(1, sigmoid)
        String id = importReal("text.keras").json().get("id").asString();
        List<Object> x = new ArrayList<>();
        List<Object> y = new ArrayList<>();
        for (int i = 0; i < 24; i++) {
            x.add(List.of(i % 10, (i + 3) % 10, (i * 7) % 10, 1, 2)); // [samples][timesteps] token ids
            y.add(i % 2);
        }
        String data = createDataset(Map.of("name", "tokens", "x", x, "y", y));
        assertEquals("[24,5,1]", http.get("/api/v1/datasets/" + data).json().get("x_shape").toString());
        Http.Response evaluated = http.post("/api/v1/models/" + id + "/evaluate", Map.of("dataset_id", data));
        assertEquals(200, evaluated.status(), evaluated.body());
        assertTrue(evaluated.json().has("loss") && evaluated.json().has("accuracy"), evaluated.body());
        String job = submit(id, data, 1, 8);
        assertEquals("SUCCEEDED", http.awaitJob(job, Duration.ofMinutes(2)).get("state").asString());
    }

    @Test
    void theConfigDocumentClosesTheJsonRoundTrip() {
        String id = imported(resource("keras2_stack.h5"));
        Http.Response config = http.get("/api/v1/models/" + id + "/config");
        assertEquals(200, config.status());
        assertEquals("keras", config.json().get("module").asString());
        assertEquals("sequential", config.json().get("config").get("name").asString().replaceAll("_\\d+$", ""));
        Http.Response created = http.post("/api/v1/models", config.body());
        assertEquals(201, created.status(), created.body());
        assertEquals(http.get("/api/v1/models/" + id + "/summary", "text/plain").body()
                        .replaceAll("sequential(_\\d+)?", "M"),
                http.get("/api/v1/models/" + created.json().get("id").asString() + "/summary", "text/plain").body()
                        .replaceAll("sequential(_\\d+)?", "M"));
        assertEquals(config.json().get("compile_config").toString(), http.get("/api/v1/models/"
                + created.json().get("id").asString() + "/config").json().get("compile_config").toString());
    }

    static Stream<Arguments> refusedFiles() {
        byte[] zip = real("lstm_stack.keras");
        byte[] h5 = resource("keras2_lstm.h5");
        return Stream.of(
                Arguments.of("a custom layer", real("custom_layer.keras"), 422, "'AttentionLayer' is a custom layer"),
                Arguments.of("a Functional model that branches", real("functional_branches.h5"), 422,
                        "layer 'inputs' feeds 2 layers"),
                Arguments.of("a truncated .keras", java.util.Arrays.copyOf(zip, zip.length / 2), 400, "truncated"),
                Arguments.of("a truncated .h5", java.util.Arrays.copyOf(h5, h5.length / 3), 400, "HDF5"),
                Arguments.of("an HDF5 file that is not a model", resource("bad_not_keras.h5"), 400, "model_config"),
                Arguments.of("weights of the wrong shape", resource("bad_shape.h5"), 400, "(3, 16)"),
                Arguments.of("a weight claiming 10^10 values", resource("bad_huge.h5"), 400, "exceed"),
                Arguments.of("a member leaving the archive", resource("bad_traversal.keras"), 400, "../../evil.sh"),
                Arguments.of("plain text", "hello".getBytes(StandardCharsets.UTF_8), 400, "not a Keras model file"),
                Arguments.of("nothing", new byte[0], 400, "empty"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refusedFiles")
    void refusedFilesGetAClearProblemAndStoreNothing(String label, byte[] content, int status, String detail) {
        int before = http.get("/api/v1/models?size=1").json().get("total").asInt();
        Http.Response r = importFile(content);
        assertEquals(status, r.status(), r.body());
        assertEquals("application/problem+json", r.contentType());
        assertTrue(r.json().get("detail").asString().contains(detail), r.json().get("detail").asString());
        assertEquals(before, http.get("/api/v1/models?size=1").json().get("total").asInt(), "nothing stored");
    }

    @Test
    void aShapeMismatchNamesTheLayerAndBothShapes() {
        String detail = importFile(resource("bad_shape.h5")).json().get("detail").asString();
        assertTrue(detail.contains("layer 'lstm'") && detail.contains("(3, 16)") && detail.contains("(3, 20)"), detail);
    }

    private static byte[] real(String name) {
        try (InputStream in = KerasFilesApiTest.class.getResourceAsStream("/keras/real/" + name)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void aLengthFixedInTheFileBindsNeitherPredictionNorTrainingAsInKeras() throws InterruptedException {
        // keras.Input((12, 3)) -> LSTM(4) -> Dense(1)
        String id = importReal("fixed_length.keras").json().get("id").asString();
        assertEquals("[12,3]", http.get("/api/v1/models/" + id).json().get("definition").get("input_shape")
                .toString());
        JsonNode five = Http.JSON.readTree("[[[0.1, 0.2, 0.3], [0.0, 0.1, 0.2], [0.3, 0.2, 0.1], [0.5, 0.5, 0.5],"
                + " [0.1, 0.1, 0.1]]]");
        assertEquals(1, predict(id, five, null).size());
        assertEquals(200, http.put("/api/v1/models/" + id + "/compile", "{\"optimizer\": \"adam\", \"loss\":"
                + " \"mse\"}").status());
        List<Object> x = new ArrayList<>();
        List<Object> y = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            x.add(List.of(List.of(i * 0.1, 0.2, 0.3), List.of(0.1, i * 0.1, 0.2), List.of(0.3, 0.2, i * 0.1)));
            y.add(i * 0.1);
        }
        String data = createDataset(Map.of("x", x, "y", y));
        String job = submit(id, data, 2, 4);
        assertEquals("SUCCEEDED", http.awaitJob(job, Duration.ofMinutes(1)).get("state").asString());
    }

    @Test
    void aModelExportsAsOnnxNamedAfterIt() throws Exception {
        String id = importReal("masked_sequences.keras").json().get("id").asString();
        String name = http.get("/api/v1/models/" + id).json().get("name").asString();
        Http.BytesResponse onnx = http.getBytes("/api/v1/models/" + id + "/export?format=onnx");
        assertEquals(200, onnx.status());
        assertTrue(onnx.header("Content-Disposition").contains("filename=\"" + name + ".onnx\""),
                onnx.header("Content-Disposition"));
        ai.onnx.proto.OnnxMl.ModelProto model = ai.onnx.proto.OnnxMl.ModelProto.parseFrom(onnx.body());
        assertEquals(17, model.getOpsetImport(0).getVersion());
        assertEquals("input_layer", model.getGraph().getInput(0).getName());
        assertEquals("time_distributed", model.getGraph().getOutput(0).getName());
        assertEquals(200, http.getBytes("/api/v1/models/" + id + "/export?format=onnx&version=0").status());
    }

    @Test
    void aMalformedFormIsRefusedAs400NotAnError() {
        Http.Response r = http.post("/api/v1/models/import", "multipart/form-data", "{\"file\": \"m.keras\"}");
        assertEquals(400, r.status(), r.body());
        assertTrue(r.json().get("detail").asString().contains("form part named file"), r.body());
    }
}
