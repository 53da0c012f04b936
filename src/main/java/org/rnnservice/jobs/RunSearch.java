package org.rnnservice.jobs;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import org.rnnservice.errors.ServiceException;

/**
 * The subset of MLflow's run search syntax that jobs answer: a filter of clauses joined by {@code and}
 * ({@code metrics.val_loss < 0.1 and params.lstm.units = '64'}), metrics compared as numbers, params, tags and
 * attributes as strings ({@code =}, {@code !=}, {@code LIKE}, {@code ILIKE}); and an ordering
 * ({@code metrics.val_loss DESC, params.batch_size}). As in MLflow, a run without the key a clause names does not
 * match, and runs without the key an ordering names come last.
 */
public final class RunSearch {

    private static final List<String> ATTRIBUTES = List.of("id", "state", "model_id", "dataset_id", "submitted_at");

    private RunSearch() {
    }

    /** What a key names: a metric, a param, a tag or an attribute of the job. */
    private record Key(String entity, String name) {

        static Key parse(String text, String field) {
            int dot = text.indexOf('.');
            String entity = dot < 0 ? "" : switch (text.substring(0, dot).toLowerCase(Locale.ROOT)) {
                case "metrics", "metric" -> "metrics";
                case "params", "param", "parameters", "parameter" -> "params";
                case "tags", "tag" -> "tags";
                case "attributes", "attribute", "attr", "run" -> "attributes";
                default -> "";
            };
            String name = unquote(text.substring(dot + 1));
            if (entity.isEmpty() || name.isEmpty()) {
                throw ServiceException.badRequest(field, "'" + text + "' is not a key: write metrics.NAME,"
                        + " params.NAME, tags.NAME or attributes.NAME");
            }
            if (entity.equals("attributes") && !ATTRIBUTES.contains(name)) {
                throw ServiceException.badRequest(field, "no attribute '" + name + "'; jobs have " + ATTRIBUTES);
            }
            return new Key(entity, name);
        }

        private static String unquote(String name) {
            return name.length() >= 2 && (name.startsWith("`") && name.endsWith("`")
                    || name.startsWith("\"") && name.endsWith("\"")) ? name.substring(1, name.length() - 1) : name;
        }

        /** The last value of the metric this key names, or null when the job has none. */
        Double metric(JobRecord job) {
            List<Double> series = job.history() == null ? null : job.history().get(name);
            return series == null || series.isEmpty() ? null : series.get(series.size() - 1);
        }

        /** The value of this key on a job as text, or null when the job has none. */
        String text(JobRecord job) {
            return switch (entity) {
                case "metrics" -> {
                    Double v = metric(job);
                    yield v == null ? null : v.toString();
                }
                case "params" -> job.params().get(name);
                case "tags" -> job.tags().get(name);
                default -> switch (name) {
                    case "id" -> job.id();
                    case "state" -> job.state().name();
                    case "model_id" -> job.modelId();
                    case "dataset_id" -> job.datasetId();
                    default -> job.submittedAt().toString();
                };
            };
        }
    }

    // a key (dotted, or with a quoted name), an operator, a value (a number or a quoted string)
    private static final Pattern CLAUSE = Pattern.compile("\\s*([A-Za-z_]+\\.(?:`[^`]+`|\"[^\"]+\"|[A-Za-z0-9_.\\-/]+))"
            + "\\s*(<=|>=|!=|=|<|>|(?i:ilike|like))\\s*"
            + "('(?:[^']*)'|\"(?:[^\"]*)\"|[-+]?[0-9.]+(?:[eE][-+]?[0-9]+)?)\\s*");
    private static final Pattern AND = Pattern.compile("(?i)\\s+and\\s+");

    /** The jobs a filter selects; null or blank selects all. 400 naming {@code filter} for a filter it cannot read. */
    static Predicate<JobRecord> filter(String filter) {
        if (filter == null || filter.isBlank()) {
            return job -> true;
        }
        Predicate<JobRecord> all = job -> true;
        for (String clause : AND.split(filter.trim())) {
            var m = CLAUSE.matcher(clause);
            if (!m.matches()) {
                throw ServiceException.badRequest("filter", "cannot read '" + clause.trim() + "': write clauses such"
                        + " as metrics.val_loss < 0.1 or params.lstm.units = '64', joined by and");
            }
            all = all.and(clause(Key.parse(m.group(1), "filter"), m.group(2).toUpperCase(Locale.ROOT), m.group(3)));
        }
        return all;
    }

