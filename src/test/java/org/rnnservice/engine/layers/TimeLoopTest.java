package org.rnnservice.engine.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.junit.jupiter.api.Test;

/**
 * A cell written against the loop, with no mask code of its own, gets Keras' masking: a skipped step keeps the
 * states of the step before (zeros before the first), and its gradient passes through to the step before. The
 * expected numbers are worked out by hand from the cell's two lines.
 */
class TimeLoopTest {

    private static final int STEPS = 4;
    private static final int BATCH = 2;

    /** {@code c_t = c_{t-1} + x_t}, {@code h_t = h_{t-1} + c_t}: two states of one unit, and nothing else. */
    private static final class Integrator implements RecurrentCell {

        final float[] x;
        final float[] h = new float[STEPS * BATCH];
        final float[] c = new float[STEPS * BATCH];
        final float[] dx = new float[STEPS * BATCH];
        final float[] dhNext = new float[BATCH];
        final float[] dcNext = new float[BATCH];

        Integrator(float[] x) {
            this.x = x;
        }

        @Override
        public int stateCount() {
            return 2;
        }

        @Override
        public float[] state(int k) {
            return k == 0 ? h : c;
        }

        @Override
        public int stateOffset(int k, int t) {
            return t * BATCH;
        }

        @Override
        public void startForward() {
        }

        @Override
        public void forwardStep(int t) {
            for (int b = 0; b < BATCH; b++) {
                int i = t * BATCH + b;
                c[i] = (t > 0 ? c[i - BATCH] : 0f) + x[i];
                h[i] = (t > 0 ? h[i - BATCH] : 0f) + c[i];
            }
        }

        @Override
        public void startBackward() {
        }

        @Override
        public float[] stateGradient(int k) {
            return k == 0 ? dhNext : dcNext;
        }

        @Override
        public void backwardStep(int t, float[] dh) {
            for (int b = 0; b < BATCH; b++) {
                float dhTotal = dh[t * BATCH + b] + dhNext[b];
                float dcTotal = dcNext[b] + dhTotal;
                dx[t * BATCH + b] = dcTotal;
                dhNext[b] = dhTotal;
                dcNext[b] = dcTotal;
            }
        }
    }

    /** Time-major {@code [T, B]} from one row per sequence. */
    private static float[] timeMajor(float[] first, float[] second) {
        float[] v = new float[STEPS * BATCH];
        for (int t = 0; t < STEPS; t++) {
            v[t * BATCH] = first[t];
            v[t * BATCH + 1] = second[t];
        }
        return v;
    }

    /** Sequence 0 skips its step 1, sequence 1 its step 0. */
    private static Mask mask() {
        boolean[] first = {true, false, true, true};
        boolean[] second = {false, true, true, true};
        boolean[] kept = new boolean[STEPS * BATCH];
        for (int t = 0; t < STEPS; t++) {
            kept[t * BATCH] = first[t];
            kept[t * BATCH + 1] = second[t];
        }
        return new Mask(kept, BATCH, STEPS);
    }

    private static TimeLoop loop(Mask mask, boolean backwards) {
        TimeLoop loop = new TimeLoop("integrator");
        loop.start(mask, STEPS, BATCH, 1, backwards);
        return loop;
    }

    @Test
    void skippedStepsCarryEveryStateAndLeadingOnesAreZero() {
        float[] x = {1, 2, 3, 4};
        Integrator cell = new Integrator(timeMajor(x, x));
        TimeLoop loop = loop(mask(), false);
        loop.forward(cell);
        // sequence 0 reads 1, 3, 4: c = 1, 1, 4, 8; sequence 1 reads 2, 3, 4 after a zero state
        assertArrayEquals(timeMajor(new float[] {1, 1, 5, 13}, new float[] {0, 2, 7, 16}), cell.h);
        assertArrayEquals(timeMajor(new float[] {1, 1, 4, 8}, new float[] {0, 2, 5, 9}), cell.c);
        float[][] last = loop.lastStates(cell);
        assertArrayEquals(new float[] {13, 16}, last[0]);
        assertArrayEquals(new float[] {8, 9}, last[1]);
    }

    @Test
    void skippedStepsPassTheirGradientBackUnchanged() {
        float[] x = {1, 2, 3, 4};
        Integrator cell = new Integrator(timeMajor(x, x));
        TimeLoop loop = loop(mask(), false);
        loop.forward(cell);
        float[] dh = timeMajor(new float[] {0, 0, 0, 1}, new float[] {0, 0, 0, 1});
        loop.backward(cell, dh);
        // d h_T / d x of the kept steps, as for the sequence without its skipped step: 3, 2, 1
        assertArrayEquals(timeMajor(new float[] {3, 0, 2, 1}, new float[] {0, 3, 2, 1}), cell.dx);
    }

    @Test
    void goingBackwardsTheMaskFollowsTheSteps() {
        float[] x = {1, 2, 3, 4};
        TimeLoop loop = loop(mask(), true);
        Integrator cell = new Integrator(loop.inProcessingOrder(timeMajor(x, x), BATCH));
        loop.forward(cell);
        // processing order 4, 3, 2, 1: sequence 0 skips its third step processed, sequence 1 its last
        assertArrayEquals(timeMajor(new float[] {4, 11, 11, 19}, new float[] {4, 11, 20, 20}), cell.h);
        float[] dh = timeMajor(new float[] {0, 0, 0, 1}, new float[] {0, 0, 0, 1});
        loop.backward(cell, dh);
        assertArrayEquals(timeMajor(new float[] {1, 0, 2, 3}, new float[] {0, 1, 2, 3}),
                loop.inInputOrder(cell.dx, BATCH));
    }

    @Test
    void aContinuedStreamStartsFromTheStatesGiven() {
        float[] x = {1, 2, 3, 4};
        Integrator cell = new Integrator(timeMajor(x, x));
        TimeLoop loop = loop(null, false);
        loop.replaceFirstState(new float[][] {{10, 20}, {1, 2}});
        loop.forward(cell);
        // step 0 is replaced by the states given; steps 1.. continue them
        assertArrayEquals(timeMajor(new float[] {10, 13, 19, 29}, new float[] {20, 24, 31, 42}), cell.h);
    }

    @Test
    void zeroOutputForMaskZeroesTheSkippedOutputsOnly() {
        TimeLoop loop = loop(mask(), false);
        float[] out = timeMajor(new float[] {1, 1, 5, 13}, new float[] {0, 2, 7, 16});
        loop.zeroSkippedOutputs(out, 0, STEPS);
        assertArrayEquals(timeMajor(new float[] {1, 0, 5, 13}, new float[] {0, 2, 7, 16}), out);
    }
}
