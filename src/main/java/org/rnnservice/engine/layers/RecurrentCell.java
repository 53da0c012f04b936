package org.rnnservice.engine.layers;

/**
 * One step of a recurrent layer, as Keras' cells are: step {@code t}'s states from step {@code t - 1}'s, and back.
 * The {@link TimeLoop} around it owns time (the order of the steps, the steps a mask skips, a continued stream's
 * first state), so a cell holds no mask code: the steps it is given are the steps it computes.
 */
interface RecurrentCell {

    /** States per step: 1 ({@code h}), or 2 for LSTM ({@code h}, {@code c}). State 0 is the output {@code h}. */
    int stateCount();

    /** The buffer that holds state {@code k} of step {@code t} at {@link #stateOffset}, {@code [batch, units]}. */
    float[] state(int k);

    int stateOffset(int k, int t);

    /** Before the first step of a forward pass: what all steps share (the input projection of every step). */
    void startForward();

    /** Computes step {@code t}'s states from step {@code t - 1}'s as the loop left them (none when t is 0). */
    void forwardStep(int t);

    /**
     * Steps {@code 0..steps-1} in turn, for a pass in which no step carries anything (no mask, no continued state).
     * Each cell class repeats this loop so that C2 compiles it with that class's step inlined: the loop's own call
     * site, shared by every cell, sees several and inlines none well.
     */
    default void forwardSteps(int steps) {
        for (int t = 0; t < steps; t++) {
            forwardStep(t);
        }
    }

    /** Before the last step of a backward pass. */
    void startBackward();

    /**
     * The gradient {@code [batch, units]} of state {@code k} that step {@code t} sends back to step {@code t - 1},
     * written by {@link #backwardStep}; the loop zeroes it before the last step and carries it over skipped steps.
     */
    float[] stateGradient(int k);

    /** Steps {@code steps-1..0} back in turn, for a pass in which no step is skipped: see {@link #forwardSteps}. */
    default void backwardSteps(int steps, float[] dh) {
        for (int t = steps - 1; t >= 0; t--) {
            backwardStep(t, dh);
        }
    }

    /**
     * Back-propagates step {@code t} given {@code dh}, the gradient of every step's output ({@code [T, batch, units]}),
     * plus the {@link #stateGradient}s step {@code t + 1} sent back, which this step overwrites with its own.
     */
    void backwardStep(int t, float[] dh);
}
