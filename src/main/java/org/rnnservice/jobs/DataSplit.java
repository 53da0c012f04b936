package org.rnnservice.jobs;

import java.util.LinkedHashMap;
import java.util.Map;
import org.rnnservice.datasets.DatasetService;
import org.rnnservice.engine.train.FitOptions;
import org.rnnservice.engine.train.Samples;

/**
 * How a job's samples divide, in order from the end of its dataset: its {@code test} range, then its validation
 * range ({@code validation}, {@code validation_split}'s last samples, or a second dataset), and the samples before
 * them, which train. The validation range is samples {@code [validationFrom, validationTo)} of
 * {@code validationSource}; with {@code validation_split} the trainer cuts it from {@code training} itself.
 */
record DataSplit(Samples all, Samples training, Samples validation, Samples test, Samples validationSource,
                 int validationFrom, int validationTo) {

    static DataSplit of(JobRecord r, Samples all, Samples validationData, FitOptions options) {
        int n = all.count();
        Samples test = null;
        if (r.test() != null) {
            int tested = r.test().count(n, "test");
            test = all.slice(n - tested, n);
            n -= tested;
        }
        if (validationData != null) {
            return new DataSplit(all, first(all, n), validationData, test, validationData, 0,
                    validationData.count());
        }
        if (r.validation() != null) {
            int from = n - r.validation().count(n, "validation");
            return new DataSplit(all, all.slice(0, from), all.slice(from, n), test, all, from, n);
        }
        // validation_split: Keras holds out the last samples too, which the trainer cuts off itself
        return new DataSplit(all, first(all, n), null, test, all, options.trainCount(n), n);
    }

    /** The first {@code n} samples: all of them as they are, without a view that shifts every index. */
    private static Samples first(Samples all, int n) {
        return n == all.count() ? all : all.slice(0, n);
    }

    /** The samples that train, without a {@code validation_split}'s: what a Normalization adapts to. */
    Samples trainingOnly(FitOptions options) {
        return first(training, options.trainCount(training.count()));
    }

    /**
     * For a series: the naive forecasts' errors on the validation range ({@code val_mae}, {@code val_rmse}) and on
     * the test range ({@code test_mae}, {@code test_rmse}), each where there is one; null for other datasets.
     */
    Map<String, Map<String, Double>> baseline(DatasetService datasets, Integer seasonality) {
        Map<String, Map<String, Double>> validated = validationFrom < validationTo
                ? datasets.baseline(validationSource, validationFrom, validationTo, seasonality) : null;
        Map<String, Map<String, Double>> tested = test == null ? null
                : datasets.baseline(all, all.count() - test.count(), all.count(), seasonality);
        if (tested == null) {
            return validated;
        }
        Map<String, Map<String, Double>> out = new LinkedHashMap<>();
        tested.forEach((name, errors) -> {
            Map<String, Double> both = new LinkedHashMap<>(validated == null ? Map.of()
                    : validated.getOrDefault(name, Map.of()));
            errors.forEach((key, value) -> both.put(key.replaceFirst("^val_", "test_"), value));
            out.put(name, both);
        });
        return out;
    }
}
