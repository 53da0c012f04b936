package org.rnnservice.datasets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Keras' {@code Tokenizer} on one sentence, worked by hand from its source: {@code fit_on_texts} counts words in order
 * of appearance and numbers them by count, most frequent first, from 1 (the OOV token, when given, first);
 * {@code texts_to_sequences} maps words outside {@code num_words} to the OOV id or drops them.
 */
class WordTokenizerTest {

    private static final String TEXT = "The cat sat on the mat. The dog sat!";

    @Test
    void cutsAsTextToWordSequence() {
        assertEquals(List.of("the", "cat", "sat", "on", "the", "mat", "the", "dog", "sat"),
                new WordTokenizer(true, null, null).words(TEXT));
        assertEquals(List.of("The", "cat", "sat", "on", "the", "mat", "The", "dog", "sat"),
                new WordTokenizer(false, null, null).words(TEXT));
    }

    @Test
    void numbersWordsByCountThenFirstAppearance() {
        WordTokenizer t = new WordTokenizer(true, null, null);
        List<String> vocab = t.vocabulary(t.words(TEXT));
        assertEquals(List.of("", "the", "sat", "cat", "on", "mat", "dog"), vocab);
        assertArrayEquals(new int[] {1, 3, 2, 4, 1, 5, 1, 6, 2}, t.ids(t.words(TEXT), WordTokenizer.index(vocab)));
    }

    @Test
    void numWordsKeepsTheMostFrequentAndTheOovTokenTakesTheRest() {
        WordTokenizer oov = new WordTokenizer(true, "<OOV>", 4);
        List<String> vocab = oov.vocabulary(oov.words(TEXT));
        assertEquals(List.of("", "<OOV>", "the", "sat"), vocab);
        assertArrayEquals(new int[] {2, 1, 3, 1, 2, 1, 2, 1, 3}, oov.ids(oov.words(TEXT),
                WordTokenizer.index(vocab)));
        WordTokenizer dropping = new WordTokenizer(true, null, 3);
        List<String> kept = dropping.vocabulary(dropping.words(TEXT));
        assertEquals(List.of("", "the", "sat"), kept);
        assertArrayEquals(new int[] {1, 2, 1, 1, 2}, dropping.ids(dropping.words(TEXT), WordTokenizer.index(kept)));
    }
}
