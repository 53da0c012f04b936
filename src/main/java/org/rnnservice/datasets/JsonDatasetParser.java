package org.rnnservice.datasets;

import java.io.InputStream;
import java.util.List;
import org.rnnservice.errors.ServiceException;
import org.rnnservice.json.NestedArrayReader;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code {"name", "x": [samples][timesteps][features], "y": [samples] | [samples][outputs] |
 * [samples][timesteps][outputs], "sample_weight": [samples]}}, read as a stream; {@code x} may be
 * {@code [samples][timesteps]} token ids. Samples of different lengths are padded as Keras' {@code pad_sequences}
 * pads them ({@code padding}, {@code truncating}, {@code maxlen}, {@code value}), and so is a sequence {@code y}.
 * Or a series by columns, {@code {"name", "columns": {"load": [...], "demand": [...]}}}, windowed as a CSV is.
 */
final class JsonDatasetParser {

    private final JsonMapper mapper;

    JsonDatasetParser(JsonMapper mapper) {
        this.mapper = mapper;
    }

    /** The parsed arrays, or a series given by columns, and the name given in the body (may be null). */
    record Result(String name, ParsedData data, Series series) {
    }

    /** Parses a body, refusing (413) padding that would make more than {@code maxValues} values before padding. */
    Result parse(InputStream body, long maxValues) {
        String name = null;
        NestedArrayReader x = null;
        NestedArrayReader y = null;
        NestedArrayReader weights = null;
        String padding = null;
        String truncating = null;
        Integer maxlen = null;
        double value = 0;
        Series series = null;
        try (JsonParser p = mapper.createParser(body)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw ServiceException.badRequest("body", "the body must be a JSON object with x and y");
            }
            while (p.nextToken() == JsonToken.PROPERTY_NAME) {
                String field = p.currentName();
                JsonToken token = p.nextToken();
                switch (field) {
                    case "name" -> name = string(p, token, field);
                    case "x" -> x = NestedArrayReader.readRagged(p, "x");
                    case "y" -> y = NestedArrayReader.readRagged(p, "y");
                    case "sample_weight" -> weights = NestedArrayReader.read(p, "sample_weight");
                    case "padding" -> padding = string(p, token, field);
                    case "truncating" -> truncating = string(p, token, field);
                    case "maxlen" -> maxlen = token == JsonToken.VALUE_NULL ? null : wholeNumber(p, token, field);
                    case "value" -> value = number(p, token, field);
                    case "columns" -> series = columns(p, token, maxValues);
                    default -> throw ServiceException.badRequest(field, "unknown field '" + field
                            + "'; a JSON dataset has name, x, y, sample_weight, and padding, truncating, maxlen,"
                            + " value for sequences of different lengths; or name and columns for a series");
                }
            }
        }
        if (series != null) {
            if (x != null || y != null || weights != null) {
                throw ServiceException.badRequest("columns", "give a series as columns, or samples as x and y, not"
                        + " both");
            }
            return new Result(name, null, series);
        }
        if (x == null) {
            throw ServiceException.badRequest("x", "x is required: [samples][timesteps][features]");
        }
        if (y == null) {
            throw ServiceException.badRequest("y", "y is required: one target per sample");
        }
        SequencePadding pad = new SequencePadding(padding, truncating, maxlen, value);
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
        boolean padded = x.ragged() || maxlen != null;
        float[] xv = x.values();
        float[] yv = y.values();
        if (padded) {
            int[] lengths = x.rowLengths();
            int steps = pad.length(lengths);
            long values = (long) xs.get(0) * steps * Math.max(xs.get(2), ys.size() == 3 ? ys.get(2) : 1);
            DatasetValues.check(values, maxValues, xs.get(0) + " samples padded to " + steps + " steps", "maxlen",
                    "; give a smaller maxlen");
            xv = pad.apply(xv, lengths, xs.get(2), steps);
            xs = List.of(xs.get(0), steps, xs.get(2));
            if (ys.size() == 3) {
                if (!java.util.Arrays.equals(y.rowLengths(), lengths)) {
                    throw ServiceException.badRequest("y", "a 3-D y must have as many time steps as x, sample by"
                            + " sample");
                }
                yv = new SequencePadding(pad.padding(), pad.truncating(), steps, 0).apply(yv, lengths, ys.get(2),
                        steps);
                ys = List.of(ys.get(0), steps, ys.get(2));
            }
        } else {
            pad = null;
        }
        if (y.ragged() && ys.size() != 3) {
            throw ServiceException.badRequest("y", "y's samples differ in length; only a 3-D y of per-step targets"
                    + " may, with x");
        }
        // a 3-D y of other length than x is the output of a Reshape (a forecast horizon): the model is checked
        // against it when it trains
        float[] sampleWeight = weights == null ? null : sampleWeights(weights, xs.get(0));
        return new Result(name, new ParsedData("sequences", xv, xs, yv, ys, y.integers(), null, null, null, null,
                null, pad, sampleWeight, null), null);
    }

    /** {@code {"name": [values...], ...}}: one array of numbers per column, all of one length, read as they stream. */
    private static Series columns(JsonParser p, JsonToken token, long maxValues) {
        if (token != JsonToken.START_OBJECT) {
            throw ServiceException.badRequest("columns", "columns must be an object of named arrays, such as"
                    + " {\"load\": [1.5, 2.0], \"demand\": [10, 12]}");
        }
        List<String> names = new java.util.ArrayList<>();
        List<float[]> values = new java.util.ArrayList<>();
        long held = 0;
        while (p.nextToken() == JsonToken.PROPERTY_NAME) {
            String column = p.currentName();
            p.nextToken();
            NestedArrayReader array = NestedArrayReader.read(p, "columns." + column);
            if (array.shape().size() != 1) {
                throw ServiceException.badRequest("columns." + column, "a column is a flat array of numbers, one"
                        + " per row; got shape " + array.shape());
            }
            if (!values.isEmpty() && array.shape().get(0) != values.get(0).length) {
                throw ServiceException.badRequest("columns." + column, "column '" + column + "' has "
                        + array.shape().get(0) + " rows, the columns before it " + values.get(0).length);
            }
            held += array.shape().get(0);
            DatasetValues.check(held, maxValues, "the series", "columns", "; upload fewer rows or columns");
            names.add(column);
            values.add(array.values());
        }
        if (names.isEmpty() || values.get(0).length == 0) {
            throw ServiceException.badRequest("columns", "columns must name at least one column with values");
        }
        return new Series(List.copyOf(names), values.toArray(new float[0][]), values.get(0).length);
    }

    /** Keras' {@code sample_weight}: one finite, non-negative weight per sample. */
    private static float[] sampleWeights(NestedArrayReader weights, int samples) {
        if (weights.shape().size() != 1 || weights.shape().get(0) != samples) {
            throw ServiceException.badRequest("sample_weight", "sample_weight must hold one number per sample ("
                    + samples + "), got shape " + weights.shape());
        }
        float[] w = weights.values();
        for (int i = 0; i < w.length; i++) {
            if (w[i] < 0) {
                throw ServiceException.badRequest("sample_weight", "sample_weight[" + i + "] is " + w[i]
                        + "; weights must not be negative");
            }
        }
        return w;
    }

    private static String string(JsonParser p, JsonToken token, String field) {
        if (token != JsonToken.VALUE_STRING && token != JsonToken.VALUE_NULL) {
            throw ServiceException.badRequest(field, field + " must be a string");
        }
        return p.getValueAsString();
    }

    private static double number(JsonParser p, JsonToken token, String field) {
        if (token != JsonToken.VALUE_NUMBER_INT && token != JsonToken.VALUE_NUMBER_FLOAT) {
            throw ServiceException.badRequest(field, field + " must be a number");
        }
        return p.getDoubleValue();
    }

    private static int wholeNumber(JsonParser p, JsonToken token, String field) {
        if (token != JsonToken.VALUE_NUMBER_INT || p.getNumberType() != JsonParser.NumberType.INT) {
            throw ServiceException.badRequest(field, field + " must be a whole number");
        }
        return p.getIntValue();
    }
}
