package org.rnnservice.datasets;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The forecasts a forecaster checks a model against first, scored on a range of windows in the series' own units:
 * {@code last_value} (every step after a window is its last row's value) and, given a season of {@code m} rows,
 * {@code seasonal} (a step is the value one season earlier, repeated back until it falls inside the window).
 */
public final class NaiveForecasts {

    private NaiveForecasts() {
    }

    /** {@code {"last_value": {"val_mae", "val_rmse"}, "seasonal": ...}} over windows {@code [from, to)}. */
    static Map<String, Map<String, Double>> score(SeriesWindows windows, int from, int to, Integer seasonality) {
        Map<String, Map<String, Double>> out = new LinkedHashMap<>();
        sources(seasonality).forEach((name, source) -> out.put(name, score(windows, from, to, source)));
        return out;
    }

    /** The naive forecasts by name: {@code last_value}, and {@code seasonal} given a season of rows. */
    private static Map<String, Source> sources(Integer seasonality) {
        Map<String, Source> out = new LinkedHashMap<>();
        out.put("last_value", (last, row) -> last);
        if (seasonality != null) {
            int m = seasonality;
            out.put("seasonal", (last, row) -> row - (long) m * ((row - last + m - 1) / m));
        }
        return out;
    }

    /**
     * Per window of {@code [from, to)}: the series row of its first forecast step, the truth there (first target),
     * and each naive forecast of it: what a page plots against the model's forecast.
     */
    static Comparison compare(SeriesWindows windows, int from, int to, Integer seasonality) {
        SeriesWindowing w = windows.windowing();
        int n = to - from;
        long[] rows = new long[n];
        float[] truth = new float[n];
        Map<String, Source> sources = sources(seasonality);
        Map<String, float[]> naive = new LinkedHashMap<>();
        sources.keySet().forEach(name -> naive.put(name, new float[n]));
        for (int i = 0; i < n; i++) {
            long lastRow = w.last(from + i);
            long row = w.targetRow(from + i, 1);
            rows[i] = row;
            truth[i] = windows.target(0, row);
            for (Map.Entry<String, Source> source : sources.entrySet()) {
                naive.get(source.getKey())[i] = windows.target(0, source.getValue().row(lastRow, row));
            }
        }
        return new Comparison(w.targets().get(0), rows, truth, naive);
    }

    /** The first forecast step of a range of windows: its rows, the truth and the naive forecasts there. */
    public record Comparison(String target, long[] rows, float[] truth, Map<String, float[]> naive) {
    }

    /** Where a naive forecast reads the value for {@code row}, given the window's last row. */
    private interface Source {
        long row(long lastRow, long targetRow);
    }

    private static Map<String, Double> score(SeriesWindows windows, int from, int to, Source source) {
        SeriesWindowing w = windows.windowing();
        double absolute = 0;
        double squared = 0;
        long n = 0;
        for (int i = from; i < to; i++) {
            long last = w.last(i);
            for (int h = 1; h <= w.horizon(); h++) {
                long row = w.targetRow(i, h);
                for (int k = 0; k < w.targets().size(); k++) {
                    double e = (double) windows.target(k, source.row(last, row)) - windows.target(k, row);
                    absolute += Math.abs(e);
                    squared += e * e;
                    n++;
                }
            }
        }
        Map<String, Double> score = new LinkedHashMap<>();
        score.put("val_mae", absolute / n);
        score.put("val_rmse", Math.sqrt(squared / n));
        return score;
    }
}
