package org.rnnservice.models;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.rnnservice.errors.ServiceException;

/**
 * Characters to model inputs and back, for a model trained on a text dataset: one-hot rows over the vocabulary, or
 * token ids when the model starts with an Embedding.
 */
final class TextCodec {

    private final List<String> vocab;
    private final Map<Integer, Integer> index = new HashMap<>();
    private final boolean ids;

    TextCodec(List<String> vocab, boolean ids) {
        this.vocab = vocab;
        this.ids = ids;
        for (int i = 0; i < vocab.size(); i++) {
            index.put(vocab.get(i).codePointAt(0), i);
        }
    }

    int size() {
        return vocab.size();
    }

    String symbol(int id) {
        return vocab.get(id);
    }

    /** The ids of the characters of {@code text}; unknown characters are a 422 naming them. */
    int[] tokens(String text, String field) {
        int[] cps = text.codePoints().toArray();
        int[] out = new int[cps.length];
        TreeSet<String> unknown = new TreeSet<>();
        for (int i = 0; i < cps.length; i++) {
            Integer id = index.get(cps[i]);
            if (id == null) {
                unknown.add(new String(Character.toChars(cps[i])));
            } else {
                out[i] = id;
            }
        }
        if (!unknown.isEmpty()) {
            throw ServiceException.unprocessable(field, field + " has characters outside the model's vocabulary: "
                    + unknown);
        }
        return out;
    }

    /** Model input for {@code text}: {@code [steps][vocab]} one-hot, or {@code [steps]} ids. */
    float[] encode(String text, String field) {
        int[] tokens = tokens(text, field);
        if (tokens.length == 0) {
            throw ServiceException.badRequest(field, field + " is empty");
        }
        return encode(tokens, 0, tokens.length);
    }

    float[] encode(int[] tokens, int from, int to) {
        int n = to - from;
        float[] x = new float[ids ? n : n * vocab.size()];
        for (int t = 0; t < n; t++) {
            if (ids) {
                x[t] = tokens[from + t];
            } else {
                x[t * vocab.size() + tokens[from + t]] = 1f;
            }
        }
        return x;
    }
}
