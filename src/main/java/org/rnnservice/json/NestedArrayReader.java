package org.rnnservice.json;

import java.util.ArrayList;
import java.util.List;
import org.rnnservice.errors.ServiceException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;

/**
 * Streams a nested JSON array of numbers (up to four levels) into a flat float32 array, checking that it is
 * rectangular, without building a tree: a large upload costs four bytes a number, not an object per number.
 */
public final class NestedArrayReader {

    private static final int MAX_DEPTH = 3;

    private float[] data = new float[64];
    private int size;
    private final int[] dims = {-1, -1, -1, -1};
    private int leafDepth = -1;
    private boolean integers = true;
    private final boolean raggedRows;
    private int[] rowLengths = new int[16];
    private int rows;

    private NestedArrayReader(boolean raggedRows) {
        this.raggedRows = raggedRows;
    }

    /** Reads the array whose START_ARRAY is the current token; {@code field} names it in errors. */
    public static NestedArrayReader read(JsonParser p, String field) {
        return read(p, field, false);
    }

    /**
     * As {@link #read(JsonParser, String)}, but the entries of the outer array (the samples) may differ in length:
     * sequences of different lengths, their lengths in {@link #rowLengths()} and the widest in {@link #shape()}.
     */
    public static NestedArrayReader readRagged(JsonParser p, String field) {
        return read(p, field, true);
    }

    private static NestedArrayReader read(JsonParser p, String field, boolean raggedRows) {
        NestedArrayReader r = new NestedArrayReader(raggedRows);
        if (p.currentToken() != JsonToken.START_ARRAY) {
            throw ServiceException.badRequest(field, field + " must be an array");
        }
        r.level(p, 0, field);
        return r;
    }

    private void level(JsonParser p, int depth, String path) {
        if (depth > MAX_DEPTH) {
            throw ServiceException.badRequest(path, path + " is nested deeper than " + (MAX_DEPTH + 1) + " levels");
        }
        int count = 0;
        JsonToken t;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            String at = path + "[" + count + "]";
            if (t == JsonToken.START_ARRAY) {
                if (leafDepth >= 0 && leafDepth <= depth) {
                    throw ServiceException.badRequest(at, at + " is an array where a number was expected");
                }
                level(p, depth + 1, at);
            } else if (t == JsonToken.VALUE_NUMBER_INT || t == JsonToken.VALUE_NUMBER_FLOAT) {
                if (leafDepth < 0) {
                    leafDepth = depth;
                } else if (leafDepth != depth) {
                    throw ServiceException.badRequest(at, at + " is a number where an array was expected");
                }
                float v = p.getFloatValue();
                if (!Float.isFinite(v)) {
                    throw ServiceException.badRequest(at, at + " is not a finite float32 number");
                }
                integers &= v == Math.rint(v);
                add(v);
            } else {
                throw ServiceException.badRequest(at, at + " must be a number or an array, got " + t);
            }
            count++;
        }
        if (count == 0) {
            throw ServiceException.badRequest(path, path + " is an empty array");
        }
        if (raggedRows && depth == 1) {
            if (rows == rowLengths.length) {
                rowLengths = java.util.Arrays.copyOf(rowLengths, rows * 2);
            }
            rowLengths[rows++] = count;
            dims[depth] = Math.max(dims[depth], count);
        } else if (dims[depth] < 0) {
            dims[depth] = count;
        } else if (dims[depth] != count) {
            throw ServiceException.badRequest(path, path + " has " + count + " entries where its siblings have "
                    + dims[depth] + "; arrays must be rectangular");
        }
    }

    private void add(float v) {
        if (size == data.length) {
            data = java.util.Arrays.copyOf(data, data.length * 2);
        }
        data[size++] = v;
    }

    public float[] values() {
        return java.util.Arrays.copyOf(data, size);
    }

    public List<Integer> shape() {
        List<Integer> s = new ArrayList<>();
        for (int d = 0; d <= leafDepth; d++) {
            s.add(dims[d]);
        }
        return s;
    }

    public boolean integers() {
        return integers;
    }

    /** For {@link #readRagged}: each sample's length, or null when the array has a single level. */
    public int[] rowLengths() {
        return leafDepth >= 1 ? java.util.Arrays.copyOf(rowLengths, rows) : null;
    }

    /** For {@link #readRagged}: whether the samples differ in length. */
    public boolean ragged() {
        int[] lengths = rowLengths();
        if (lengths == null) {
            return false;
        }
        for (int len : lengths) {
            if (len != dims[1]) {
                return true;
            }
        }
        return false;
    }
}
