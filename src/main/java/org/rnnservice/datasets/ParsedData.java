package org.rnnservice.datasets;

import java.util.List;

/**
 * What a parser read, before it is stored: inputs {@code [samples, steps, features]} and targets, or a token stream
 * and its vocabulary for text.
 */
record ParsedData(String kind, float[] x, List<Integer> xShape, float[] y, List<Integer> yShape,
                  boolean integerTargets, int[] tokens, List<String> vocab, Integer seqLen, Integer step,
                  String windowing) {

    int samples() {
        return xShape.get(0);
    }
}
