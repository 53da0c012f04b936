package org.rnnservice.datasets;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The forecasts a forecaster checks a model against first, scored on a range of windows in the series' own units:
 * {@code last_value} (every step after a window is its last row's value) and, given a season of {@code m} rows,
 * {@code seasonal} (a step is the value one season earlier, repeated back until it falls inside the window).
 */
final class NaiveForecasts {

    private NaiveForecasts() {
    }

    /** {@code {"last_value": {"val_mae", "val_rmse"}, "seasonal": ...}} over windows {@code [from, to)}. */
    static Map<String, Map<String, Double>> score(SeriesWindows windows, int from, int to, Integer seasonality) {
        Map<String, Map<String, Double>> out = new LinkedHashMap<>();
        out.put("last_value", score(windows, from, to, (last, row) -> last));
        if (seasonality != null) {
            int m = seasonality;
            out.put("seasonal", score(windows, from, to, (last, row) -> row - (long) m * ((row - last + m - 1) / m)));
        }
        return out;
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
