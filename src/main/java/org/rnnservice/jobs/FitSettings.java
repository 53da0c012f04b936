package org.rnnservice.jobs;

import org.rnnservice.engine.train.EarlyStopping;
import org.rnnservice.engine.train.FitOptions;
import org.rnnservice.errors.ServiceException;

/** A job's {@code fit()} arguments as the engine takes them, Keras' defaults filled in. */
final class FitSettings {

    private FitSettings() {
    }

    /** For a new job: omitted arguments take Keras' defaults (epochs 1, batch 32, shuffle, no validation). */
    static FitOptions of(JobRequest r) {
        return of(r.epochs() == null ? 1 : r.epochs(), r.batchSize() == null ? 32 : r.batchSize(),
                r.shuffle() == null || r.shuffle(), r.validationSplit() == null ? 0 : r.validationSplit(), 0,
                r.earlyStopping());
    }

    /** For a stored job, with its seed. */
    static FitOptions of(JobRecord r) {
        return of(r.epochs(), r.batchSize(), r.shuffle(), r.validationSplit(), r.seed(), r.earlyStopping());
    }

    private static FitOptions of(int epochs, int batchSize, boolean shuffle, double split, long seed,
                                 JobRequest.EarlyStoppingRequest es) {
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
        return new FitOptions(epochs, batchSize, shuffle, split, seed, config);
    }
}
