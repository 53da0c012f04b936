package org.rnnservice.web;

import java.util.List;
import java.util.Map;
import org.rnnservice.engine.layers.UnknownName;
import org.rnnservice.errors.ServiceException;
import tools.jackson.core.JacksonException;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.core.exc.StreamConstraintsException;
import tools.jackson.core.exc.StreamReadException;
import tools.jackson.databind.exc.InvalidFormatException;
import tools.jackson.databind.exc.MismatchedInputException;
import tools.jackson.databind.exc.UnrecognizedPropertyException;

/**
 * Jackson's refusals of a request body in the API's words: the field's JSON path ({@code early_stopping.patience},
 * {@code layers[0].units}), the value as sent, what is expected, the line and column of a syntax error, and never a
 * Java or Jackson name.
 */
final class JsonErrors {

    private static final Map<Class<?>, String> EXPECTED = Map.ofEntries(
            Map.entry(Integer.class, "a whole number"), Map.entry(int.class, "a whole number"),
            Map.entry(Long.class, "a whole number"), Map.entry(long.class, "a whole number"),
            Map.entry(Double.class, "a number"), Map.entry(double.class, "a number"),
            Map.entry(Float.class, "a number"), Map.entry(float.class, "a number"),
            Map.entry(Boolean.class, "true or false"), Map.entry(boolean.class, "true or false"),
            Map.entry(String.class, "a string"));

    private JsonErrors() {
    }

    /** The refusal for a body Jackson could not read. */
    static ServiceException refusal(JacksonException e) {
        String field = path(e);
        if (e instanceof UnrecognizedPropertyException u) {
            String name = u.getPropertyName();
            String prefix = field.contains(".") || field.contains("[") ? field.substring(0, field.length()
                    - name.length()) : "";
            List<String> known = u.getKnownPropertyIds().stream().map(k -> prefix + k).toList();
            return ServiceException.badRequest(field, UnknownName.message("field", field, known));
        }
        if (e instanceof InvalidFormatException f) {
            return ServiceException.badRequest(field, field + " must be " + expected(f.getTargetType()) + ", got "
                    + quoted(f.getValue()));
        }
        if (e instanceof MismatchedInputException m) {
            String what = field.isEmpty() ? "the request body" : field;
            return ServiceException.badRequest(field.isEmpty() ? "body" : field, what + " must be "
                    + expected(m.getTargetType()) + sent(m));
        }
        if (e instanceof StreamConstraintsException c) {
            // name the limit: Jackson says which one was hit (nesting depth, string or number length)
            String which = c.getOriginalMessage() != null && c.getOriginalMessage().contains("nesting depth")
                    ? "it nests deeper than rnn.limits.json-depth" : plain(c.getOriginalMessage());
            return new ServiceException(ServiceException.Kind.TOO_LARGE, "the JSON cannot be read: " + which,
                    List.of(new ServiceException.FieldError("body", which)), null);
        }
        if (e instanceof StreamReadException r) {
            TokenStreamLocation at = r.getLocation();
            String where = at == null || at.getLineNr() < 0 ? "" : " at line " + at.getLineNr() + ", column "
                    + at.getColumnNr();
            return ServiceException.badRequest("body", "malformed JSON" + where + ": " + syntax(r.getOriginalMessage()));
        }
        return ServiceException.badRequest(field.isEmpty() ? "body" : field, "the request body could not be read"
                + (field.isEmpty() ? "" : " at " + field));
    }

    /** The JSON path of the value at fault, as the API spells it: {@code a.b[2].c}. */
    static String path(JacksonException e) {
        StringBuilder s = new StringBuilder();
        for (JacksonException.Reference r : e.getPath()) {
            if (r.getPropertyName() != null) {
                if (!s.isEmpty()) {
                    s.append('.');
                }
                s.append(r.getPropertyName());
            } else if (r.getIndex() >= 0) {
                s.append('[').append(r.getIndex()).append(']');
            }
        }
        return s.toString();
    }

    private static String expected(Class<?> type) {
        if (type == null) {
            return "of another type";
        }
        if (type.isEnum()) {
            return "one of " + java.util.Arrays.toString(type.getEnumConstants());
        }
        if (List.class.isAssignableFrom(type) || type.isArray()) {
            return "an array";
        }
        return EXPECTED.getOrDefault(type, "an object");
    }

    /** What was sent instead, when Jackson's message says; never its token names. */
    private static String sent(MismatchedInputException m) {
        String msg = m.getOriginalMessage() == null ? "" : m.getOriginalMessage();
        if (msg.contains("START_ARRAY")) {
            return ", got an array";
        }
        if (msg.contains("START_OBJECT")) {
            return ", got an object";
        }
        if (msg.contains("VALUE_STRING")) {
            return ", got a string";
        }
        if (msg.contains("VALUE_NUMBER")) {
            return ", got a number";
        }
        if (msg.contains("VALUE_TRUE") || msg.contains("VALUE_FALSE")) {
            return ", got true or false";
        }
        return "";
    }

    private static String quoted(Object value) {
        return value instanceof String s ? "\"" + s + "\"" : String.valueOf(value);
    }

    /**
     * What is wrong with the JSON text, in JSON's words: the common mistakes named (a body that ends too early, NaN or
     * Infinity, a name without quotes, a missing comma, an unmatched bracket), anything else in Jackson's first
     * sentence without its parser vocabulary.
     */
    static String syntax(String message) {
        String m = message == null ? "" : message;
        java.util.regex.Matcher token = java.util.regex.Pattern.compile("Non-standard token '([^']+)'").matcher(m);
        if (token.find()) {
            return token.group(1) + " is not a JSON number: send finite numbers only (JSON has no NaN or Infinity)";
        }
        if (m.contains("end-of-input") || m.contains("end of input")) {
            return "the body ends before the JSON is complete (an object, array or string is not closed)";
        }
        if (m.contains("double-quote to start field name") || m.contains("double-quote to start property name")) {
            return "a field name must be a string in double quotes";
        }
        if (m.contains("was expecting comma")) {
            return "a ',' is missing between two values";
        }
        if (m.contains("Unexpected close marker")) {
            return "a ']' or '}' closes nothing that was opened";
        }
        java.util.regex.Matcher unknown = java.util.regex.Pattern.compile("Unrecognized token '([^']*)'").matcher(m);
        if (unknown.find()) {
            return "'" + unknown.group(1) + "' is not a JSON value (strings need double quotes; true, false and null"
                    + " are lowercase)";
        }
        return plain(m);
    }

    /** Jackson's first sentence, without the feature names and source excerpts meant for Java programmers. */
    private static String plain(String message) {
        if (message == null) {
            return "unreadable";
        }
        String m = message.split("\n")[0];
        int hint = m.indexOf(" (for ");
        m = hint > 0 ? m.substring(0, hint) : m;
        int source = m.indexOf("[Source:");
        m = source > 0 ? m.substring(0, source) : m;
        return m.replaceAll("\\(code \\d+\\)", "").replaceAll("JsonReadFeature\\.[A-Z_]+", "").trim();
    }
}
