package org.rnnservice.models;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.rnnservice.datasets.SeriesWindowing;
import org.rnnservice.engine.layers.LayerShape;
import org.rnnservice.engine.model.Sequential;
import org.rnnservice.errors.ServiceException;

/**
 * Forecasts {@code horizon} steps after a history: the model predicts from the last window of the history, its
 * predictions are appended as the next steps (each target fed back as the feature of the same column), and so on
 * until the horizon is covered; a model that forecasts several steps at once (trained with a {@code horizon}) covers
 * them in one go. Values are in the history's units, as a model with Normalization layers takes and gives them.
 */
final class Forecaster {

    /** One forward pass of the model on one window of {@code steps} rows of features. */
    interface Predict {
        float[] apply(float[] window, int steps) throws IOException;
    }

    /**
     * How a model version forecasts: its window ({@code length} steps, or the whole history when null), the steps one
     * prediction covers, the targets per step, and for each input feature the target it is fed back from.
     */
    record Plan(Integer length, int samplingRate, int stepsPerPrediction, int targets, int[] feedback,
                List<String> targetNames) {

        /** The plan of a version trained on a series, or of a model whose output at each step is its next input. */
        static Plan of(Sequential model, SeriesWindowing series) {
            LayerShape in = model.inputShape();
            LayerShape out = model.outputShape();
            if (series != null) {
                int[] feedback = new int[series.features().size()];
                for (int f = 0; f < feedback.length; f++) {
                    feedback[f] = series.targets().indexOf(series.features().get(f));
                    if (feedback[f] < 0) {
                        throw ServiceException.unprocessable("history", "feature '" + series.features().get(f)
                                + "' is not a target, so a forecast cannot feed it back; predict with the feature's"
                                + " future values instead, or train with it among the targets");
                    }
                }
                return new Plan(series.sequenceLength(), series.samplingRate(), series.horizon(),
                        series.targets().size(), feedback, series.targets());
            }
            if (!in.sequence() || out.features() != in.features()) {
                throw ServiceException.unprocessable("history", "this model version was not trained on a series, and"
                        + " its output (" + out.features() + " values a step) is not its next input (" + in.features()
                        + " features a step): train it on a CSV series to forecast with it");
            }
            int[] identity = new int[in.features()];
            for (int f = 0; f < identity.length; f++) {
                identity[f] = f;
            }
            return new Plan(in.steps(), 1, 1, in.features(), identity, null);
        }
    }

    private Forecaster() {
    }

    /** The {@code horizon} steps after {@code history} ({@code [rows][features]}), each of {@code targets} values. */
    static List<float[]> forecast(Plan plan, List<float[]> history, int horizon, Predict predict) throws IOException {
        int rate = plan.samplingRate();
        // the rows a window can read: every rate-th row back from the last, oldest first
        List<float[]> steps = new ArrayList<>();
        for (int row = (history.size() - 1) % rate; row < history.size(); row += rate) {
            steps.add(history.get(row));
        }
        int length = plan.length() == null ? steps.size() : plan.length();
        if (steps.size() < length) {
            throw ServiceException.unprocessable("history", "the history has " + history.size() + " rows; this model"
                    + " reads windows of " + length + " steps" + (rate > 1 ? " " + rate + " rows apart (" + ((length
                    - 1) * rate + 1) + " rows)" : ""));
        }
        int features = plan.feedback().length;
        List<float[]> out = new ArrayList<>();
        while (out.size() < horizon) {
            int window = plan.length() == null ? steps.size() : length;
            float[] x = new float[window * features];
            for (int t = 0; t < window; t++) {
                System.arraycopy(steps.get(steps.size() - window + t), 0, x, t * features, features);
            }
            float[] y = predict.apply(x, window);
            for (int h = 0; h < plan.stepsPerPrediction() && out.size() < horizon; h++) {
                float[] targets = java.util.Arrays.copyOfRange(y, h * plan.targets(), (h + 1) * plan.targets());
                out.add(targets);
                float[] next = new float[features];
                for (int f = 0; f < features; f++) {
                    next[f] = targets[plan.feedback()[f]];
                }
                steps.add(next);
            }
        }
        return out;
    }
}
