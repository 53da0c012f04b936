package org.rnnservice.datasets;

import java.util.List;

/**
 * What a parser read, before it is stored: inputs {@code [samples, steps, features]} and targets, or a token stream
 * and its vocabulary for text (with the word tokenizer that cut it, or null for characters); for JSON sequences of different lengths, how they were padded, and per-sample weights.
 */
record ParsedData(String kind, float[] x, List<Integer> xShape, float[] y, List<Integer> yShape,
                  boolean integerTargets, int[] tokens, List<String> vocab, Integer seqLen, Integer step,
                  String windowing, SequencePadding padding, float[] sampleWeight, WordTokenizer tokenizer) {

    /** Arrays or text without padding or sample weights. */
    ParsedData(String kind, float[] x, List<Integer> xShape, float[] y, List<Integer> yShape, boolean integerTargets,
               int[] tokens, List<String> vocab, Integer seqLen, Integer step, String windowing) {
        this(kind, x, xShape, y, yShape, integerTargets, tokens, vocab, seqLen, step, windowing, null, null, null);
    }

    int samples() {
        return xShape.get(0);
    }
}
