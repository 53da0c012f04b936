package org.rnnservice.engine.layers;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * A Keras weight initializer with its arguments ({@code gain}, {@code minval}, {@code maxval}, {@code mean},
 * {@code stddev}, {@code value}, {@code scale}/{@code mode}/{@code distribution}, {@code seed}), filling a 2-D
 * {@code (rows, cols)} weight (a 1-D weight is one row) as Keras does: fan in is the rows, fan out the columns.
 */
public final class Initializer {

    /** The initializers Keras names; the arguments each takes are those its constructor reads. */
    private enum Kind {
        ZEROS, ONES, CONSTANT, RANDOM_UNIFORM, RANDOM_NORMAL, TRUNCATED_NORMAL, ORTHOGONAL, VARIANCE_SCALING,
        GLOROT_UNIFORM, GLOROT_NORMAL, HE_UNIFORM, HE_NORMAL, LECUN_UNIFORM, LECUN_NORMAL;

        /** The name Keras uses. */
        public String kerasName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** The initializers' Keras names. */
    public static final List<String> NAMES = Arrays.stream(Kind.values()).map(Kind::kerasName).toList();

    /** Keras scales truncated normals by this so the truncated distribution keeps the intended variance. */
    private static final double TRUNCATION_STDDEV_FIX = 0.87962566103423978;
    private static final List<String> MODES = List.of("fan_in", "fan_out", "fan_avg");
    private static final List<String> DISTRIBUTIONS = List.of("truncated_normal", "untruncated_normal", "uniform");

    private final Kind kind;
    private final Map<String, Object> args; // as given, for config(); numbers resolved below
    private final double a;       // value, minval, mean, gain or scale
    private final double b;       // maxval or stddev
    private final String mode;
    private final String distribution;
    private final Long seed;

    private Initializer(Kind kind, Map<String, Object> args, Arguments given) {
        this.kind = kind;
        this.args = args;
        this.seed = given.optionalLong("seed", Long.MAX_VALUE);
        switch (kind) {
            case CONSTANT -> { a = given.number("value", 0); b = 0; }
            case RANDOM_UNIFORM -> { a = given.number("minval", -0.05); b = given.number("maxval", 0.05); }
            case RANDOM_NORMAL, TRUNCATED_NORMAL -> { a = given.number("mean", 0); b = given.number("stddev", 0.05); }
            case ORTHOGONAL -> { a = given.number("gain", 1); b = 0; }
            case VARIANCE_SCALING -> {
                a = given.positive("scale", 1);
                b = 0;
            }
            default -> { a = 0; b = 0; }
        }
        this.mode = kind == Kind.VARIANCE_SCALING ? choice(given, "mode", "fan_in", MODES) : null;
        // Keras 2 spelled the truncated normal "normal"
        String d = kind == Kind.VARIANCE_SCALING ? given.string("distribution", "truncated_normal") : null;
        this.distribution = "normal".equals(d) ? "truncated_normal" : d;
        if (distribution != null && !DISTRIBUTIONS.contains(distribution)) {
            throw new IllegalArgumentException("distribution must be one of " + DISTRIBUTIONS + ", got " + d);
        }
    }

    /** The initializer for a Keras name such as {@code "glorot_uniform"}, with Keras' default arguments. */
    public static Initializer of(String kerasName) {
        return of(kerasName, Map.of());
    }

    /** The initializer for a Keras name and arguments; an argument it does not take is refused by name. */
    public static Initializer of(String kerasName, Map<String, ?> arguments) {
        Kind kind = kind(kerasName);
        Map<String, Object> args = new LinkedHashMap<>();
        arguments.forEach((key, v) -> {
            if (v != null) {
                args.put(key, v);
            }
        });
        Arguments given = new Arguments(args, "", kind.kerasName());
        Initializer initializer = new Initializer(kind, args, given);
        given.rejectUnknown();
        return initializer;
    }

    private static Kind kind(String kerasName) {
        String key = kerasName.trim().toLowerCase(Locale.ROOT);
        for (Kind k : Kind.values()) {
            if (k.kerasName().equals(key)) {
                return k;
            }
        }
        throw new IllegalArgumentException("unknown initializer '" + kerasName + "'; expected one of "
                + Arrays.stream(Kind.values()).map(Kind::kerasName).toList());
    }

    /** Keras' form: the name alone when every argument is Keras' default, else {@code {class_name, config}}. */
    public Object config() {
        if (args.isEmpty()) {
            return kind.kerasName();
        }
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("class_name", kind.kerasName());
        c.put("config", new LinkedHashMap<>(args));
        return c;
    }

