package org.rnnservice.engine.model;

import java.util.ArrayList;
import java.util.List;

/**
 * What Keras' {@code model.summary()} shows: each layer's name, type, output shape and parameter count, and the
 * totals; {@link #toText()} prints it exactly as tf.keras 2.12 does.
 */
public record Summary(String modelName, List<Row> layers, long totalParams, long trainableParams,
                      long nonTrainableParams) {

    /** One layer of the summary; {@code outputShape} includes the batch axis, {@code null} for unknown sizes. */
    public record Row(String name, String type, List<Integer> outputShape, String kerasShape, long params) {
    }

    private static final int LINE_LENGTH = 65;
    private static final int[] POSITIONS = {29, 55, 65};

    /** The text of {@code model.summary()}, one {@code \n} after every line. */
    public String toText() {
        StringBuilder out = new StringBuilder();
        out.append("Model: \"").append(modelName).append("\"\n");
        out.append("_".repeat(LINE_LENGTH)).append('\n');
        printRow(out, "Layer (type)", "Output Shape", "Param #");
        out.append("=".repeat(LINE_LENGTH)).append('\n');
        for (Row row : layers) {
            printRow(out, row.name() + " (" + row.type() + ")", row.kerasShape(), Long.toString(row.params()));
            out.append(" ".repeat(LINE_LENGTH)).append('\n');
        }
        out.append("=".repeat(LINE_LENGTH)).append('\n');
        out.append("Total params: ").append(grouped(totalParams)).append('\n');
        out.append("Trainable params: ").append(grouped(trainableParams)).append('\n');
        out.append("Non-trainable params: ").append(grouped(nonTrainableParams)).append('\n');
        out.append("_".repeat(LINE_LENGTH)).append('\n');
        return out.toString();
    }

    /**
     * Keras' {@code print_row}: each column is cut two characters short of its end position, a cell too long for its
     * column continues on the next line (preferring a break after {@code "),"} and the like), and every line is padded
     * to the column positions.
     */
    private static void printRow(StringBuilder out, String... fields) {
        List<String> left = new ArrayList<>(List.of(fields));
        while (left.stream().anyMatch(s -> !s.isEmpty())) {
            StringBuilder line = new StringBuilder();
            for (int col = 0; col < left.size(); col++) {
                int start = col > 0 ? POSITIONS[col - 1] : 0;
                int space = col != POSITIONS.length - 1 ? 2 : 0;
                int cutoff = POSITIONS[col] - start - space;
                String cell = left.get(col);
                String fit = cell.substring(0, Math.min(cutoff, cell.length()));
                int best = -1;
                for (String brk : new String[] {"),", "},", "],", "',"}) {
                    int at = fit.indexOf(brk);
                    if (at >= 0 && (best < 0 || at + brk.length() < best)) {
                        best = at + brk.length();
                    }
                }
                if (best >= 0) {
                    cutoff = best;
                    fit = fit.substring(0, cutoff);
                }
                if (col == 0) {
                    line.append(' ');
                }
                line.append(fit).append(" ".repeat(space));
                left.set(col, cell.length() > cutoff ? cell.substring(cutoff) : "");
                line.append(" ".repeat(Math.max(0, POSITIONS[col] - line.length())));
            }
            out.append(line).append('\n');
        }
    }

    private static String grouped(long n) {
        return String.format(java.util.Locale.ROOT, "%,d", n);
    }
}
