package org.rnnservice.errors;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Counts as a reader says them. */
class WordsTest {

    @Test
    void oneIsSingularEveryOtherCountPlural() {
        assertEquals("1 time step", Words.count(1, "time step"));
        assertEquals("0 time steps", Words.count(0, "time step"));
        assertEquals("12 time steps", Words.count(12, "time step"));
    }
}
