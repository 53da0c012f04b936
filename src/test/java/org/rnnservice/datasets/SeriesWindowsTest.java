package org.rnnservice.datasets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.rnnservice.errors.ServiceException;

/**
 * Windows cut as Keras' {@code timeseries_dataset_from_array} documents them (its docstring's examples, release
 * 3.15.1), read straight from the stored series without copies; and the CSV reader that stores the series.
 */
class SeriesWindowsTest {

    /** A series whose value at row {@code i} is {@code i}: a window's values are its row indexes. */
    private static Series indexes(int rows) {
        float[] v = new float[rows];
        for (int i = 0; i < rows; i++) {
            v[i] = i;
        }
        return new Series(List.of("v"), new float[][] {v}, rows);
    }

    private static SeriesWindowing window(int length, int stride, int rate, int start, Integer end, int horizon) {
        return new SeriesWindowing(length, stride, rate, start, end, List.of("v"), List.of("v"), horizon);
    }

    private static float[] inputs(SeriesWindows w, int i) {
        float[] out = new float[w.steps()];
        w.inputs(new int[] {i}, 0, 1, out);
        return out;
    }

    private static float[] targets(SeriesWindows w, int i) {
        float[] out = new float[w.targetSize()];
        w.targets(new int[] {i}, 0, 1, out);
        return out;
    }

    private static float[] row(int... values) {
        float[] out = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = values[i];
        }
        return out;
    }

    @Test
    void kerasExampleOneStrideAndSamplingRate() {
        // "Consider indices [0, 1, ... 98]. With sequence_length=10, sampling_rate=2, sequence_stride=3, ..."
        SeriesWindows w = new SeriesWindows(indexes(99), window(10, 3, 2, 0, null, 1));
        assertArrayEquals(row(0, 2, 4, 6, 8, 10, 12, 14, 16, 18), inputs(w, 0), "First sequence");
        assertArrayEquals(row(3, 5, 7, 9, 11, 13, 15, 17, 19, 21), inputs(w, 1), "Second sequence");
        assertArrayEquals(row(6, 8, 10, 12, 14, 16, 18, 20, 22, 24), inputs(w, 2), "Third sequence");
        // "Last sequence: [78 80 82 84 86 88 90 92 94 96]": the next would start at 81 and run past 98
        assertArrayEquals(row(78, 80, 82, 84, 86, 88, 90, 92, 94, 96), inputs(w, w.count() - 1), "Last sequence");
        assertEquals(27, w.count());
        // the target of a window is its next step: sampling_rate rows after its last row
        assertArrayEquals(row(98), targets(w, w.count() - 1));
    }

    @Test
    void kerasExampleTwoNextStepRegression() {
        // "input_data = data[:-10]; targets = data[10:]; ... sequence_length=10":
        // inputs[0] == data[:10], targets[0] == data[10]
        float[] data = new float[60];
        for (int i = 0; i < data.length; i++) {
            data[i] = (float) Math.sin(i * 0.3);
        }
        SeriesWindows w = new SeriesWindows(new Series(List.of("v"), new float[][] {data}, 60),
                window(10, 1, 1, 0, null, 1));
        assertArrayEquals(java.util.Arrays.copyOf(data, 10), inputs(w, 0));
        assertArrayEquals(new float[] {data[10]}, targets(w, 0));
        assertArrayEquals(java.util.Arrays.copyOfRange(data, 49, 59), inputs(w, w.count() - 1));
        assertArrayEquals(new float[] {data[59]}, targets(w, w.count() - 1), "the last row is the last target");
    }

    @Test
    void startAndEndIndexBoundEveryRowRead() {
        // "start_index: data points earlier than start_index will not be used"; "end_index: ... later (exclusive)"
        SeriesWindows w = new SeriesWindows(indexes(99), window(10, 3, 2, 5, 50, 1));
        assertArrayEquals(row(5, 7, 9, 11, 13, 15, 17, 19, 21, 23), inputs(w, 0));
        assertEquals(9, w.count()); // starts 5, 8, ..., 29: the last reads rows up to 47 and targets 49
        assertArrayEquals(row(29, 31, 33, 35, 37, 39, 41, 43, 45, 47), inputs(w, 8));
        assertArrayEquals(row(49), targets(w, 8));
    }

    @Test
    void aHorizonGivesASequenceOfTargetsPerColumn() {
        float[] a = row(0, 1, 2, 3, 4, 5, 6, 7);
        float[] b = row(100, 101, 102, 103, 104, 105, 106, 107);
        SeriesWindows w = new SeriesWindows(new Series(List.of("a", "b"), new float[][] {a, b}, 8),
                new SeriesWindowing(3, 1, 1, 0, null, List.of("a"), List.of("a", "b"), 2));
        assertEquals(4, w.count()); // starts 0..3: the last window's second step is row 7
        assertArrayEquals(row(3, 103, 4, 104), targets(w, 0), "[horizon][targets]");
        assertEquals(List.of(2, 2), w.windowing().targetShape());
    }

    @Test
    void theCsvIsStoredColumnByColumnWithoutItsNonNumericColumns() throws Exception {
        String csv = "date,load,temp\n2026-01-01,10,1.5\n2026-01-02,11,2.5\n2026-01-03,12,3.5\n";
        Series s = new CsvDatasetParser().read(new ByteArrayInputStream(csv.getBytes(StandardCharsets.UTF_8)), null,
                1000);
        assertEquals(List.of("load", "temp"), s.names());
        assertEquals(3, s.rows());
        assertArrayEquals(row(10, 11, 12), s.columns()[0]);
        assertArrayEquals(new float[] {1.5f, 2.5f, 3.5f}, s.columns()[1]);
    }

    @Test
    void quotedCellsSpacesAndTrailingBlankLinesReadAsKerasUsersWriteThem() throws Exception {
        String csv = "\"when\",\"value\"\n\"2026-01-01\", \"1.5\"\n\"2026-01-02\",2e1\n\"2026-01-03\", -3 \n\n\n";
        Series s = new CsvDatasetParser().read(new ByteArrayInputStream(csv.getBytes(StandardCharsets.UTF_8)), null,
                1000);
        assertEquals(List.of("value"), s.names());
        assertArrayEquals(new float[] {1.5f, 20f, -3f}, s.columns()[0]);
        Series noHeader = new CsvDatasetParser().read(new ByteArrayInputStream("4,5\n6,7\n".getBytes(
                StandardCharsets.UTF_8)), false, 1000);
        assertEquals(List.of("0", "1"), noHeader.names());
        assertArrayEquals(row(4, 6), noHeader.columns()[0]);
    }

    @Test
    void aCellThatIsNotANumberIsNamedByLineAndColumn() {
        String csv = "a,b\n1,2\n3,4\n5,x\n";
        ServiceException e = assertThrows(ServiceException.class, () -> new CsvDatasetParser().read(
                new ByteArrayInputStream(csv.getBytes(StandardCharsets.UTF_8)), null, 1000));
        assertEquals("CSV line 4, column 1: 'x' is not a finite number", e.getMessage());
    }

    @Test
    void aSeriesPastTheValueLimitIsRefusedWhileItStreams() {
        String csv = "a,b\n" + "1,2\n".repeat(11);
        ServiceException e = assertThrows(ServiceException.class, () -> new CsvDatasetParser().read(
                new ByteArrayInputStream(csv.getBytes(StandardCharsets.UTF_8)), null, 20));
        assertEquals(ServiceException.Kind.TOO_LARGE, e.kind());
        assertTrue(e.getMessage().contains("rnn.limits.dataset-values"), e.getMessage());
    }
}