    /**
     * Fills {@code out[off, off + rows*cols)} as a row-major {@code (rows, cols)} weight. With a {@code seed} the
     * values depend on it alone, as a seeded Keras initializer's do.
     */
    public void fill(float[] out, int off, int rows, int cols, Random rng) {
        Random r = seed == null ? rng : new Random(seed);
        int n = rows * cols;
        switch (kind) {
            case ZEROS -> Arrays.fill(out, off, off + n, 0f);
            case ONES -> Arrays.fill(out, off, off + n, 1f);
            case CONSTANT -> Arrays.fill(out, off, off + n, (float) a);
            case RANDOM_UNIFORM -> {
                if (a == -b) {
                    uniform(out, off, n, b, r); // Keras' default, symmetric range
                } else {
                    for (int i = 0; i < n; i++) {
                        out[off + i] = (float) (a + r.nextDouble() * (b - a));
                    }
                }
            }
            case RANDOM_NORMAL -> {
                for (int i = 0; i < n; i++) {
                    out[off + i] = (float) (a + b * r.nextGaussian());
                }
            }
            case TRUNCATED_NORMAL -> truncated(out, off, n, a, b, r);
            case ORTHOGONAL -> orthogonal(out, off, rows, cols, a, r);
            case VARIANCE_SCALING -> varianceScaling(out, off, rows, cols, a, mode, distribution, r);
            // the VarianceScaling instances, their limits written out as Keras' docs give them
            case GLOROT_UNIFORM -> uniform(out, off, n, Math.sqrt(6.0 / (rows + cols)), r);
            case HE_UNIFORM -> uniform(out, off, n, Math.sqrt(6.0 / rows), r);
            case LECUN_UNIFORM -> uniform(out, off, n, Math.sqrt(3.0 / rows), r);
            case GLOROT_NORMAL -> truncated(out, off, n, 0, Math.sqrt(2.0 / (rows + cols)) / TRUNCATION_STDDEV_FIX, r);
            case HE_NORMAL -> truncated(out, off, n, 0, Math.sqrt(2.0 / rows) / TRUNCATION_STDDEV_FIX, r);
            case LECUN_NORMAL -> truncated(out, off, n, 0, Math.sqrt(1.0 / rows) / TRUNCATION_STDDEV_FIX, r);
        }
    }

    private static void uniform(float[] out, int off, int n, double limit, Random rng) {
        for (int i = 0; i < n; i++) {
            out[off + i] = (float) ((rng.nextDouble() * 2 - 1) * limit);
        }
    }

    /** Keras' VarianceScaling, of which Glorot, He and LeCun are instances. */
    private static void varianceScaling(float[] out, int off, int rows, int cols, double scale, String mode,
                                        String distribution, Random r) {
        double fan = switch (mode) {
            case "fan_in" -> rows;
            case "fan_out" -> cols;
            default -> (rows + cols) / 2.0;
        };
        double variance = scale / Math.max(1, fan);
        int n = rows * cols;
        switch (distribution) {
            case "uniform" -> uniform(out, off, n, Math.sqrt(3 * variance), r);
            case "untruncated_normal" -> {
                double stddev = Math.sqrt(variance);
                for (int i = 0; i < n; i++) {
                    out[off + i] = (float) (stddev * r.nextGaussian());
                }
            }
            default -> truncated(out, off, n, 0, Math.sqrt(variance) / TRUNCATION_STDDEV_FIX, r);
        }
    }

    /** Normal draws beyond two standard deviations are redrawn, as TensorFlow's truncated_normal does. */
    private static void truncated(float[] out, int off, int n, double mean, double stddev, Random rng) {
        for (int i = 0; i < n; i++) {
            double g;
            do {
                g = rng.nextGaussian();
            } while (Math.abs(g) > 2);
            out[off + i] = (float) (mean + g * stddev);
        }
    }

    /**
     * Keras' orthogonal: QR of a {@code (max, min)} normal matrix, Q's columns sign-fixed by R's diagonal, transposed
     * when the weight is wider than tall, times {@code gain}. Gram-Schmidt yields R with a positive diagonal, so no
     * sign fix is needed.
     */
    private static void orthogonal(float[] out, int off, int rows, int cols, double gain, Random rng) {
        int tall = Math.max(rows, cols);
        int narrow = Math.min(rows, cols);
        double[][] q = new double[narrow][tall]; // column vectors of the (tall, narrow) matrix
        for (int i = 0; i < tall; i++) {
            for (int j = 0; j < narrow; j++) {
                q[j][i] = rng.nextGaussian();
            }
        }
        for (int j = 0; j < narrow; j++) {
            for (int prev = 0; prev < j; prev++) {
                double dot = 0;
                for (int i = 0; i < tall; i++) {
                    dot += q[j][i] * q[prev][i];
                }
                for (int i = 0; i < tall; i++) {
                    q[j][i] -= dot * q[prev][i];
                }
            }
            double norm = 0;
            for (int i = 0; i < tall; i++) {
                norm += q[j][i] * q[j][i];
            }
            norm = Math.sqrt(norm);
            for (int i = 0; i < tall; i++) {
                q[j][i] /= norm;
            }
        }
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                // rows >= cols: element (r, c) is Q[r][c]; otherwise the transpose, Q[c][r]
                out[off + r * cols + c] = (float) (gain * (rows >= cols ? q[c][r] : q[r][c]));
            }
        }
    }

    private static String choice(Arguments given, String key, String fallback, List<String> allowed) {
        String v = given.string(key, fallback);
        if (!allowed.contains(v)) {
            throw new IllegalArgumentException(key + " must be one of " + allowed + ", got " + Arguments.asSent(v));
        }
        return v;
    }
}
