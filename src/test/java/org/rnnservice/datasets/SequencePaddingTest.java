package org.rnnservice.datasets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.rnnservice.errors.ServiceException;

/** {@code pad_sequences([[1], [2, 3], [4, 5, 6]], ...)} as Keras' documentation and source give it. */
class SequencePaddingTest {

    private static final float[] VALUES = {1, 2, 3, 4, 5, 6};
    private static final int[] LENGTHS = {1, 2, 3};

    private static float[] pad(String padding, String truncating, Integer maxlen, double value) {
        SequencePadding p = new SequencePadding(padding, truncating, maxlen, value);
        return p.apply(VALUES, LENGTHS, 1, p.length(LENGTHS));
    }

    @Test
    void padsBeforeByDefault() {
        assertArrayEquals(new float[] {0, 0, 1, 0, 2, 3, 4, 5, 6}, pad(null, null, null, 0));
    }

    @Test
    void padsAfterWithAValue() {
        assertArrayEquals(new float[] {1, -1, -1, 2, 3, -1, 4, 5, 6}, pad("post", null, null, -1));
    }

    @Test
    void cutsAtTheStartOrTheEnd() {
        assertArrayEquals(new float[] {0, 1, 2, 3, 5, 6}, pad("pre", "pre", 2, 0));
        assertArrayEquals(new float[] {0, 1, 2, 3, 4, 5}, pad("pre", "post", 2, 0));
        assertArrayEquals(new float[] {1, 0, 2, 3, 4, 5}, pad("post", "post", 2, 0));
    }

    @Test
    void keepsFeaturesOfAStepTogether() {
        SequencePadding p = new SequencePadding("pre", "pre", 2, 9);
        float[] out = p.apply(new float[] {1, 1, 2, 2, 3, 3, 4, 4}, new int[] {1, 3}, 2, 2);
        assertArrayEquals(new float[] {9, 9, 1, 1, 3, 3, 4, 4}, out);
    }

    @Test
    void refusesWhatPadSequencesRefuses() {
        assertThrows(ServiceException.class, () -> new SequencePadding("middle", null, null, 0));
        assertThrows(ServiceException.class, () -> new SequencePadding(null, "both", null, 0));
        assertThrows(ServiceException.class, () -> new SequencePadding(null, null, 0, 0));
    }
}
