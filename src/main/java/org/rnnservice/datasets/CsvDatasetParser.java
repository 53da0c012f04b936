package org.rnnservice.datasets;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import org.rnnservice.errors.ServiceException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.io.NumberInput;
import tools.jackson.dataformat.csv.CsvMapper;
import tools.jackson.dataformat.csv.CsvReadFeature;

/**
 * A CSV time series read row by row into numeric columns (a column whose first value is not a number, such as a date,
 * is not kept), then cut into windows by {@link SeriesWindowing}: the values are stored once, whatever the windows.
 */
final class CsvDatasetParser {

    /** Rows come as arrays of string cells, one after the other. */
    private static final CsvMapper CSV = CsvMapper.builder().enable(CsvReadFeature.TRIM_SPACES).build();

    /**
     * The query parameters, in {@code timeseries_dataset_from_array}'s words; {@code targets} and {@code features}
     * are comma-separated column names or indexes (null: the last column, and the targets); {@code header} is true,
     * false or null (detect from the first rows); {@code targetsParam} is the query parameter that named the targets
     * ({@code target} is the former name), for errors.
     */
    record Options(int sequenceLength, int sequenceStride, int samplingRate, int startIndex, Integer endIndex,
                   String targets, String targetsParam, String features, int horizon, Boolean header) {
    }

    /**
     * Reads the series, refusing (413) one of more than {@code maxValues} values as soon as it grows past them. The
     * first rows are read as text, to tell a header and choose the numeric columns; every row after them goes cell by
     * cell from the parser's buffer into the columns, without a string per cell.
     */
    Series read(InputStream body, Boolean header, long maxValues) throws IOException {
        Columns columns = null;
        String[] first = null;
        List<String> text = new ArrayList<>(); // the cells of a row read as text
        int line = 0;
        int blankLine = 0; // the first blank line, refused once a row follows it
        int cells = 0;
        boolean blank = false;
        try (JsonParser p = CSV.createParser(body)) {
            for (JsonToken t = p.nextToken(); t != null; t = p.nextToken()) {
                if (t == JsonToken.START_ARRAY) {
                    line = p.currentLocation().getLineNr();
                    cells = 0;
                    blank = true;
                    text.clear();
                } else if (t == JsonToken.END_ARRAY) {
                    if (cells == 0 || cells == 1 && blank) {
                        blankLine = blankLine == 0 ? line : blankLine;
                        if (columns != null) {
                            columns.dropRow();
                        }
                        continue;
                    }
                    if (blankLine > 0) {
                        // dropping it would join the rows around it into windows that never happened in the series
                        throw ServiceException.badRequest("body", "CSV line " + blankLine + " is blank: a series has"
                                + " one row per time step, so remove the gap or fill it in (blank lines at the end"
                                + " are fine)");
                    }
                    if (columns != null) {
                        columns.endRow(cells, line);
                        continue;
                    }
                    String[] row = text.toArray(new String[0]);
                    if (first == null) {
                        first = row;
                        if (!Boolean.TRUE.equals(header) && !Boolean.FALSE.equals(header)) {
                            continue; // detected below, from the row after it
                        }
                        columns = new Columns(Boolean.TRUE.equals(header) ? row : null, maxValues);
                        if (Boolean.FALSE.equals(header)) {
                            columns.add(row, line);
                        }
                        continue;
                    }
                    // detected: the first row is a header when it has fewer numbers than the row after it
                    boolean isHeader = numbers(first) < numbers(row) || numbers(first) == 0;
                    columns = new Columns(isHeader ? first : null, maxValues);
                    if (!isHeader) {
                        columns.add(first, line - 1);
                    }
                    columns.add(row, line);
                } else if (t == JsonToken.VALUE_STRING) {
                    char[] chars = p.getTextCharacters();
                    int off = p.getTextOffset();
                    int len = p.getTextLength();
                    blank = cells == 0 && isBlank(chars, off, len);
                    if (columns != null) {
                        columns.cell(cells, chars, off, len, line);
                    } else {
                        text.add(new String(chars, off, len));
                    }
                    cells++;
                }
            }
        } catch (tools.jackson.core.JacksonException e) {
            throw ServiceException.badRequest("body", "unreadable CSV: " + e.getOriginalMessage());
        }
        if (columns == null && first != null && numbers(first) > 0) {
            columns = new Columns(null, maxValues);
            columns.add(first, line);
        }
        if (columns == null || columns.rows == 0) {
            throw ServiceException.badRequest("body", first == null ? "the CSV is empty" : "the CSV has no data rows");
        }
        return columns.series();
    }

