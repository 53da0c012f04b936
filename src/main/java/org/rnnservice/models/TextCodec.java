package org.rnnservice.models;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.rnnservice.datasets.WordTokenizer;
import org.rnnservice.errors.ServiceException;

/**
 * Text to model inputs and back, for a model trained on a text dataset: characters, or words cut by the dataset's
 * {@link WordTokenizer}; fed as one-hot rows over the vocabulary, or as token ids when the model starts with an
 * Embedding.
 */
final class TextCodec {

    private final List<String> vocab;
    private final WordTokenizer tokenizer;
    private final Map<String, Integer> index = new HashMap<>();
    private final boolean ids;

    TextCodec(List<String> vocab, WordTokenizer tokenizer, boolean ids) {
        this.vocab = vocab;
        this.tokenizer = tokenizer;
        this.ids = ids;
        if (tokenizer != null) {
            index.putAll(WordTokenizer.index(vocab));
        } else {
            for (int i = 0; i < vocab.size(); i++) {
                index.put(vocab.get(i), i);
            }
        }
    }

    int size() {
        return vocab.size();
    }

    /** The text of one generated token: a character, or a word after a space. */
    String symbol(int id) {
        return tokenizer == null ? vocab.get(id) : " " + vocab.get(id);
    }

    /** The ids of {@code text}'s characters or words; symbols outside the vocabulary are a 422 naming them. */
    int[] tokens(String text, String field) {
        List<String> symbols = tokenizer != null ? tokenizer.words(text)
                : text.codePoints().mapToObj(Character::toString).toList();
        TreeSet<String> unknown = new TreeSet<>();
        for (String s : symbols) {
            if (!index.containsKey(s)) {
                unknown.add(s);
            }
        }
        if (tokenizer != null && tokenizer.oovToken() != null) {
            return tokenizer.ids(symbols, index);
        }
        if (!unknown.isEmpty()) {
            throw ServiceException.unprocessable(field, field + " has " + (tokenizer != null ? "words" : "characters")
                    + " outside the model's vocabulary: " + unknown);
        }
        return symbols.stream().mapToInt(index::get).toArray();
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
