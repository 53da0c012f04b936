package org.rnnservice.engine.layers;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Keras-style arguments of one object (a layer, an initializer, a loss, an optimizer, a callback, a hyperparameter,
 * the model document), each read once by name and type, so that what no read asked for is refused by name, with the
 * nearest known name when it looks like a typo. Errors name the field at fault ({@code path.key}).
 */
public class Arguments {

    private final Map<String, Object> values;
    private final String path;
    private final String owner;
    private final Set<String> read = new LinkedHashSet<>();
    private final Set<String> ignored;
    private boolean fields; // a document's fields, named by their whole path, rather than an object's arguments

    /**
     * @param path where the arguments are in the request ({@code layers[1]}, {@code callbacks[0]}), or "" when
     *     the caller names the field itself
     * @param owner what they belong to, for the message of an unknown one ({@code EarlyStopping}, {@code adam})
     * @param ignoredKeys keys read elsewhere (such as {@code type}), neither refused nor listed as known
     */
    public Arguments(Map<String, ?> values, String path, String owner, String... ignoredKeys) {
        this.values = values == null ? Map.of() : new LinkedHashMap<>(values);
        this.path = path;
        this.owner = owner;
        this.ignored = Set.of(ignoredKeys);
    }

    /**
     * The fields of a request document at {@code path} ({@code ""} at the top, {@code compile}): an unknown one is
     * named by its whole path ({@code compile.optimiser}, did you mean {@code compile.optimizer}).
     */
    public static Arguments fields(Map<String, ?> values, String path) {
        Arguments a = new Arguments(values, path, "");
        a.fields = true;
        return a;
    }

    /** Where these arguments are in the request, such as {@code layers[1]}. */
    public String path() {
        return path;
    }

