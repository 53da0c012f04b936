package org.rnnservice.datasets;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Keras' word-level {@code Tokenizer}: text lowered (unless {@code lower} is false), Keras' punctuation filters turned
 * into spaces, split on whitespace. Word ids follow the words' counts, most frequent first (ties in order of first
 * appearance), from 1, as {@code word_index} numbers them; id 0 is padding, and {@code oov_token}, when given, is id 1.
 * Only ids below {@code num_words} are used: other words become the OOV id, or are dropped without one.
 *
 * @param lower whether text is lowered first
 * @param oovToken the word that stands for any word outside the vocabulary, or null to drop such words
 * @param numWords the vocabulary size (ids {@code 0 .. num_words-1}), or null for every word
 */
public record WordTokenizer(boolean lower, String oovToken, Integer numWords) {

    /** Keras' default {@code filters}. */
    static final String FILTERS = "!\"#$%&()*+,-./:;<=>?@[\\]^_`{|}~\t\n";

    public WordTokenizer {
        if (numWords != null && numWords < 2) {
            throw new IllegalArgumentException("num_words must be at least 2 (id 0 is padding), got " + numWords);
        }
    }

    /** The words of a text, as Keras' {@code text_to_word_sequence} cuts them. */
    public List<String> words(String text) {
        String t = lower ? text.toLowerCase(Locale.ROOT) : text;
        StringBuilder b = new StringBuilder(t.length());
        for (int i = 0; i < t.length(); i++) {
            char c = t.charAt(i);
            b.append(FILTERS.indexOf(c) >= 0 ? ' ' : c);
        }
        List<String> out = new ArrayList<>();
        for (String w : b.toString().split("\\s+")) {
            if (!w.isEmpty()) {
                out.add(w);
            }
        }
        return out;
    }

    /**
     * The vocabulary of a text as Keras' {@code fit_on_texts} builds it, cut to {@code num_words}: entry i is the
     * word of id i; entry 0 is the empty string, for padding.
     */
    List<String> vocabulary(List<String> words) {
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (String w : words) {
            counts.merge(w, 1, Integer::sum);
        }
        List<Map.Entry<String, Integer>> sorted = new ArrayList<>(counts.entrySet());
        sorted.sort((a, b) -> Integer.compare(b.getValue(), a.getValue())); // stable: ties keep first appearance
        List<String> vocab = new ArrayList<>();
        vocab.add("");
        if (oovToken != null) {
            vocab.add(oovToken);
        }
        for (Map.Entry<String, Integer> e : sorted) {
            if (numWords != null && vocab.size() >= numWords) {
                break;
            }
            if (!e.getKey().equals(oovToken)) {
                vocab.add(e.getKey());
            }
        }
        return vocab;
    }

    /**
     * The ids of {@code words} in {@code vocab} ({@link #vocabulary}), as {@code texts_to_sequences} maps them: a
     * word outside it is the OOV id, or dropped when there is no OOV token.
     */
    public int[] ids(List<String> words, Map<String, Integer> index) {
        Integer oov = oovToken == null ? null : index.get(oovToken);
        int[] out = new int[words.size()];
        int n = 0;
        for (String w : words) {
            Integer id = index.get(w);
            if (id == null) {
                id = oov;
            }
            if (id != null) {
                out[n++] = id;
            }
        }
        return java.util.Arrays.copyOf(out, n);
    }

    /** Word to id for a vocabulary list. */
    public static Map<String, Integer> index(List<String> vocab) {
        Map<String, Integer> index = new java.util.HashMap<>();
        for (int i = 1; i < vocab.size(); i++) {
            index.put(vocab.get(i), i);
        }
        return index;
    }
}
