package org.rnnservice.models;

import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import org.rnnservice.engine.layers.LayerShape;
import org.rnnservice.engine.layers.UnknownName;
import org.rnnservice.errors.ServiceException;
import org.rnnservice.json.NestedArrayReader;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.json.JsonMapper;

/**
 * The instances of a predict request, each {@code [timesteps][features]} (or a string for a text model), read as a
 * stream and checked against the model's input shape. Instances may differ in length when the model allows it.
 *
 * @param values one flat batch-major array per instance
 * @param steps time steps of each instance
 * @param columnar whether the request used TF Serving's {@code inputs} form rather than {@code instances}
 */
record PredictionInput(List<float[]> values, List<Integer> steps, boolean columnar) {

    /** Upper bound on instances in one request; larger batches belong in several requests. */
    static final int MAX_INSTANCES = 100_000;

    static PredictionInput read(InputStream body, JsonMapper mapper, LayerShape input, TextCodec codec) {
        try (JsonParser p = mapper.createParser(body)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw ServiceException.badRequest("body", "the body must be an object with \"instances\" or \"inputs\"");
            }
            PredictionInput result = null;
            List<String> others = new ArrayList<>();
            while (p.nextToken() == JsonToken.PROPERTY_NAME) {
                String field = p.currentName();
                others.add(field);
                p.nextToken();
                if (field.equals("instances") || field.equals("inputs")) {
                    if (result != null) {
                        throw ServiceException.badRequest(field, "give either instances or inputs, not both");
                    }
                    result = readList(p, field, input, codec, field.equals("inputs"));
                } else {
                    p.skipChildren(); // TF Serving clients may send signature_name and the like
                }
            }
            if (result == null) {
                String near = others.stream().filter(f -> UnknownName.nearest(f, List.of("instances", "inputs"))
                        .isPresent()).findFirst().orElse(null);
                throw ServiceException.badRequest(near != null ? near : "instances", (near != null ? "unknown field '"
                        + near + "'; did you mean '" + UnknownName.nearest(near, List.of("instances", "inputs"))
                        .get() + "'? " : "") + "instances is required: a list of [timesteps][features] arrays");
            }
            return result;
        }
    }

    private static PredictionInput readList(JsonParser p, String field, LayerShape input, TextCodec codec,
                                            boolean columnar) {
        if (p.currentToken() != JsonToken.START_ARRAY) {
            throw ServiceException.badRequest(field, field + " must be a list");
        }
        List<float[]> values = new ArrayList<>();
        List<Integer> steps = new ArrayList<>();
        JsonToken t;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            String path = field + "[" + values.size() + "]";
            if (values.size() >= MAX_INSTANCES) {
                throw ServiceException.tooLarge("at most " + MAX_INSTANCES + " instances per request");
            }
            if (t == JsonToken.VALUE_STRING) {
                if (codec == null) {
                    throw ServiceException.unprocessable(path, path + " is a string, but this model was not trained on"
                            + " text");
                }
                float[] v = codec.encode(p.getString(), path);
                values.add(v);
                steps.add(v.length / Math.max(input.features(), 1));
                continue;
            }
            NestedArrayReader a = NestedArrayReader.read(p, path);
            steps.add(check(a, input, path));
            values.add(a.values());
        }
        if (values.isEmpty()) {
            throw ServiceException.badRequest(field, field + " is empty");
        }
        return new PredictionInput(values, steps, columnar);
    }

    /** Checks an instance against the model's per-sample input shape; returns its time steps (0 for flat inputs). */
    private static int check(NestedArrayReader a, LayerShape input, String path) {
        List<Integer> s = a.shape();
        if (!input.sequence()) {
            if (s.size() != 1 || s.get(0) != input.features()) {
                throw ServiceException.unprocessable(path, path + " has shape " + s + "; the model takes ["
                        + input.features() + "]");
            }
            return 0;
        }
        boolean ids = input.features() == 1 && s.size() == 1; // token ids for an Embedding model: [timesteps]
        if (!ids && (s.size() != 2 || s.get(1) != input.features())) {
            throw ServiceException.unprocessable(path, path + " has shape " + s + "; the model takes [timesteps]["
                    + input.features() + "]");
        }
        // a length fixed in input_shape does not bind a recurrent model: Keras predicts other lengths through it
        return s.get(0);
    }
}
