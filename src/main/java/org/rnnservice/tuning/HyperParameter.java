package org.rnnservice.tuning;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.rnnservice.engine.layers.Arguments;
import org.rnnservice.errors.ServiceException;

/**
 * One tunable value in KerasTuner's serialised form ({@code {"class_name": "Int", "config": {"name": "units",
 * "min_value": 5, "max_value": 50, "step": 5}}}): its default, the values a grid walks, and a random draw.
 */
sealed interface HyperParameter {

    /** Grids larger than this are refused rather than enumerated. */
    int MAX_GRID = 100_000;

    String name();

    Object defaultValue();

    /** Every value, in order, for {@code grid_search}; refused for a continuous range. */
    List<Object> gridValues();

    /** A value drawn as KerasTuner draws it: a uniform probability mapped through the sampling. */
    Object sample(Random random);

    /** {@code Int}: whole numbers from {@code min_value} to {@code max_value} by {@code step} (a factor with log). */
    record IntRange(String name, long min, long max, Long step, Sampling sampling, Long fallback)
            implements HyperParameter {
        @Override
        public Object defaultValue() {
            return fallback != null ? fallback : min;
        }

        @Override
        public List<Object> gridValues() {
            if (step == null && sampling != Sampling.LINEAR) {
                throw ServiceException.badRequest("hyperparameters", "Int '" + name + "' with " + sampling.word
                        + " sampling and no step is continuous: give a step (a factor for log sampling) for"
                        + " grid_search");
            }
            return Sampling.grid(sampling, min, max, step == null ? 1 : step, name).stream()
                    .map(d -> (Object) Math.round(d)).toList();
        }

        @Override
        public Object sample(Random random) {
            double p = random.nextDouble();
            return step != null || sampling == Sampling.LINEAR ? at(gridValues(), p)
                    : Math.round(sampling.value(p, min, max));
        }
    }

    /** {@code Float}: real numbers from {@code min_value} to {@code max_value}, on a grid when {@code step} is given. */
    record FloatRange(String name, double min, double max, Double step, Sampling sampling, Double fallback)
            implements HyperParameter {
        @Override
        public Object defaultValue() {
            return fallback != null ? fallback : min;
        }

        @Override
        public List<Object> gridValues() {
            if (step == null) {
                throw ServiceException.badRequest("hyperparameters", "Float '" + name + "' has no step, so a grid"
                        + " cannot walk it: give a step, use a Choice, or use random_search");
            }
            return Sampling.grid(sampling, min, max, step, name).stream().map(d -> (Object) d).toList();
        }

        @Override
        public Object sample(Random random) {
            double p = random.nextDouble();
            return step != null ? at(gridValues(), p) : sampling.value(p, min, max);
        }
    }

    /** {@code Choice}: one of {@code values}, all of one type. */
    record Choice(String name, List<Object> values, Object fallback) implements HyperParameter {
        @Override
        public Object defaultValue() {
            return fallback != null ? fallback : values.get(0);
        }

        @Override
        public List<Object> gridValues() {
            return values;
        }

        @Override
        public Object sample(Random random) {
            return values.get(random.nextInt(values.size()));
        }
    }

    /** {@code Boolean}: false or true. */
    record Flag(String name, boolean fallback) implements HyperParameter {
        @Override
        public Object defaultValue() {
            return fallback;
        }

        @Override
        public List<Object> gridValues() {
            return List.of(false, true);
        }

        @Override
        public Object sample(Random random) {
            return random.nextBoolean();
        }
    }

    /** {@code Fixed}: one value, recorded with the trial but never varied. */
    record Fixed(String name, Object value) implements HyperParameter {
        @Override
        public Object defaultValue() {
            return value;
        }

        @Override
        public List<Object> gridValues() {
            return List.of(value);
        }

        @Override
        public Object sample(Random random) {
            return value;
        }
    }

