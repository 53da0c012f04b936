package org.rnnservice.models;

import java.util.List;
import org.rnnservice.datasets.DatasetRecord;
import org.rnnservice.datasets.WordTokenizer;

/**
 * What a model trained on a text keeps of it to read prompts and write text: the vocabulary, the window length, and
 * the word tokenizer (null for characters).
 */
public record TextVocabulary(List<String> vocab, Integer seqLen, WordTokenizer tokenizer) {

    /** The text vocabulary of a dataset, or null when it is not a text. */
    public static TextVocabulary of(DatasetRecord ds) {
        return ds.isText() ? new TextVocabulary(ds.vocab(), ds.seqLen(), ds.tokenizer()) : null;
    }
}
