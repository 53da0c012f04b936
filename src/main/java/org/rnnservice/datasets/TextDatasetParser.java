package org.rnnservice.datasets;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.rnnservice.engine.train.TokenWindows;
import org.rnnservice.errors.ServiceException;

/**
 * A text for a next-character model: the vocabulary is its distinct characters in code-point order, the text is kept
 * as one token id per character, and windows of {@code seq_len} characters every {@code step} predict the next one.
 */
final class TextDatasetParser {

    /** Larger vocabularies make one-hot inputs unreasonably wide; a text of more symbols wants an Embedding. */
    static final int MAX_VOCAB = 4096;

    ParsedData parse(String text, int seqLen, int step) {
        if (seqLen < 1) {
            throw ServiceException.badRequest("seq_len", "seq_len must be a positive integer");
        }
        if (step < 1) {
            throw ServiceException.badRequest("step", "step must be a positive integer");
        }
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
        int samples = new TokenWindows(tokens, Math.max(vocab.size(), 1), seqLen, step, true).count();
        if (samples < 1) {
            throw ServiceException.unprocessable("seq_len", "the text has " + tokens.length
                    + " characters: too few for one window of " + seqLen + " plus the character to predict");
        }
        String windowing = "x[i] = characters i*" + step + " .. i*" + step + "+" + (seqLen - 1)
                + " (one-hot over the vocabulary, or ids for an Embedding model); y[i] = the next character's id ("
                + tokens.length + " characters, " + samples + " windows)";
        return new ParsedData("text", null, List.of(samples, seqLen, vocab.size()), null, List.of(samples), true,
                tokens, vocab, seqLen, step, windowing);
    }
}
