package org.rnnservice.tuning;

import java.util.List;
import java.util.Map;
import org.rnnservice.errors.ServiceException;
import org.rnnservice.jobs.RunSearch;

/** KerasTuner's {@code Objective}: the metric a search optimises and whether lower or higher is better. */
record Objective(String name, String direction) {

    boolean better(double a, double b) {
        return "max".equals(direction) ? a > b : a < b;
    }

    /** The best of several values in this direction. */
    double best(List<Double> values) {
        double best = "max".equals(direction) ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
        for (Double v : values) {
            if (v != null && !v.isNaN() && better(v, best)) {
                best = v;
            }
        }
        return best;
    }

    /** From the request: a name (direction inferred) or {@code {name, direction}}; null means {@code fallback}. */
    static Objective of(Object given, String fallback) {
        if (given == null) {
            return new Objective(fallback, inferred(fallback));
        }
        if (given instanceof String name && !name.isBlank()) {
            return new Objective(name, inferred(name));
        }
        if (given instanceof Map<?, ?> map && map.get("name") instanceof String name && !name.isBlank()
                && map.keySet().stream().allMatch(k -> k.equals("name") || k.equals("direction"))) {
            Object direction = map.get("direction");
            if (direction == null) {
                return new Objective(name, inferred(name));
            }
            if (direction.equals("min") || direction.equals("max")) {
                return new Objective(name, (String) direction);
            }
            throw ServiceException.badRequest("objective.direction", "direction must be min or max");
        }
        throw ServiceException.badRequest("objective", "objective is a metric name such as \"val_loss\", or"
                + " {\"name\": \"val_accuracy\", \"direction\": \"max\"}");
    }

    private static String inferred(String name) {
        return RunSearch.higherIsBetter(name) ? "max" : "min";
    }
}
