package org.rnnservice.datasets;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import org.rnnservice.errors.ServiceException;
import tools.jackson.databind.MappingIterator;
import tools.jackson.dataformat.csv.CsvMapper;
import tools.jackson.dataformat.csv.CsvReadFeature;

/**
 * A CSV time series cut into sliding windows: sample {@code i} holds rows {@code i .. i+seq_len-1} of the feature
 * columns, and its target is the target column {@code horizon} rows after the window's last row.
 */
final class CsvDatasetParser {

    private static final CsvMapper CSV = CsvMapper.builder().enable(CsvReadFeature.WRAP_AS_ARRAY)
            .enable(CsvReadFeature.TRIM_SPACES).build();

    /** The query parameters: {@code header} is true, false or null (detect from the first row). */
    record Options(int seqLen, String target, String features, int horizon, Boolean header) {
    }

    /** Parses a CSV, refusing (413) windows that would hold more than {@code maxValues} values before making them. */
    ParsedData parse(InputStream body, Options o, long maxValues) throws IOException {
        if (o.seqLen() < 1) {
            throw ServiceException.badRequest("seq_len", "seq_len must be a positive integer: the window length");
        }
        if (o.horizon() < 1) {
            throw ServiceException.badRequest("horizon", "horizon must be at least 1 (1 = the next row)");
        }
        List<String[]> rows = new ArrayList<>();
        try (MappingIterator<String[]> it = CSV.readerFor(String[].class).readValues(body)) {
            int blankLine = 0; // the first blank line, refused once a row follows it
            while (it.hasNextValue()) {
                int line = it.currentLocation().getLineNr();
                String[] row = it.nextValue();
                if (row.length == 0 || row.length == 1 && row[0].isBlank()) {
                    blankLine = blankLine == 0 ? line : blankLine;
                    continue;
                }
                if (blankLine > 0) {
                    // dropping it would join the rows around it into windows that never happened in the series
                    throw ServiceException.badRequest("body", "CSV line " + blankLine + " is blank: a series has"
                            + " one row per time step, so remove the gap or fill it in (blank lines at the end are"
                            + " fine)");
                }
                rows.add(row);
            }
        } catch (tools.jackson.core.JacksonException e) {
            throw ServiceException.badRequest("body", "unreadable CSV: " + e.getOriginalMessage());
        }
        if (rows.isEmpty()) {
            throw ServiceException.badRequest("body", "the CSV is empty");
        }
        boolean header = o.header() != null ? o.header() : !numeric(rows.get(0));
        String[] names = header ? rows.remove(0) : null;
        int columns = names != null ? names.length : rows.get(0).length;
        int targetCol = o.target() == null ? columns - 1 : column(o.target(), names, columns, "target");
        List<Integer> featureCols = new ArrayList<>();
        if (o.features() == null || o.features().isBlank()) {
            featureCols.add(targetCol);
        } else {
            for (String f : o.features().split(",")) {
                featureCols.add(column(f.trim(), names, columns, "features"));
            }
        }
        int n = rows.size();
        float[][] values = new float[n][];
        for (int r = 0; r < n; r++) {
            String[] row = rows.get(r);
            if (row.length != columns) {
                throw ServiceException.badRequest("body", "CSV row " + (r + 1 + (header ? 1 : 0)) + " has " + row.length
                        + " columns, expected " + columns);
            }
            values[r] = new float[columns];
            for (int c = 0; c < columns; c++) {
                boolean used = c == targetCol || featureCols.contains(c);
                values[r][c] = used ? number(row[c], r + 1 + (header ? 1 : 0), c) : 0f;
            }
        }
        int samples = n - o.seqLen() - o.horizon() + 1;
        if (samples < 1) {
            throw ServiceException.unprocessable("seq_len", "the CSV has " + n + " data rows: too few for windows of "
                    + o.seqLen() + " rows and a horizon of " + o.horizon());
        }
        int f = featureCols.size();
        long windowValues = (long) samples * o.seqLen() * f;
        DatasetValues.check(windowValues, maxValues, samples + " windows of " + o.seqLen() + " rows", "seq_len",
                "; use a shorter seq_len or fewer rows");
        float[] x = new float[Math.multiplyExact(Math.multiplyExact(samples, o.seqLen()), f)];
        float[] y = new float[samples];
        boolean integers = true;
        for (int i = 0; i < samples; i++) {
            for (int t = 0; t < o.seqLen(); t++) {
                for (int k = 0; k < f; k++) {
                    x[(i * o.seqLen() + t) * f + k] = values[i + t][featureCols.get(k)];
                }
            }
            y[i] = values[i + o.seqLen() + o.horizon() - 1][targetCol];
            integers &= y[i] == Math.rint(y[i]);
        }
        String windowing = "x[i] = rows i .. i+" + (o.seqLen() - 1) + " of columns " + label(featureCols, names)
                + "; y[i] = column " + label(List.of(targetCol), names) + " at row i+" + (o.seqLen() + o.horizon() - 1)
                + " (" + n + " data rows" + (header ? " after the header" : "") + ", " + samples + " windows)";
        return new ParsedData("csv", x, List.of(samples, o.seqLen(), f), y, List.of(samples, 1), integers,
                null, null, o.seqLen(), 1, windowing);
    }

    private static String label(List<Integer> cols, String[] names) {
        return cols.stream().map(c -> names != null ? "'" + names[c] + "'" : String.valueOf(c)).toList().toString();
    }

    private static boolean numeric(String[] row) {
        for (String cell : row) {
            try {
                Float.parseFloat(cell);
            } catch (NumberFormatException e) {
                return false;
            }
        }
        return true;
    }

    private static int column(String ref, String[] names, int columns, String param) {
        if (names != null) {
            for (int c = 0; c < names.length; c++) {
                if (names[c].equals(ref)) {
                    return c;
                }
            }
        }
        try {
            int c = Integer.parseInt(ref);
            if (c >= 0 && c < columns) {
                return c;
            }
        } catch (NumberFormatException ignored) {
            // not an index either
        }
        throw ServiceException.badRequest(param, param + " '" + ref + "' is neither a column name"
                + (names != null ? " of " + java.util.Arrays.toString(names) : "") + " nor an index below " + columns);
    }

    private static float number(String cell, int line, int col) {
        try {
            float v = Float.parseFloat(cell);
            if (Float.isFinite(v)) {
                return v;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw ServiceException.badRequest("body", "CSV line " + line + ", column " + col + ": '" + cell
                + "' is not a finite number");
    }
}
