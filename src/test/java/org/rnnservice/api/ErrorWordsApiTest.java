package org.rnnservice.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.rnnservice.Http;
import tools.jackson.databind.JsonNode;

/**
 * Every refusal speaks the API's words: the field's JSON path as the API spells it, the value as sent, what is
 * expected, the nearest known name for a likely typo, line and column for broken JSON, and no Java or Jackson name.
 */
class ErrorWordsApiTest extends ApiTestSupport {

    private static final Pattern JAVA_WORDS = Pattern.compile(
            "java\\.|tools\\.jackson|com\\.fasterxml|JsonReadFeature|VALUE_[A-Z]+|START_[A-Z]+|Cannot deserialize"
                    + "|\\$[A-Z]|org\\.rnnservice|Exception");

    private static final String MODEL = "\"input_shape\": [null, 1], \"layers\": [{\"type\": \"SimpleRNN\", \"units\":"
            + " 4}, {\"type\": \"Dense\", \"units\": 1}]";

    static Stream<Arguments> refusals() {
        return Stream.of(
                Arguments.of("a misspelled top-level field", "/api/v1/models",
                        "{" + MODEL + ", \"complie\": {\"optimizer\": \"sgd\", \"loss\": \"mae\"}}",
                        "complie", "did you mean 'compile'"),
                Arguments.of("a misspelled compile field", "/api/v1/models",
                        "{" + MODEL + ", \"compile\": {\"optimiser\": \"sgd\", \"loss\": \"mae\"}}",
                        "compile.optimiser", "did you mean 'compile.optimizer'"),
                Arguments.of("a misspelled layer argument", "/api/v1/models",
                        "{\"input_shape\": [null, 1], \"layers\": [{\"type\": \"LSTM\", \"unit\": 4}]}",
                        "layers[0].unit", "did you mean 'units'"),
                Arguments.of("a number sent as a string", "/api/v1/models",
                        "{\"input_shape\": [null, 1], \"layers\": [{\"type\": \"LSTM\", \"units\": \"10\"}]}",
                        "layers[0].units", "got \"10\" (a string)"),
                Arguments.of("a camelCase field of a job", "/api/v1/jobs",
                        "{\"modelId\": \"m\", \"dataset_id\": \"d\"}", "modelId", "did you mean 'model_id'"),
                Arguments.of("a word where a number goes", "/api/v1/jobs",
                        "{\"model_id\": \"m\", \"dataset_id\": \"d\", \"batch_size\": \"ten\"}", "batch_size",
                        "must be a whole number, got \"ten\""),
                Arguments.of("a nested field of the wrong type", "/api/v1/jobs",
                        "{\"model_id\": \"m\", \"dataset_id\": \"d\", \"early_stopping\": {\"patience\": [1]}}",
                        "early_stopping.patience", "must be a whole number, got an array"),
                Arguments.of("a blank required field", "/api/v1/jobs", "{\"model_id\": \"\", \"dataset_id\": \"d\"}",
                        "model_id", "model_id"),
                Arguments.of("truncated JSON", "/api/v1/jobs", "{\"model_id\": \"m\",\n  \"dataset_id\": ",
                        "body", "line 2, column"),
                Arguments.of("a truncated array", "/api/v1/datasets", "{\"x\": [[[0.1]], [[0.2]]",
                        "body", "the body ends before the JSON is complete"),
                Arguments.of("NaN in JSON", "/api/v1/jobs",
                        "{\"model_id\": \"m\", \"dataset_id\": \"d\", \"validation_split\": NaN}", "body",
                        "NaN is not a JSON number"),
                Arguments.of("a field name without quotes", "/api/v1/jobs", "{model_id: \"m\"}", "body",
                        "a field name must be a string in double quotes"),
                Arguments.of("a missing comma", "/api/v1/jobs", "{\"model_id\": \"m\" \"dataset_id\": \"d\"}",
                        "body", "a ',' is missing between two values"),
                Arguments.of("a word without quotes", "/api/v1/jobs", "{\"model_id\": m}", "body",
                        "'m' is not a JSON value"),
                Arguments.of("an array where an object goes", "/api/v1/jobs", "[1, 2]", "body",
                        "the request body must be an object, got an array"),
                Arguments.of("stacked recurrent layers without return_sequences", "/api/v1/models",
                        "{\"input_shape\": [null, 1], \"layers\": [{\"type\": \"SimpleRNN\", \"units\": 4},"
                                + " {\"type\": \"LSTM\", \"units\": 3}]}",
                        "layers[1]", "give that layer return_sequences: true"),
                Arguments.of("a misspelled loss", "/api/v1/models",
                        "{" + MODEL + ", \"compile\": {\"optimizer\": \"adam\", \"loss\": \"mean_sqared_error\"}}",
                        "compile.loss", "did you mean 'mean_squared_error'"),
                Arguments.of("a recurrent first layer on vectors", "/api/v1/models",
                        "{\"input_shape\": [1], \"layers\": [{\"type\": \"LSTM\", \"units\": 4}]}",
                        "input_shape", "give input_shape as [timesteps, features], such as [null, 1]"),
                Arguments.of("a model seed past 2^53", "/api/v1/models", "{" + MODEL + ", \"seed\": 9007199254740993}",
                        "seed", "from 0 to 2^53 - 1"),
                Arguments.of("a job seed past 2^53", "/api/v1/jobs",
                        "{\"model_id\": \"m\", \"dataset_id\": \"d\", \"seed\": 9007199254740993}", "seed", "seed"),
                Arguments.of("a camelCase field of an evaluation", "/api/v1/models/none/evaluate",
                        "{\"datasetId\": \"d\"}", "datasetId", "did you mean 'dataset_id'"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refusals")
    void answeredInTheApisWords(String label, String path, String body, String field, String detailPart) {
        Http.Response r = http.post(path, "application/json", body);
        assertEquals(400, r.status(), r.body());
        assertTrue(r.contentType().startsWith("application/problem+json"), r.contentType());
        JsonNode problem = r.json();
        String detail = problem.get("detail").asString();
        assertEquals(field, problem.get("errors").get(0).get("field").asString(), r.body());
        assertTrue(detail.contains(detailPart), "detail: " + detail);
        assertFalse(JAVA_WORDS.matcher(r.body()).find(), "Java or Jackson words in: " + r.body());
    }

    @org.junit.jupiter.api.Test
    void aMisspelledInstancesIsNamedWithWhatWasMeant() {
        String model = http.post("/api/v1/models", "application/json", "{" + MODEL + ", \"compile\": {\"optimizer\":"
                + " \"adam\", \"loss\": \"mse\"}}").json().get("id").asString();
        Http.Response r = http.post("/api/v1/models/" + model + "/predict", "application/json",
                "{\"instance\": [[[0.5]]]}");
        assertEquals(400, r.status(), r.body());
        assertEquals("instance", r.json().get("errors").get(0).get("field").asString());
        assertTrue(r.json().get("detail").asString().contains("did you mean 'instances'"), r.body());
    }

    @org.junit.jupiter.api.Test
    void anInstanceOfTheWrongRankIsRefusedNamingTheShapeAndTheKerasRankAdjustmentIsKept() {
        String model = http.post("/api/v1/models", "application/json", "{" + MODEL + "}").json().get("id").asString();
        // one step of three features, for a model of one feature: Keras refuses it too
        Http.Response wrong = http.post("/api/v1/models/" + model + "/predict", "application/json",
                "{\"instances\": [[[0.1, 0.2, 0.3]]]}");
        assertEquals(422, wrong.status(), wrong.body());
        assertTrue(wrong.json().get("detail").asString().contains("has shape [1, 3]; the model takes [timesteps][1]"),
                wrong.body());
        // three steps without the feature axis: Keras adds the axis of size 1 (keras.Input((None, 1)) predicts
        // np.array([[0.1, 0.2, 0.3]]) as three steps), and so does the service
        Http.Response steps = http.post("/api/v1/models/" + model + "/predict", "application/json",
                "{\"instances\": [[0.1, 0.2, 0.3]]}");
        assertEquals(200, steps.status(), steps.body());
    }

    @org.junit.jupiter.api.Test
    void aWrongContentTypeNamesTheAcceptedOnes() {
        Http.Response r = http.post("/api/v1/jobs", "application/xml", "<job/>");
        assertEquals(415, r.status(), r.body());
        assertTrue(r.contentType().startsWith("application/problem+json"), r.contentType());
        assertTrue(r.json().get("detail").asString().contains("application/json"), r.body());
        assertEquals("Content-Type", r.json().get("errors").get(0).get("field").asString());
    }

    @ParameterizedTest(name = "state={0}")
    @MethodSource("states")
    void jobStatesAreTakenInAnyCase(String state) {
        assertEquals(200, http.get("/api/v1/jobs?state=" + state).status());
    }

    static Stream<String> states() {
        return Stream.of("queued", "RUNNING", "Succeeded");
    }

    @org.junit.jupiter.api.Test
    void anUnknownStateListsTheStates() {
        Http.Response r = http.get("/api/v1/jobs?state=done");
        assertEquals(400, r.status());
        String detail = r.json().get("detail").asString();
        assertTrue(detail.contains("QUEUED") && detail.contains("SUCCEEDED") && detail.contains("'done'"), detail);
    }
}
