package org.rnnservice.datasets;

import org.rnnservice.errors.ServiceException;

/**
 * Keras' {@code pad_sequences}: sequences of different lengths made {@code maxlen} long (the longest by default),
 * longer ones cut at the start ({@code truncating: "pre"}) or end, shorter ones filled with {@code value} before
 * ({@code padding: "pre"}, Keras' default) or after them.
 *
 * @param padding {@code pre} or {@code post}
 * @param truncating {@code pre} or {@code post}
 * @param maxlen the length of every sequence after padding; null for the longest one's
 * @param value what padded steps hold (every feature of them)
 */
public record SequencePadding(String padding, String truncating, Integer maxlen, double value) {

    /** Keras' defaults. */
    public static final SequencePadding DEFAULT = new SequencePadding("pre", "pre", null, 0);

    public SequencePadding {
        padding = side(padding, "padding");
        truncating = side(truncating, "truncating");
        if (maxlen != null && maxlen < 1) {
            throw ServiceException.badRequest("maxlen", "maxlen must be a positive integer, got " + maxlen);
        }
        if (!Double.isFinite(value) || Math.abs(value) > Float.MAX_VALUE) {
            throw ServiceException.badRequest("value", "value must be a finite float32 number");
        }
    }

    private static String side(String given, String field) {
        if (given == null) {
            return "pre";
        }
        if (!given.equals("pre") && !given.equals("post")) {
            throw ServiceException.badRequest(field, field + " must be \"pre\" or \"post\", got \"" + given + "\"");
        }
        return given;
    }

    /** The length every sequence gets: {@code maxlen}, or the longest of {@code lengths}. */
    int length(int[] lengths) {
        if (maxlen != null) {
            return maxlen;
        }
        int longest = 0;
        for (int len : lengths) {
            longest = Math.max(longest, len);
        }
        return longest;
    }

    /**
     * Pads (or cuts) the sequences stored one after another in {@code values}, {@code features} values a step and
     * {@code lengths[i]} steps for sequence i, into {@code [sequences][steps][features]}.
     */
    float[] apply(float[] values, int[] lengths, int features, int steps) {
        float[] out = new float[Math.multiplyExact(Math.multiplyExact(lengths.length, steps), features)];
        java.util.Arrays.fill(out, (float) value);
        int from = 0;
        for (int i = 0; i < lengths.length; i++) {
            int len = lengths[i];
            int kept = Math.min(len, steps);
            int skip = truncating.equals("pre") ? len - kept : 0;   // steps cut from the start
            int at = padding.equals("pre") ? steps - kept : 0;      // where the kept steps begin
            System.arraycopy(values, (from + skip) * features, out, (i * steps + at) * features, kept * features);
            from += len;
        }
        return out;
    }
}