    private static boolean isBlank(char[] chars, int off, int len) {
        for (int i = off; i < off + len; i++) {
            if (!Character.isWhitespace(chars[i])) {
                return false;
            }
        }
        return true;
    }

    /** Refuses options that no series could satisfy, before a body is read. */
    void check(Options o) {
        positive(o.sequenceLength(), "sequence_length", "the window length in rows");
        positive(o.sequenceStride(), "sequence_stride", "rows between window starts");
        positive(o.samplingRate(), "sampling_rate", "rows between a window's steps");
        positive(o.horizon(), "horizon", "forecast steps after the window (1 = the next step)");
        if (o.startIndex() < 0) {
            throw ServiceException.badRequest("start_index", "start_index must be 0 or more");
        }
        if (o.endIndex() != null && o.endIndex() <= o.startIndex()) {
            throw ServiceException.badRequest("end_index", "end_index must be after start_index (" + o.startIndex()
                    + "); it is exclusive");
        }
    }

    /** The windows the options ask for over {@code series}, checked against it. */
    SeriesWindowing windowing(Series series, Options o) {
        check(o);
        List<String> targets = names(series, o.targets() == null || o.targets().isBlank()
                ? series.names().get(series.names().size() - 1) : o.targets(), o.targetsParam());
        List<String> features = o.features() == null || o.features().isBlank() ? targets
                : names(series, o.features(), "features");
        SeriesWindowing w = new SeriesWindowing(o.sequenceLength(), o.sequenceStride(), o.samplingRate(),
                o.startIndex(), o.endIndex(), features, targets, o.horizon());
        if (w.count(series.rows()) < 1) {
            throw ServiceException.unprocessable("sequence_length", "the CSV has " + series.rows() + " data rows: too"
                    + " few for one window of " + o.sequenceLength() + " steps " + o.samplingRate() + " row(s) apart"
                    + " and a horizon of " + o.horizon() + " between rows " + o.startIndex() + " and "
                    + (o.endIndex() == null ? series.rows() : o.endIndex()));
        }
        return w;
    }

    private static List<String> names(Series series, String refs, String param) {
        List<String> out = new ArrayList<>();
        for (String ref : refs.split(",")) {
            out.add(series.names().get(series.column(ref.trim(), param)));
        }
        return out;
    }

    private static void positive(int value, String param, String meaning) {
        if (value < 1) {
            throw ServiceException.badRequest(param, param + " must be a positive integer: " + meaning);
        }
    }

    private static int numbers(String[] row) {
        int n = 0;
        for (String cell : row) {
            n += parses(cell) ? 1 : 0;
        }
        return n;
    }

