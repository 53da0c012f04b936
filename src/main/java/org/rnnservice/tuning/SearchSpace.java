package org.rnnservice.tuning;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import org.rnnservice.errors.ServiceException;

/**
 * The hyperparameters of a tuning job and the model template that names them ({@code {"hp": "units"}} in place of
 * an argument's value): KerasTuner's {@code HyperParameters} with the template as its {@code build(hp)}.
 */
final class SearchSpace {

    private final List<HyperParameter> parameters;

    private SearchSpace(List<HyperParameter> parameters) {
        this.parameters = parameters;
    }

    /** Reads {@code hyperparameters} and checks that the template names each of them, and only them. */
    static SearchSpace of(List<Map<String, Object>> entries, Map<String, Object> template) {
        List<HyperParameter> parameters = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (int i = 0; i < entries.size(); i++) {
            HyperParameter hp = HyperParameter.parse(entries.get(i), "hyperparameters[" + i + "]");
            if (!names.add(hp.name())) {
                throw ServiceException.badRequest("hyperparameters[" + i + "].config.name", "'" + hp.name()
                        + "' is declared twice");
            }
            parameters.add(hp);
        }
        Set<String> used = new HashSet<>();
        collectNames(template, "model", used, names);
        for (HyperParameter hp : parameters) {
            if (!used.contains(hp.name())) {
                throw ServiceException.badRequest("hyperparameters", "'" + hp.name() + "' is declared but the model"
                        + " never names it: put {\"hp\": \"" + hp.name() + "\"} where its value goes, or drop it");
            }
        }
        return new SearchSpace(List.copyOf(parameters));
    }

    private static void collectNames(Object node, String path, Set<String> used, Set<String> declared) {
        if (node instanceof Map<?, ?> map) {
            if (map.containsKey("hp")) {
                if (map.size() != 1 || !(map.get("hp") instanceof String name)) {
                    throw ServiceException.badRequest(path, "a hyperparameter reference is exactly {\"hp\":"
                            + " \"NAME\"}");
                }
                if (!declared.contains(name)) {
                    throw ServiceException.badRequest(path, "'" + name + "' is not among the hyperparameters "
                            + declared);
                }
                used.add(name);
                return;
            }
            map.forEach((k, v) -> collectNames(v, path + "." + k, used, declared));
        } else if (node instanceof List<?> list) {
            for (int i = 0; i < list.size(); i++) {
                collectNames(list.get(i), path + "[" + i + "]", used, declared);
            }
        }
    }

    List<HyperParameter> parameters() {
        return parameters;
    }

    /** Every parameter at its default: the model a submission is checked with. */
    Map<String, Object> defaults() {
        Map<String, Object> values = new LinkedHashMap<>();
        parameters.forEach(hp -> values.put(hp.name(), hp.defaultValue()));
        return values;
    }

    /** The template with each reference replaced by its value in {@code values}. */
    static Map<String, Object> model(Map<String, Object> template, Map<String, Object> values) {
        @SuppressWarnings("unchecked")
        Map<String, Object> out = (Map<String, Object>) substitute(template, values);
        return out;
    }

    private static Object substitute(Object node, Map<String, Object> values) {
        if (node instanceof Map<?, ?> map) {
            if (map.size() == 1 && map.get("hp") instanceof String name) {
                return values.get(name);
            }
            Map<String, Object> out = new LinkedHashMap<>();
            map.forEach((k, v) -> out.put(String.valueOf(k), substitute(v, values)));
            return out;
        }
        if (node instanceof List<?> list) {
            return list.stream().map(v -> substitute(v, values)).toList();
        }
        return node;
    }

    /** The number of grid points, or {@code Long.MAX_VALUE} when a parameter is continuous. */
    long gridSize() {
        long size = 1;
        for (HyperParameter hp : parameters) {
            try {
                size = Math.multiplyExact(size, hp.gridValues().size());
            } catch (ServiceException | ArithmeticException e) {
                return Long.MAX_VALUE;
            }
        }
        return size;
    }

    /** The {@code index}-th grid point, the last parameter varying fastest (as KerasTuner's grid walks). */
    Map<String, Object> gridPoint(long index) {
        Map<String, Object> values = new LinkedHashMap<>();
        List<List<Object>> axes = parameters.stream().map(HyperParameter::gridValues).toList();
        long rest = index;
        Object[] picked = new Object[axes.size()];
        for (int i = axes.size() - 1; i >= 0; i--) {
            picked[i] = axes.get(i).get((int) (rest % axes.get(i).size()));
            rest /= axes.get(i).size();
        }
        for (int i = 0; i < axes.size(); i++) {
            values.put(parameters.get(i).name(), picked[i]);
        }
        return values;
    }

    /** Random values unlike any in {@code tried}, or null after KerasTuner's 20 collisions. */
    Map<String, Object> randomValues(Random random, Set<String> tried) {
        for (int attempt = 0; attempt < 20; attempt++) {
            Map<String, Object> values = new LinkedHashMap<>();
            parameters.forEach(hp -> values.put(hp.name(), hp.sample(random)));
            if (!tried.contains(key(values))) {
                return values;
            }
        }
        return null;
    }

    /** The values of this space's parameters in {@code values}, as one comparable text. */
    String key(Map<String, Object> values) {
        Map<String, String> own = new TreeMap<>();
        parameters.forEach(hp -> own.put(hp.name(), canonical(values.get(hp.name()))));
        return own.toString();
    }

    private static String canonical(Object v) {
        if (v instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue()) && !(v instanceof Double)
                && !(v instanceof Float)) {
            return Long.toString(n.longValue());
        }
        return String.valueOf(v);
    }
}