    private static Predicate<JobRecord> clause(Key key, String op, String literal) {
        boolean quoted = literal.startsWith("'") || literal.startsWith("\"");
        if (key.entity().equals("metrics")) {
            if (quoted || op.endsWith("LIKE")) {
                throw ServiceException.badRequest("filter", "metrics." + key.name() + " is a number: compare it with"
                        + " =, !=, <, <=, > or >= and a number");
            }
            double value = Double.parseDouble(literal);
            return job -> {
                Double v = key.metric(job);
                return v != null && compare(Double.compare(v, value), op);
            };
        }
        if (!quoted) {
            throw ServiceException.badRequest("filter", key.entity() + "." + key.name() + " is a string: quote the"
                    + " value, e.g. = '" + literal + "'");
        }
        String value = literal.substring(1, literal.length() - 1);
        return switch (op) {
            case "=" -> job -> value.equals(key.text(job));
            case "!=" -> job -> key.text(job) != null && !value.equals(key.text(job));
            case "LIKE" -> job -> key.text(job) != null && like(key.text(job), value);
            case "ILIKE" -> {
                String lower = value.toLowerCase(Locale.ROOT);
                yield job -> key.text(job) != null && like(key.text(job).toLowerCase(Locale.ROOT), lower);
            }
            default -> throw ServiceException.badRequest("filter", key.entity() + "." + key.name() + " is a string:"
                    + " compare it with =, !=, LIKE or ILIKE");
        };
    }

    private static boolean compare(int c, String op) {
        return switch (op) {
            case "=" -> c == 0;
            case "!=" -> c != 0;
            case "<" -> c < 0;
            case "<=" -> c <= 0;
            case ">" -> c > 0;
            default -> c >= 0;
        };
    }

    /**
     * SQL's LIKE: {@code %} any run of characters, {@code _} one character. Matched by the greedy two-pointer walk,
     * which takes time proportional to the product of the lengths at worst, where a regular expression built from a
     * user's pattern could backtrack exponentially.
     */
    static boolean like(String text, String pattern) {
        int t = 0;
        int p = 0;
        int star = -1;
        int resume = 0;
        while (t < text.length()) {
            if (p < pattern.length() && (pattern.charAt(p) == '_' || pattern.charAt(p) == text.charAt(t))
                    && pattern.charAt(p) != '%') {
                t++;
                p++;
            } else if (p < pattern.length() && pattern.charAt(p) == '%') {
                star = p++;
                resume = t;
            } else if (star >= 0) {
                p = star + 1;
                t = ++resume;
            } else {
                return false;
            }
        }
        while (p < pattern.length() && pattern.charAt(p) == '%') {
            p++;
        }
        return p == pattern.length();
    }

    /**
     * The order {@code orderBy} asks for ({@code key [ASC|DESC]}, comma-separated), then newest first; null or blank
     * is newest first.
     */
    static Comparator<JobRecord> order(String orderBy) {
        Comparator<JobRecord> newestFirst = Comparator.comparing(JobRecord::submittedAt).reversed();
        if (orderBy == null || orderBy.isBlank()) {
            return newestFirst;
        }
        List<Comparator<JobRecord>> parts = new ArrayList<>();
        for (String term : orderBy.split(",")) {
            String[] words = term.trim().split("\\s+");
            boolean descending = words.length == 2 && words[1].equalsIgnoreCase("DESC");
            if (words.length > 2 || words.length == 2 && !descending && !words[1].equalsIgnoreCase("ASC")) {
                throw ServiceException.badRequest("order_by", "cannot read '" + term.trim() + "': write a key and"
                        + " optionally ASC or DESC, e.g. metrics.val_loss DESC");
            }
            Key key = Key.parse(words[0], "order_by");
            parts.add(key.entity().equals("metrics") ? missingLast(key::metric, descending)
                    : missingLast(key::text, descending));
        }
        return parts.stream().reduce(Comparator::thenComparing).orElseThrow().thenComparing(newestFirst);
    }

    private static <T extends Comparable<T>> Comparator<JobRecord> missingLast(Function<JobRecord, T> value,
                                                                              boolean descending) {
        Comparator<T> natural = Comparator.naturalOrder();
        return Comparator.comparing(value, Comparator.nullsLast(descending ? natural.reversed() : natural));
    }

    /** Keras' direction for a metric, as its callbacks infer it: accuracies up, everything else down. */
    public static boolean higherIsBetter(String metric) {
        return metric.contains("acc");
    }

    /** For {@link JobRecord#metrics()}: the last value of each history series. */
    static Map<String, Double> last(Map<String, List<Double>> history) {
        Map<String, Double> out = new TreeMap<>();
        history.forEach((k, v) -> {
            if (!v.isEmpty()) {
                out.put(k, v.get(v.size() - 1));
            }
        });
        return out;
    }

    /** For {@link JobRecord#bestMetrics()}: the best value of each history series in Keras' direction. */
    static Map<String, Double> best(Map<String, List<Double>> history) {
        Map<String, Double> out = new TreeMap<>();
        history.forEach((k, v) -> v.stream().filter(x -> x != null && !x.isNaN())
                .reduce(higherIsBetter(k) ? Math::max : Math::min).ifPresent(b -> out.put(k, b)));
        return out;
    }
}
