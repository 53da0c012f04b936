package org.rnnservice.jobs;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.rnnservice.jobs.JobRequest.EarlyStoppingRequest;
import tools.jackson.databind.json.JsonMapper;

/**
 * A job's parameters as MLflow logs a run's: one string per setting under a stable name, so that runs can be searched
 * and compared. Layer arguments are named after the layer ({@code lstm.units}), compile settings plainly
 * ({@code optimizer}, {@code loss}), and fit settings by their Keras argument ({@code batch_size}).
 */
final class RunParams {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private RunParams() {
    }

    @SuppressWarnings("unchecked")
    static Map<String, String> of(Map<String, Object> definition, JobRecord job) {
        Map<String, String> params = new TreeMap<>();
        for (Object o : (List<Object>) definition.getOrDefault("layers", List.of())) {
            Map<String, Object> layer = (Map<String, Object>) o;
            String name = String.valueOf(layer.get("name"));
            layer.forEach((key, value) -> {
                if (!key.equals("name")) {
                    params.put(name + "." + (key.equals("type") ? "class_name" : key), text(value));
                }
            });
        }
        if (definition.get("compile") instanceof Map<?, ?> compile) {
            compile.forEach((key, value) -> {
                if (key.equals("optimizer") && value instanceof Map<?, ?> optimizer) {
                    optimizer.forEach((k, v) -> params.put(k.equals("type") ? "optimizer" : "optimizer." + k,
                            text(v)));
                } else {
                    params.put(String.valueOf(key), text(value));
                }
            });
        }
        params.put("epochs", text(job.epochs()));
        params.put("batch_size", text(job.batchSize()));
        params.put("shuffle", text(job.shuffle()));
        params.put("validation_split", text(job.validationSplit()));
        params.put("seed", text(job.seed()));
        params.put("dataset_id", job.datasetId());
        if (job.validationData() != null) {
            params.put("validation_data", job.validationData());
        }
        EarlyStoppingRequest stop = job.earlyStopping();
        if (stop != null) {
            params.put("early_stopping.monitor", text(stop.monitor()));
            params.put("early_stopping.patience", text(stop.patience()));
            params.put("early_stopping.min_delta", text(stop.minDelta()));
        }
        params.values().removeIf("null"::equals);
        return params;
    }

    /** A value as the text MLflow keeps for a param: scalars as written, lists and objects as JSON. */
    private static String text(Object value) {
        return value instanceof Map<?, ?> || value instanceof List<?> ? JSON.writeValueAsString(value)
                : String.valueOf(value);
    }
}
