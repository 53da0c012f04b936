package org.rnnservice.engine.layers;

import java.util.Arrays;

/**
 * Keras' RNN loop around a {@link RecurrentCell}: the order of the steps ({@code go_backwards}), the steps a mask
 * skips, a continued stream's first state and {@code zero_output_for_mask}. A skipped step keeps the states (and
 * output) of the step before, zeros before the first step, and on the way back passes the gradient reaching it to
 * the step before unchanged. This is the only place that knows that rule.
 */
final class TimeLoop {

    private final String layer;
    private int steps;
    private int batch;
    private int units;
    private boolean backwards;
    private boolean[] skipped; // [T, B] in processing order; null when the mask skips no step
    private float[][] firstState;
    private float[][] held = new float[0][]; // per state [B, u]: the gradient a skipped step passes on
    private float[] reversed;
    private float[] inputOrder;

    TimeLoop(String layer) {
        this.layer = layer;
    }

    /** Has the next passes replace their first step's states with {@code states}; null to stop. */
    void replaceFirstState(float[][] states) {
        firstState = states;
    }

    /** Starts a pass over {@code steps} steps of {@code batch} sequences under {@code mask} (null: none). */
    void start(Mask mask, int steps, int batch, int units, boolean backwards) {
        this.steps = steps;
        this.batch = batch;
        this.units = units;
        this.backwards = backwards;
        skipped = skippedSteps(mask);
    }

    /** Whether the current pass skips any step. */
    boolean skips() {
        return skipped != null;
    }

    /** The input {@code [T, rowLen]} in the order the steps are processed. */
    float[] inProcessingOrder(float[] input, int rowLen) {
        if (!backwards) {
            return input;
        }
        reversed = Buffers.atLeast(reversed, steps * rowLen);
        Buffers.reverseSteps(input, steps, rowLen, reversed);
        return reversed;
    }

    /** A gradient {@code [T, rowLen]} in processing order, back in the input's order. */
    float[] inInputOrder(float[] gradient, int rowLen) {
        if (!backwards) {
            return gradient;
        }
        inputOrder = Buffers.atLeast(inputOrder, steps * rowLen);
        Buffers.reverseSteps(gradient, steps, rowLen, inputOrder);
        return inputOrder;
    }

    /** Runs every step of {@code cell} forward, each from the states the step before left. */
    void forward(RecurrentCell cell) {
        cell.startForward();
        if (skipped == null && firstState == null) {
            cell.forwardSteps(steps);
            return;
        }
        int states = cell.stateCount();
        for (int t = 0; t < steps; t++) {
            cell.forwardStep(t);
            for (int k = 0; k < states; k++) {
                carry(t, k, cell.state(k), cell.stateOffset(k, t), t > 0 ? cell.stateOffset(k, t - 1) : -1);
            }
        }
    }

    /** Back-propagates through every step of {@code cell}, last first, given the gradient of every output. */
    void backward(RecurrentCell cell, float[] dh) {
        cell.startBackward();
        int states = cell.stateCount();
        int stepLen = batch * units;
        if (held.length != states) {
            held = new float[states][];
        }
        for (int k = 0; k < states; k++) {
            Arrays.fill(cell.stateGradient(k), 0, stepLen, 0f);
        }
        if (skipped == null) {
            cell.backwardSteps(steps, dh);
            return;
        }
        for (int t = steps - 1; t >= 0; t--) {
            hold(t, cell, dh);
            cell.backwardStep(t, dh);
            pass(t, cell);
        }
    }

    /** Copies of the states after the last step of the last forward pass. */
    float[][] lastStates(RecurrentCell cell) {
        float[][] last = new float[cell.stateCount()][];
        for (int k = 0; k < last.length; k++) {
            int off = cell.stateOffset(k, steps - 1);
            last[k] = Arrays.copyOfRange(cell.state(k), off, off + batch * units);
        }
        return last;
    }

    /**
     * Keras' {@code zero_output_for_mask}: the output of a skipped step is zeros rather than the output carried from
     * the step before (the state is still carried). {@code v} holds steps {@code [from, to)} in processing order;
     * without sequences the output is that of the last step processed, so it is zeros when that step is skipped.
     * The same rows of the output's gradient are zeroed on the way back, as the output no longer depends on anything.
     */
    void zeroSkippedOutputs(float[] v, int from, int to) {
        for (int t = from; t < to; t++) {
            for (int b = 0; b < batch; b++) {
                if (skipped[t * batch + b]) {
                    int off = ((t - from) * batch + b) * units;
                    Arrays.fill(v, off, off + units, 0f);
                }
            }
        }
    }

    private boolean[] skippedSteps(Mask m) {
        if (m == null || m.keepsAll()) {
            return null;
        }
        if (m.batch() != batch || m.steps() != steps) {
            throw new IllegalStateException(layer + ": mask of " + m.batch() + "x" + m.steps() + " for input of "
                    + batch + "x" + steps);
        }
        boolean[] skip = skipped != null && skipped.length >= steps * batch ? skipped : new boolean[steps * batch];
        for (int t = 0; t < steps; t++) {
            for (int b = 0; b < batch; b++) {
                skip[t * batch + b] = !m.kept(backwards ? steps - 1 - t : t, b);
            }
        }
        return skip;
    }

    /** After step {@code t}: a skipped sample's state {@code k} becomes that of the step before. */
    private void carry(int t, int k, float[] state, int off, int prevOff) {
        if (t == 0 && firstState != null) {
            System.arraycopy(firstState[k], 0, state, off, batch * units);
            return;
        }
        if (skipped == null) {
            return;
        }
        for (int b = 0; b < batch; b++) {
            if (skipped[t * batch + b]) {
                if (prevOff < 0) {
                    Arrays.fill(state, off + b * units, off + (b + 1) * units, 0f);
                } else {
                    System.arraycopy(state, prevOff + b * units, state, off + b * units, units);
                }
            }
        }
    }

    /**
     * Before step {@code t} goes back: the gradient reaching a skipped sample's states (for {@code h}, the step's
     * output gradient plus what later steps sent back) is held aside and zeroed, so that the cell's step adds nothing.
     */
    private void hold(int t, RecurrentCell cell, float[] dh) {
        int off = t * batch * units;
        for (int k = 0; k < held.length; k++) {
            held[k] = Buffers.atLeast(held[k], batch * units);
            float[] next = cell.stateGradient(k);
            for (int b = 0; b < batch; b++) {
                if (!skipped[t * batch + b]) {
                    continue;
                }
                int r = b * units;
                if (k == 0) {
                    for (int j = 0; j < units; j++) {
                        held[0][r + j] = dh[off + r + j] + next[r + j];
                    }
                    Arrays.fill(dh, off + r, off + r + units, 0f);
                } else {
                    System.arraycopy(next, r, held[k], r, units);
                }
                Arrays.fill(next, r, r + units, 0f);
            }
        }
    }

    /** After step {@code t} went back: a skipped sample hands the gradient it held to the step before. */
    private void pass(int t, RecurrentCell cell) {
        for (int k = 0; k < held.length; k++) {
            float[] next = cell.stateGradient(k);
            for (int b = 0; b < batch; b++) {
                if (skipped[t * batch + b]) {
                    System.arraycopy(held[k], b * units, next, b * units, units);
                }
            }
        }
    }
}
