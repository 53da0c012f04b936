package org.rnnservice.engine.layers;

/**
 * A recurrent layer's state between forward passes, for streaming inference: the state a pass ended with
 * ({@code h}, and {@code c} for LSTM, each {@code [batch, units]}), and a state to carry into the next pass.
 */
public interface RecurrentState {

    /** How many state tensors the layer has: 1 ({@code h}), or 2 for LSTM ({@code h}, {@code c}). */
    int stateCount();

    int units();

    /** Whether the layer reads its steps in reverse ({@code go_backwards}), so that a stream cannot continue it. */
    boolean reversed();

    /**
     * Has the next forward pass replace its first step's state with {@code states} (as if that step had ended
     * there), so that its later steps continue them; null to stop. A caller that prepends one step to the input
     * continues the stream exactly.
     */
    void replaceFirstState(float[][] states);

    /** Copies of the states after the last step of the last forward pass. */
    float[][] lastStates();
}