    private static boolean parses(String cell) {
        try {
            Float.parseFloat(cell);
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /**
     * The numeric columns as they grow, chosen at the first data row; each kept in chunks, so that growing copies
     * nothing and the whole column exists once, when it is put together at the end.
     */
    private static final class Columns {
        private static final int CHUNK = 1 << 16;

        private final String[] header; // null: columns named by index
        private final long maxValues;
        private String[] names;
        private int[] kept; // the CSV column of each stored column
        private int[] column; // the stored column of each CSV column, -1 when not kept
        private float[] values; // the current row's kept values
        private int badColumn = -1; // the current row's first cell that is not a number, or -1
        private String badCell;
        private List<List<float[]>> chunks;
        private int rows;

        Columns(String[] header, long maxValues) {
            this.header = header;
            this.maxValues = maxValues;
        }

        /** A whole row given as text: the first rows, read before the columns were chosen. */
        void add(String[] row, int line) {
            if (kept == null) {
                choose(row);
            }
            for (int c = 0; c < row.length; c++) {
                cell(c, row[c].toCharArray(), 0, row[c].length(), line);
            }
            endRow(row.length, line);
        }

        /**
         * Cell {@code c} of the current row: parsed when its column is kept. A value that is not a number is
         * remembered, not refused yet: a row of one empty cell is a blank line, which ends the series or is refused
         * as a gap.
         */
        void cell(int c, char[] chars, int off, int len, int line) {
            if (c >= column.length || column[c] < 0 || badColumn >= 0) {
                return;
            }
            try {
                float v = NumberInput.parseFloat(chars, off, len, true);
                if (Float.isFinite(v)) {
                    values[column[c]] = v;
                    return;
                }
            } catch (NumberFormatException ignored) {
                // remembered below
            }
            badColumn = c;
            badCell = new String(chars, off, len);
        }

        /** Forgets the current row's cells: it was blank. */
        void dropRow() {
            badColumn = -1;
        }

        /** Ends the current row of {@code cells} cells: checked, then its kept values stored. */
        void endRow(int cells, int line) {
            if (cells != names.length) {
                throw ServiceException.badRequest("body", "CSV line " + line + " has " + cells
                        + " columns, expected " + names.length);
            }
            if (badColumn >= 0) {
                throw ServiceException.badRequest("body", "CSV line " + line + ", column " + badColumn + ": '"
                        + badCell + "' is not a finite number");
            }
            if ((long) (rows + 1) * kept.length > maxValues) {
                DatasetValues.check((long) (rows + 1) * kept.length, maxValues, "the series", "body",
                        "; upload fewer rows or columns");
            }
            int at = rows % CHUNK;
            for (int k = 0; k < kept.length; k++) {
                List<float[]> chunked = chunks.get(k);
                if (at == 0) {
                    chunked.add(new float[CHUNK]);
                }
                chunked.get(chunked.size() - 1)[at] = values[k];
            }
            rows++;
        }

        /** Keeps the columns whose first value is a number. */
        private void choose(String[] first) {
            names = new String[header != null ? header.length : first.length];
            List<Integer> numeric = new ArrayList<>();
            for (int c = 0; c < names.length; c++) {
                names[c] = header != null ? header[c] : Integer.toString(c);
                if (c < first.length && parses(first[c])) {
                    numeric.add(c);
                }
            }
            if (numeric.isEmpty()) {
                throw ServiceException.badRequest("body", "the CSV has no numeric column: a series needs numbers");
            }
            kept = numeric.stream().mapToInt(Integer::intValue).toArray();
            column = new int[names.length];
            java.util.Arrays.fill(column, -1);
            for (int k = 0; k < kept.length; k++) {
                column[kept[k]] = k;
            }
            values = new float[kept.length];
            chunks = new ArrayList<>();
            for (int k = 0; k < kept.length; k++) {
                chunks.add(new ArrayList<>());
            }
        }

        Series series() {
            List<String> kept = new ArrayList<>();
            float[][] columns = new float[this.kept.length][];
            for (int k = 0; k < this.kept.length; k++) {
                kept.add(names[this.kept[k]]);
                columns[k] = new float[rows];
                List<float[]> column = chunks.get(k);
                for (int c = 0; c < column.size(); c++) {
                    System.arraycopy(column.get(c), 0, columns[k], c * CHUNK, Math.min(CHUNK, rows - c * CHUNK));
                }
                column.clear(); // the column is whole: its chunks go before the next one is put together
            }
            return new Series(List.copyOf(kept), columns, rows);
        }
    }
}
