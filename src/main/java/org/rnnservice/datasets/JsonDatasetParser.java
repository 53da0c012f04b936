package org.rnnservice.datasets;

import java.io.InputStream;
import java.util.List;
import org.rnnservice.errors.ServiceException;
import org.rnnservice.web.NestedArrayReader;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code {"name", "x": [samples][timesteps][features], "y": [samples] | [samples][outputs] |
 * [samples][timesteps][outputs]}}, read as a stream; {@code x} may be {@code [samples][timesteps]} token ids.
 */
final class JsonDatasetParser {

    private final JsonMapper mapper;

    JsonDatasetParser(JsonMapper mapper) {
        this.mapper = mapper;
    }

    /** The parsed arrays and the name given in the body (may be null). */
    record Result(String name, ParsedData data) {
    }

    Result parse(InputStream body) {
        String name = null;
        NestedArrayReader x = null;
        NestedArrayReader y = null;
        try (JsonParser p = mapper.createParser(body)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw ServiceException.badRequest("body", "the body must be a JSON object with x and y");
            }
            while (p.nextToken() == JsonToken.PROPERTY_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                switch (field) {
                    case "name" -> {
                        if (value != JsonToken.VALUE_STRING && value != JsonToken.VALUE_NULL) {
                            throw ServiceException.badRequest("name", "name must be a string");
                        }
                        name = p.getValueAsString();
                    }
                    case "x" -> x = NestedArrayReader.read(p, "x");
                    case "y" -> y = NestedArrayReader.read(p, "y");
                    default -> throw ServiceException.badRequest(field, "unknown field '" + field
                            + "'; a JSON dataset has name, x and y");
                }
            }
        }
        if (x == null) {
            throw ServiceException.badRequest("x", "x is required: [samples][timesteps][features]");
        }
        if (y == null) {
            throw ServiceException.badRequest("y", "y is required: one target per sample");
        }
        List<Integer> xs = x.shape();
        if (xs.size() == 2) {
            // token ids, [samples][timesteps], as Keras takes them for a model that starts with an Embedding
            xs = List.of(xs.get(0), xs.get(1), 1);
        }
        if (xs.size() != 3) {
            throw ServiceException.badRequest("x", "x must have 3 dimensions [samples][timesteps][features] (or 2,"
                    + " [samples][timesteps], for token ids), got " + xs.size() + " " + xs);
        }
        List<Integer> ys = y.shape();
        if (!ys.get(0).equals(xs.get(0))) {
            throw ServiceException.badRequest("y", "y has " + ys.get(0) + " samples but x has " + xs.get(0));
        }
        if (ys.size() == 3 && !ys.get(1).equals(xs.get(1))) {
            throw ServiceException.badRequest("y", "a 3-D y must have x's " + xs.get(1) + " time steps, got "
                    + ys.get(1));
        }
        return new Result(name, new ParsedData("sequences", x.values(), xs, y.values(), ys, y.integers(),
                null, null, null, null, null));
    }
}
