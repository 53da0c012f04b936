package org.rnnservice.jobs;

import java.util.List;
import java.util.Map;
import org.rnnservice.datasets.DatasetRecord;
import org.rnnservice.engine.train.FitOptions;
import org.rnnservice.engine.train.Trainer;
import org.rnnservice.engine.train.callbacks.EarlyStopping;
import org.rnnservice.engine.train.metrics.Metric;
import org.rnnservice.errors.ServiceException;

/** A job's {@code fit()} arguments as the engine takes them, Keras' defaults filled in. */
final class FitSettings {

    private FitSettings() {
    }

    /** For a new job: omitted arguments take Keras' defaults (epochs 1, batch 32, shuffle, no validation). */
    static FitOptions of(JobRequest r) {
        return of(r.epochs() == null ? 1 : r.epochs(), r.batchSize() == null ? 32 : r.batchSize(),
                r.shuffle() == null || r.shuffle(), r.validationSplit() == null ? 0 : r.validationSplit(), 0,
                r.earlyStopping(), r.classWeight(), r.callbacks());
    }

    /** For a stored job, with its seed. */
    static FitOptions of(JobRecord r) {
        return of(r.epochs(), r.batchSize(), r.shuffle(), r.validationSplit(), r.seed(), r.earlyStopping(),
                r.classWeight(), r.callbacks());
    }

    private static FitOptions of(int epochs, int batchSize, boolean shuffle, double split, long seed,
                                 JobRequest.EarlyStoppingRequest es, Map<String, Double> classWeight,
                                 List<Map<String, Object>> callbacks) {
        EarlyStopping.Config config = null;
        if (es != null) {
            try {
                config = new EarlyStopping.Config(es.monitor(), es.minDelta() == null ? 0 : es.minDelta(),
                        es.patience() == null ? 0 : es.patience(), es.mode(),
                        es.restoreBestWeights() != null && es.restoreBestWeights(),
                        es.startFromEpoch() == null ? 0 : es.startFromEpoch(), es.baseline());
            } catch (IllegalArgumentException e) {
                throw ServiceException.badRequest("early_stopping", "early_stopping: " + e.getMessage());
            }
        }
        CallbackSettings parsed = CallbackSettings.of(callbacks);
        if (parsed.earlyStopping() != null) {
            if (config != null) {
                throw ServiceException.badRequest("callbacks", "give EarlyStopping once: in callbacks or as"
                        + " early_stopping, not both");
            }
            config = parsed.earlyStopping();
        }
        try {
            return new FitOptions(epochs, batchSize, shuffle, split, seed, config, classes(classWeight),
                    parsed.reduceLr(), parsed.bestCheckpoint());
        } catch (IllegalArgumentException e) {
            throw ServiceException.badRequest("class_weight", e.getMessage());
        }
    }

    /**
     * A job on a series reports the errors a forecaster reads, {@code mae} and {@code rmse} (and their {@code val_}
     * forms), whatever its model was compiled with.
     */
    static void reportForecastErrors(Trainer trainer, DatasetRecord ds) {
        if (ds.isSeries()) {
            trainer.alsoReport(Metric.mae());
            trainer.alsoReport(Metric.rmse());
        }
    }

    /** {@code {"0": 1.0, "1": 3.0}} as class indices; a key that is not one is refused by name. */
    private static Map<Integer, Double> classes(Map<String, Double> classWeight) {
        if (classWeight == null) {
            return null;
        }
        Map<Integer, Double> out = new java.util.HashMap<>();
        for (Map.Entry<String, Double> e : classWeight.entrySet()) {
            try {
                out.put(Integer.parseInt(e.getKey().trim()), e.getValue() == null ? Double.NaN : e.getValue());
            } catch (NumberFormatException ex) {
                throw ServiceException.badRequest("class_weight." + e.getKey(), "class_weight keys are class indices"
                        + " (\"0\", \"1\", ...), got '" + e.getKey() + "'");
            }
        }
        return out;
    }
}