    /** The field name of an argument in problem details: {@code path.key}. */
    public String field(String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    /** The value as given, marking the argument as known. */
    public Object raw(String key) {
        read.add(key);
        return values.get(key);
    }

    /** Whether the argument is given and not null. */
    public boolean has(String key) {
        return raw(key) != null;
    }

    /** Whether the argument is given explicitly as null (Keras' {@code None}). */
    public boolean isNull(String key) {
        read.add(key);
        return values.containsKey(key) && values.get(key) == null;
    }

    /** Whether the argument is given at all, null or not. */
    public boolean given(String key) {
        read.add(key);
        return values.containsKey(key);
    }

    public String string(String key, String fallback) {
        Object v = raw(key);
        if (v == null) {
            return fallback;
        }
        if (v instanceof String s) {
            return s;
        }
        throw invalid(key, "must be a string, got " + asSent(v));
    }

    /** A finite number. */
    public double number(String key, double fallback) {
        Double v = optionalNumber(key);
        return v == null ? fallback : v;
    }

    /** A finite number, or null when absent. */
    public Double optionalNumber(String key) {
        Object v = raw(key);
        if (v == null) {
            return null;
        }
        if (!(v instanceof Number n) || !Double.isFinite(n.doubleValue())) {
            throw invalid(key, "must be a number, got " + asSent(v));
        }
        return n.doubleValue();
    }

    public double positive(String key, double fallback) {
        double v = number(key, fallback);
        if (!(v > 0)) {
            throw invalid(key, "must be positive, got " + v);
        }
        return v;
    }

    /** A positive number, or null when absent. */
    public Double optionalPositive(String key) {
        return has(key) ? positive(key, 0) : null;
    }

    /** A number that is not negative, or {@code fallback} when absent. */
    public Double optionalNonNegative(String key, Double fallback) {
        Double v = optionalNumber(key);
        if (v == null) {
            return fallback;
        }
        if (!(v >= 0)) {
            throw invalid(key, "must not be negative, got " + v);
        }
        return v;
    }

    /** A number in {@code [0, 1)}. */
    public double fraction(String key, double fallback) {
        double v = number(key, fallback);
        if (!(v >= 0 && v < 1)) {
            throw invalid(key, "must be in [0, 1), got " + v);
        }
        return v;
    }

    public int whole(String key, int fallback) {
        Long v = optionalLong(key, Integer.MAX_VALUE);
        return v == null ? fallback : v.intValue();
    }

    /** A whole number of at most {@code limit} in size, or null when absent. */
    public Long optionalLong(String key, long limit) {
        Object v = raw(key);
        if (v == null) {
            return null;
        }
        if (!(v instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue())
                || Math.abs(n.doubleValue()) > limit) {
            throw invalid(key, "must be a whole number, got " + asSent(v));
        }
        return n.longValue();
    }

    public boolean bool(String key, boolean fallback) {
        Object v = raw(key);
        if (v == null) {
            return fallback;
        }
        if (v instanceof Boolean b) {
            return b;
        }
        throw invalid(key, "must be true or false, got " + asSent(v));
    }

    /**
     * Refuses, by name, an argument of a feature the engine lacks unless it is at a value that turns the feature
     * off: absent, or one of {@code off} ({@link #isOff}).
     */
    public void onlyAt(String key, Object... off) {
        Object v = raw(key);
        for (Object o : off) {
            if (isOff(v, o)) {
                return;
            }
        }
        throw new UnsupportedFeatureException(field(key), key + " is not supported (only " + off[0] + "), got " + v);
    }

    /** Refuses the first argument no read asked for, nor {@code alsoAccepted} lists. */
    public void rejectUnknown(Collection<String> alsoAccepted) {
        for (String key : values.keySet()) {
            if (read.contains(key) || ignored.contains(key) || alsoAccepted.contains(key)) {
                continue;
            }
            if (fields) {
                throw new InvalidModelException(field(key), UnknownName.message("field", field(key),
                        known().stream().map(this::field).toList()));
            }
            throw new InvalidModelException(field(key), (owner.isEmpty() ? "" : owner + ": ")
                    + UnknownName.message("argument", key, known()) + knownElsewhere());
        }
    }

    public void rejectUnknown() {
        rejectUnknown(List.of());
    }

    /** The arguments the reads asked for. */
    protected List<String> known() {
        List<String> known = new ArrayList<>(read);
        known.removeAll(ignored);
        return known;
    }

    /** What the message of an unknown argument adds after the known ones: the ignored keys, which are known too. */
    private String knownElsewhere() {
        return ignored.isEmpty() ? "" : " (and " + String.join(", ", ignored.stream().sorted().toList()) + ")";
    }

    /** A required argument is absent: named, or the misspelling that was sent instead of it. */
    protected InvalidModelException missing(String key) {
        for (String given : values.keySet()) {
            if (!read.contains(given) && UnknownName.nearest(given, List.of(key)).isPresent()) {
                return new InvalidModelException(field(given), path + ": unknown argument '" + given
                        + "'; did you mean '" + key + "'? " + key + " is required");
            }
        }
        return invalid(key, "is required");
    }

    public InvalidModelException invalid(String key, String message) {
        return new InvalidModelException(field(key), key + " " + message);
    }

    /** A value as the user sent it: strings quoted, so {@code "10"} is not mistaken for {@code 10}. */
    static String asSent(Object v) {
        return v instanceof String s ? "\"" + s + "\" (a string)" : String.valueOf(v);
    }

    /**
     * Whether an argument Keras writes for a feature the engine lacks is at the value that turns the feature off:
     * absent, equal to {@code off}, or the same number.
     */
    public static boolean isOff(Object given, Object off) {
        return given == null || given.equals(off)
                || given instanceof Number n && off instanceof Number o && n.doubleValue() == o.doubleValue();
    }

    /** A float argument as the decimal it was written as ({@code 0.2}, not {@code 0.20000000298}), for configs. */
    public static double decimal(float value) {
        return Double.parseDouble(Float.toString(value));
    }
}
