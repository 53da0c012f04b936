package org.rnnservice.datasets;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.rnnservice.engine.train.TokenWindows;
import org.rnnservice.errors.ServiceException;

/**
 * A text for a next-character model: the vocabulary is its distinct characters in code-point order, the text is kept
 * as one token id per character, and windows of {@code seq_len} characters every {@code step} predict the next one.
 * With a {@link WordTokenizer}, the same for words: a next-word model.
 */
final class TextDatasetParser {

    /** Larger vocabularies make one-hot inputs unreasonably wide; a text of more symbols wants an Embedding. */
    static final int MAX_VOCAB = 4096;
    /** Words kept at most; a larger vocabulary wants num_words. */
    static final int MAX_WORDS = 100_000;

    /** Next-word windows of a text cut into words by {@code tokenizer}. */
    ParsedData parseWords(String text, int seqLen, int step, WordTokenizer tokenizer) {
        checkWindow(seqLen, step);
        List<String> words = tokenizer.words(text);
        List<String> vocab = tokenizer.vocabulary(words);
        if (vocab.size() > MAX_WORDS) {
            throw ServiceException.unprocessable("num_words", "the text has " + (vocab.size() - 1) + " distinct words;"
                    + " keep the most frequent with num_words (at most " + MAX_WORDS + ")");
        }
        return windows(tokenizer.ids(words, WordTokenizer.index(vocab)), vocab, seqLen, step, tokenizer);
    }

    /**
     * Windows of {@code seq_len} tokens every {@code step}, each predicting the token after it; {@code tokenizer} is
     * the word tokenizer, or null for characters.
     */
    private static ParsedData windows(int[] tokens, List<String> vocab, int seqLen, int step, WordTokenizer tokenizer) {
        String unit = tokenizer == null ? "character" : "word";
        int samples = new TokenWindows(tokens, Math.max(vocab.size(), 1), seqLen, step, true).count();
        if (samples < 1) {
            throw ServiceException.unprocessable("seq_len", "the text has " + tokens.length + " " + unit
                    + "s: too few for one window of " + seqLen + " plus the " + unit + " to predict");
        }
        String windowing = "x[i] = " + unit + "s i*" + step + " .. i*" + step + "+" + (seqLen - 1)
                + " (one-hot over the vocabulary, or ids for an Embedding model); y[i] = the next " + unit + "'s id ("
                + tokens.length + " " + unit + "s, " + vocab.size() + " in the vocabulary, " + samples + " windows)";
        return new ParsedData("text", null, List.of(samples, seqLen, vocab.size()), null, List.of(samples), true,
                tokens, vocab, seqLen, step, windowing, null, null, tokenizer);
    }

    private static void checkWindow(int seqLen, int step) {
        if (seqLen < 1) {
            throw ServiceException.badRequest("seq_len", "seq_len must be a positive integer");
        }
        if (step < 1) {
            throw ServiceException.badRequest("step", "step must be a positive integer");
        }
    }

    ParsedData parse(String text, int seqLen, int step) {
        checkWindow(seqLen, step);
        int[] codePoints = text.codePoints().toArray();
        TreeSet<Integer> distinct = new TreeSet<>();
        for (int cp : codePoints) {
            distinct.add(cp);
        }
        if (distinct.size() > MAX_VOCAB) {
            throw ServiceException.unprocessable("body", "the text has " + distinct.size()
                    + " distinct characters; at most " + MAX_VOCAB + " are supported");
        }
        List<String> vocab = new ArrayList<>();
        int[] index = new int[distinct.isEmpty() ? 0 : distinct.last() + 1];
        for (int cp : distinct) {
            index[cp] = vocab.size();
            vocab.add(new String(Character.toChars(cp)));
        }
        int[] tokens = new int[codePoints.length];
        for (int i = 0; i < tokens.length; i++) {
            tokens[i] = index[codePoints[i]];
        }
        return windows(tokens, vocab, seqLen, step, null);
    }
}
