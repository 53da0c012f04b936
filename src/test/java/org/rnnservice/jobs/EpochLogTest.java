package org.rnnservice.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** A job logs each epoch of a short run, and of a long one the first, the last and evenly spaced ones in between. */
class EpochLogTest {

    private static long lines(int epochs) {
        return IntStream.rangeClosed(1, epochs).filter(e -> JobRunner.logged(e, epochs)).count();
    }

    @Test
    void aShortJobLogsEveryEpochALongOneAboutTwentyLines() {
        assertEquals(10, lines(10));
        assertEquals(20, lines(20));
        assertTrue(lines(1227) <= JobRunner.EPOCH_LINES + 2, "1,227 epochs: " + lines(1227) + " lines");
        assertTrue(lines(100_000) <= JobRunner.EPOCH_LINES + 2);
        assertTrue(JobRunner.logged(1, 1227) && JobRunner.logged(1227, 1227));
    }
}
