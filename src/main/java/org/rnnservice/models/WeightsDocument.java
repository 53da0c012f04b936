package org.rnnservice.models;

import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import org.rnnservice.engine.layers.Param;
import org.rnnservice.errors.ServiceException;
import org.rnnservice.json.NestedArrayReader;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.json.JsonMapper;

/**
 * A model's weights in Keras' {@code get_weights()} order: per layer kernel, recurrent kernel, bias, each with its
 * name, shape and values nested as the shape says (a flat list is accepted on upload).
 */
record WeightsDocument(int modelVersion, List<Weight> weights) {

    /** One weight. */
    record Weight(String name, List<Integer> shape, Object values) {
    }

    /** Nested lists of a row-major array, as Keras' {@code get_weights()} prints them. */
    static Object nest(float[] v, int[] shape) {
        return shape.length == 0 ? (Object) v[0] : nest(v, shape, 0, 0); // a scalar, such as Normalization's count
    }

    private static Object nest(float[] v, int[] shape, int dim, int off) {
        if (dim == shape.length - 1) {
            List<Float> row = new ArrayList<>(shape[dim]);
            for (int i = 0; i < shape[dim]; i++) {
                row.add(v[off + i]);
            }
            return row;
        }
        int stride = 1;
        for (int d = dim + 1; d < shape.length; d++) {
            stride *= shape[d];
        }
        List<Object> rows = new ArrayList<>(shape[dim]);
        for (int i = 0; i < shape[dim]; i++) {
            rows.add(nest(v, shape, dim + 1, off + i * stride));
        }
        return rows;
    }

    /** Reads an uploaded document, streaming, checking every weight's name, shape and size against the model. */
    static List<float[]> read(InputStream body, JsonMapper mapper, List<Param> params) {
        List<float[]> values = new ArrayList<>();
        try (JsonParser p = mapper.createParser(body)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw ServiceException.badRequest("body", "the body must be an object with a weights list");
            }
            boolean found = false;
            while (p.nextToken() == JsonToken.PROPERTY_NAME) {
                String field = p.currentName();
                p.nextToken();
                if (!field.equals("weights")) {
                    p.skipChildren();
                    continue;
                }
                found = true;
                if (p.currentToken() != JsonToken.START_ARRAY) {
                    throw ServiceException.badRequest("weights", "weights must be a list");
                }
                while (p.nextToken() == JsonToken.START_OBJECT) {
                    int i = values.size();
                    if (i >= params.size()) {
                        throw ServiceException.unprocessable("weights", "the model has " + params.size() + " weights");
                    }
                    values.add(readWeight(p, params.get(i), "weights[" + i + "]"));
                }
            }
            if (!found || values.size() != params.size()) {
                throw ServiceException.unprocessable("weights", "the model has " + params.size() + " weights ("
                        + params.stream().map(Param::name).toList() + "), got " + values.size());
            }
        }
        return values;
    }

    private static float[] readWeight(JsonParser p, Param param, String path) {
        String name = null;
        float[] v = null;
        while (p.nextToken() == JsonToken.PROPERTY_NAME) {
            String field = p.currentName();
            p.nextToken();
            switch (field) {
                case "name" -> name = p.getValueAsString();
                case "values" -> v = NestedArrayReader.read(p, path + ".values").values();
                default -> p.skipChildren(); // shape is implied by the values and checked against the model
            }
        }
        if (name != null && !name.equals(param.name())) {
            throw ServiceException.unprocessable(path + ".name", path + " is '" + name + "', expected '" + param.name()
                    + "' (Keras get_weights() order)");
        }
        if (v == null || v.length != param.size()) {
            throw ServiceException.unprocessable(path + ".values", param.name() + " needs " + param.size()
                    + " values for shape " + java.util.Arrays.toString(param.shape()) + ", got "
                    + (v == null ? 0 : v.length));
        }
        return v;
    }
}