    /** The value a probability in [0, 1) falls on when the values split it evenly. */
    private static Object at(List<Object> values, double p) {
        return values.get(Math.min(values.size() - 1, (int) (p * values.size())));
    }

    /** KerasTuner's {@code sampling}: how a probability in [0, 1) maps into a range. */
    enum Sampling {
        LINEAR("linear"), LOG("log"), REVERSE_LOG("reverse_log");

        final String word;

        Sampling(String word) {
            this.word = word;
        }

        double value(double p, double min, double max) {
            return switch (this) {
                case LINEAR -> min + p * (max - min);
                case LOG -> min * Math.pow(max / min, p);
                case REVERSE_LOG -> max + min - min * Math.pow(max / min, 1 - p);
            };
        }

        /** The values from min to max: adding {@code step}, or with log sampling multiplying by it. */
        static List<Double> grid(Sampling sampling, double min, double max, double step, String name) {
            List<Double> out = new ArrayList<>();
            boolean multiply = sampling != LINEAR;
            for (int i = 0; ; i++) {
                double v = multiply ? min * Math.pow(step, i) : min + i * step;
                if (v > max + 1e-9 * Math.abs(max)) {
                    return out;
                }
                if (out.size() == MAX_GRID) {
                    throw ServiceException.badRequest("hyperparameters", "'" + name + "' has more than " + MAX_GRID
                            + " values; raise its step");
                }
                out.add(v);
            }
        }

        static Sampling of(String word, String field) {
            for (Sampling s : values()) {
                if (s.word.equals(word)) {
                    return s;
                }
            }
            throw ServiceException.badRequest(field, "sampling must be linear, log or reverse_log; got '" + word
                    + "'");
        }
    }

    /** Reads one entry of {@code hyperparameters}; anything KerasTuner would not accept is refused by name. */
    @SuppressWarnings("unchecked")
    static HyperParameter parse(Object entry, String path) {
        if (!(entry instanceof Map<?, ?> outer) || !(outer.get("class_name") instanceof String type)
                || !(outer.get("config") instanceof Map<?, ?>)) {
            throw ServiceException.badRequest(path, "each hyperparameter is {\"class_name\": \"Int\", \"config\":"
                    + " {\"name\": ..., ...}} as KerasTuner serialises it; class_name one of Int, Float, Choice,"
                    + " Boolean, Fixed");
        }
        Arguments top = new Arguments((Map<String, Object>) outer, path, "a hyperparameter", "class_name",
                "config");
        top.rejectUnknown();
        Arguments a = new Arguments((Map<String, Object>) outer.get("config"), path + ".config", type,
                "name");
        Object rawName = ((Map<?, ?>) outer.get("config")).get("name");
        if (!(rawName instanceof String name) || !name.matches("[A-Za-z_][A-Za-z0-9_./-]{0,63}")) {
            throw ServiceException.badRequest(path + ".config.name", "name must be 1-64 letters, digits or _ . / -,"
                    + " starting with a letter or _");
        }
        if (name.startsWith("tuner/")) {
            throw ServiceException.badRequest(path + ".config.name", "names starting with tuner/ are KerasTuner's"
                    + " own (hyperband's tuner/epochs, ...)");
        }
        Object conditions = a.raw("conditions");
        if (conditions instanceof List<?> list && !list.isEmpty()) {
            throw ServiceException.badRequest(a.field("conditions"), "conditional hyperparameters are not supported:"
                    + " give each a value in every trial (leave conditions out or empty)");
        }
        HyperParameter hp = switch (type) {
            case "Int" -> intRange(name, a);
            case "Float" -> floatRange(name, a);
            case "Choice" -> choice(name, a);
            case "Boolean" -> new Flag(name, a.bool("default", false));
            case "Fixed" -> {
                Object v = a.raw("value");
                if (!(v instanceof Number || v instanceof String || v instanceof Boolean)) {
                    throw ServiceException.badRequest(a.field("value"), "Fixed '" + name + "' needs a value: a"
                            + " number, a string or true/false");
                }
                yield new Fixed(name, v);
            }
            default -> throw ServiceException.badRequest(path + ".class_name", "class_name must be one of Int,"
                    + " Float, Choice, Boolean, Fixed; got '" + type + "'");
        };
        a.rejectUnknown();
        return hp;
    }

