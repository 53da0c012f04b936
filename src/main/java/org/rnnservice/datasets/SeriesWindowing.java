package org.rnnservice.datasets;

import java.util.List;

/**
 * How a series is cut into samples, in the words of Keras' {@code timeseries_dataset_from_array}: window {@code i}
 * starts at row {@code start_index + i * sequence_stride} and holds {@code sequence_length} rows {@code sampling_rate}
 * apart of the {@code features} columns; its targets are the {@code targets} columns at the {@code horizon} steps
 * after its last row (step {@code h} is {@code h * sampling_rate} rows on). Windows end before {@code end_index}
 * (exclusive, default the row count): no row at or after it is read, by inputs or targets.
 */
public record SeriesWindowing(int sequenceLength, int sequenceStride, int samplingRate, int startIndex,
                              Integer endIndex, List<String> features, List<String> targets, int horizon) {

    /** The first row of window {@code i}. */
    public long start(long i) {
        return startIndex + i * sequenceStride;
    }

    /** The last input row of window {@code i}. */
    public long last(long i) {
        return start(i) + (long) (sequenceLength - 1) * samplingRate;
    }

    /** The row of forecast step {@code h} (from 1) after window {@code i}. */
    public long targetRow(long i, int h) {
        return last(i) + (long) h * samplingRate;
    }

    /** How many windows fit in a series of {@code rows} rows. */
    public long count(int rows) {
        int end = endIndex == null ? rows : Math.min(endIndex, rows);
        long span = (long) (sequenceLength - 1 + horizon) * samplingRate; // first input row to last target row
        long room = end - 1L - startIndex - span;
        return room < 0 ? 0 : room / sequenceStride + 1;
    }

    /** Target values per window. */
    public int targetSize() {
        return horizon * targets.size();
    }

    /**
     * The targets' shape per window: {@code [targets]} for one step, {@code [horizon]} for one column,
     * {@code [horizon, targets]} otherwise (a model ends with {@code Reshape} to give it).
     */
    public List<Integer> targetShape() {
        if (horizon == 1) {
            return List.of(targets.size());
        }
        return targets.size() == 1 ? List.of(horizon) : List.of(horizon, targets.size());
    }
}
