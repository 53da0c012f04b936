package org.rnnservice.jobs;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** MLflow's LIKE as SQL defines it, and a pattern built to make a backtracking matcher explode. */
class RunSearchLikeTest {

    @Test
    void percentIsAnyRunAndUnderscoreOneCharacter() {
        assertTrue(RunSearch.like("research", "res%"));
        assertTrue(RunSearch.like("research", "%search"));
        assertTrue(RunSearch.like("research", "r%s%h"));
        assertTrue(RunSearch.like("research", "%"));
        assertTrue(RunSearch.like("", "%"));
        assertTrue(RunSearch.like("gru_1", "gru__"));
        assertFalse(RunSearch.like("gru_10", "gru__"));
        assertFalse(RunSearch.like("Research", "res%"));
        assertFalse(RunSearch.like("research", "search"));
        assertFalse(RunSearch.like("", "_"));
    }

    @Test
    void nothingButPercentAndUnderscoreIsSpecial() {
        assertFalse(RunSearch.like("axb", "a.b"));
        assertTrue(RunSearch.like("a.b", "a.b"));
        assertTrue(RunSearch.like("(x)*", "(%)*"));
    }

    @Test
    void aPatternThatBacktrackingWouldNotFinishIsAnswered() {
        String text = "a".repeat(5000);
        String pattern = "%a".repeat(2000) + "b";
        assertFalse(RunSearch.like(text, pattern));
        assertTrue(RunSearch.like(text + "b", pattern));
    }
}
