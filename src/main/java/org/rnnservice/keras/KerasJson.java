package org.rnnservice.keras;

import java.util.Map;
import org.rnnservice.engine.layers.InvalidModelException;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/** The JSON inside Keras files ({@code config.json}, {@code model_config}, ...), read and written with one mapper. */
final class KerasJson {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private KerasJson() {
    }

    /** A JSON object of a file; {@code what} names it when it is not one. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> read(String text, String what) {
        try {
            Object value = JSON.readValue(text, Object.class);
            if (value instanceof Map<?, ?> m) {
                return (Map<String, Object>) m;
            }
        } catch (JacksonException e) {
            throw new InvalidModelException("file", what + " is not valid JSON: " + e.getOriginalMessage());
        }
        throw new InvalidModelException("file", what + " is not a JSON object");
    }

    static String write(Object value) {
        return JSON.writeValueAsString(value);
    }
}
