package org.rnnservice.datasets;

import org.rnnservice.engine.train.Samples;

/**
 * The windows of a series as training samples, cut as batches are drawn: the series stays one float per value, each
 * window an index range over it ({@link SeriesWindowing}), never a copy.
 */
final class SeriesWindows implements Samples {

    private final SeriesWindowing window;
    private final float[][] features;
    private final float[][] targets;
    private final int count;

    SeriesWindows(Series series, SeriesWindowing window) {
        this.window = window;
        this.features = columns(series, window.features(), "features");
        this.targets = columns(series, window.targets(), "targets");
        this.count = Math.toIntExact(window.count(series.rows()));
    }

    private static float[][] columns(Series series, java.util.List<String> names, String param) {
        float[][] out = new float[names.size()][];
        for (int k = 0; k < out.length; k++) {
            out[k] = series.columns()[series.column(names.get(k), param)];
        }
        return out;
    }

    SeriesWindowing windowing() {
        return window;
    }

    /** The value of target column {@code k} at row {@code row}. */
    float target(int k, long row) {
        return targets[k][Math.toIntExact(row)];
    }

    @Override
    public int count() {
        return count;
    }

    @Override
    public int steps() {
        return window.sequenceLength();
    }

    @Override
    public int features() {
        return features.length;
    }

    @Override
    public int targetSize() {
        return window.targetSize();
    }

    @Override
    public void inputs(int[] order, int from, int n, float[] dst) {
        int f = features.length;
        int steps = window.sequenceLength();
        int rate = window.samplingRate();
        for (int i = 0; i < n; i++) {
            int start = (int) window.start(order[from + i]);
            int base = i * steps * f;
            for (int t = 0; t < steps; t++) {
                int row = start + t * rate;
                for (int k = 0; k < f; k++) {
                    dst[base + t * f + k] = features[k][row];
                }
            }
        }
    }

    @Override
    public void targets(int[] order, int from, int n, float[] dst) {
        int t = targets.length;
        int size = window.targetSize();
        for (int i = 0; i < n; i++) {
            int w = order[from + i];
            for (int h = 1; h <= window.horizon(); h++) {
                int row = (int) window.targetRow(w, h);
                for (int k = 0; k < t; k++) {
                    dst[i * size + (h - 1) * t + k] = targets[k][row];
                }
            }
        }
    }
}
