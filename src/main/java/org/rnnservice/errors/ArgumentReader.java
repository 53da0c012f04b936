package org.rnnservice.errors;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Keras-style arguments from a JSON object, each read once by name and type so that the rest can be refused by name:
 * a wrong type or an unknown key is a 400 naming the field at {@code path}.
 */
public final class ArgumentReader {

    private final Map<String, Object> values;
    private final String path;
    private final String owner;
    private final int ignored;
    private final List<String> read = new ArrayList<>();

    /**
     * @param owner what the arguments belong to, for the message of an unknown one (e.g. {@code EarlyStopping})
     * @param ignoredKeys keys read elsewhere (e.g. {@code type}), neither refused nor listed as arguments
     */
    public ArgumentReader(Map<String, Object> values, String path, String owner, String... ignoredKeys) {
        this.values = values;
        this.path = path;
        this.owner = owner;
        this.read.addAll(List.of(ignoredKeys));
        this.ignored = ignoredKeys.length;
    }

    public boolean present(String key) {
        read.add(key);
        return values.get(key) != null;
    }

    public Object raw(String key) {
        read.add(key);
        return values.get(key);
    }

    public String string(String key) {
        Object v = raw(key);
        if (v != null && !(v instanceof String)) {
            throw ServiceException.badRequest(field(key), key + " must be a string");
        }
        return (String) v;
    }

    public double number(String key, double fallback) {
        Double v = optionalNumber(key);
        return v == null ? fallback : v;
    }

    public Double optionalNumber(String key) {
        Object v = raw(key);
        if (v == null) {
            return null;
        }
        if (!(v instanceof Number n) || !Double.isFinite(n.doubleValue())) {
            throw ServiceException.badRequest(field(key), key + " must be a number");
        }
        return n.doubleValue();
    }

    public int whole(String key, int fallback) {
        Integer v = optionalWhole(key);
        return v == null ? fallback : v;
    }

    public Integer optionalWhole(String key) {
        Long v = optionalLong(key, Integer.MAX_VALUE);
        return v == null ? null : v.intValue();
    }

    /** A whole number of at most {@code limit} in size, or null when absent. */
    public Long optionalLong(String key, long limit) {
        Object v = raw(key);
        if (v == null) {
            return null;
        }
        if (!(v instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue())
                || Math.abs(n.doubleValue()) > limit) {
            throw ServiceException.badRequest(field(key), key + " must be a whole number");
        }
        return n.longValue();
    }

    public boolean bool(String key, boolean fallback) {
        Object v = raw(key);
        if (v == null) {
            return fallback;
        }
        if (!(v instanceof Boolean b)) {
            throw ServiceException.badRequest(field(key), key + " must be true or false");
        }
        return b;
    }

    /** The field name of an argument in problem details: {@code path.key}. */
    public String field(String key) {
        return path + "." + key;
    }

    /** Refuses the first key no read asked for, listing those that were. */
    public void rejectUnknown() {
        for (String key : values.keySet()) {
            if (!read.contains(key)) {
                throw ServiceException.badRequest(field(key), "unknown argument '" + key + "' of " + owner
                        + "; it takes " + read.subList(ignored, read.size()));
            }
        }
    }
}
