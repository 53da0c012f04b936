package org.rnnservice.engine.layers;

/**
 * Keras' mask over a batch of sequences: for each time step of each sample, whether the step is kept or skipped.
 * Stored time-major like {@link Tensor}, so the flags of one step of the whole batch are contiguous.
 */
public record Mask(boolean[] kept, int batch, int steps) {

    /** Whether step {@code t} of sample {@code b} is kept. */
    public boolean kept(int t, int b) {
        return kept[t * batch + b];
    }

    /** Whether no step at all is skipped, so that a layer may take its unmasked path. */
    public boolean keepsAll() {
        for (int i = 0; i < batch * steps; i++) {
            if (!kept[i]) {
                return false;
            }
        }
        return true;
    }
}