    private static IntRange intRange(String name, Arguments a) {
        Long min = whole(a, "min_value", true);
        Long max = whole(a, "max_value", true);
        Long step = whole(a, "step", false);
        Sampling sampling = Sampling.of(a.string("sampling", "linear"),
                a.field("sampling"));
        Long fallback = whole(a, "default", false);
        checkRange(name, a, min, max, step == null ? null : step.doubleValue(), sampling,
                fallback == null ? null : fallback.doubleValue());
        return new IntRange(name, min, max, step, sampling, fallback);
    }

    private static FloatRange floatRange(String name, Arguments a) {
        Double min = a.optionalNumber("min_value");
        Double max = a.optionalNumber("max_value");
        if (min == null || max == null) {
            throw ServiceException.badRequest(a.field(min == null ? "min_value" : "max_value"), "Float '" + name
                    + "' needs min_value and max_value");
        }
        Double step = a.optionalNumber("step");
        Sampling sampling = Sampling.of(a.string("sampling", "linear"),
                a.field("sampling"));
        Double fallback = a.optionalNumber("default");
        checkRange(name, a, min, max, step, sampling, fallback);
        return new FloatRange(name, min, max, step, sampling, fallback);
    }

    private static void checkRange(String name, Arguments a, double min, double max, Double step,
                                   Sampling sampling, Double fallback) {
        if (min > max) {
            throw ServiceException.badRequest(a.field("min_value"), "'" + name + "': min_value " + min
                    + " is above max_value " + max);
        }
        if (sampling != Sampling.LINEAR && min <= 0) {
            throw ServiceException.badRequest(a.field("min_value"), "'" + name + "': " + sampling.word
                    + " sampling needs min_value above 0");
        }
        if (step != null && (step <= 0 || sampling != Sampling.LINEAR && step <= 1)) {
            throw ServiceException.badRequest(a.field("step"), "'" + name + "': step must be above 0 (above 1, a"
                    + " factor, with " + sampling.word + " sampling)");
        }
        if (fallback != null && (fallback < min || fallback > max)) {
            throw ServiceException.badRequest(a.field("default"), "'" + name + "': default " + fallback
                    + " is outside [" + min + ", " + max + "]");
        }
    }

    private static Long whole(Arguments a, String key, boolean required) {
        Long v = a.optionalLong(key, (long) 1e15);
        if (v == null && required) {
            throw ServiceException.badRequest(a.field(key), key + " must be a whole number");
        }
        return v;
    }

    private static Choice choice(String name, Arguments a) {
        Object raw = a.raw("values");
        if (!(raw instanceof List<?> values) || values.isEmpty() || values.size() > MAX_GRID) {
            throw ServiceException.badRequest(a.field("values"), "Choice '" + name + "' needs a list of 1 to "
                    + MAX_GRID + " values");
        }
        Class<?> kind = null;
        for (Object v : values) {
            Class<?> k = v instanceof Number ? Number.class : v instanceof String ? String.class
                    : v instanceof Boolean ? Boolean.class : null;
            if (k == null || kind != null && k != kind) {
                throw ServiceException.badRequest(a.field("values"), "Choice '" + name + "' values must all be"
                        + " numbers, all strings or all true/false (as KerasTuner requires)");
            }
            kind = k;
        }
        a.raw("ordered"); // KerasTuner's hint for Bayesian optimisation; the tuners here do not read an order
        Object fallback = a.raw("default");
        if (fallback != null && !values.contains(fallback)) {
            throw ServiceException.badRequest(a.field("default"), "Choice '" + name + "' default " + fallback
                    + " is not one of its values");
        }
        return new Choice(name, List.copyOf(values), fallback);
    }
}
