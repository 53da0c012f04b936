package org.rnnservice.engine.train;

import org.rnnservice.engine.layers.Buffers;
import org.rnnservice.engine.model.Sequential;

/**
 * Keras' mask as losses and metrics apply it to a sequence output: a skipped step weighs 0, a kept one
 * {@code total / kept} over the whole batch, so the mean over all rows is the mean over the kept ones. Row weights are
 * batch-major, like the output rows they weigh.
 */
final class StepMask {

    private float[] weights;
    private boolean[] kept;
    private float[] x;

    /** Rows of {@code samples order[from, from+n)} that the model's mask keeps (its input read from {@code data}). */
    static long keptRows(Sequential model, Samples data, int[] order, int from, int n, float[] scratch) {
        data.inputs(order, from, n, scratch);
        return keptRows(model, scratch, n, data.steps());
    }

    /** Kept rows of a batch-major input of {@code n} samples of {@code steps} steps. */
    static long keptRows(Sequential model, float[] x, int n, int steps) {
        long kept = 0;
        for (int b = 0; b < n; b++) {
            for (int t = 0; t < steps; t++) {
                kept += model.keepsStep(x, b, t, steps) ? 1 : 0;
            }
        }
        return kept;
    }

    /** The input buffer for {@link #keptRows(Sequential, Samples, int[], int, int, float[])}, at least {@code size}. */
    float[] scratch(int size) {
        x = Buffers.atLeast(x, size);
        return x;
    }

    /**
     * Row weights for a part of a batch: 0 for a skipped row, {@code batchRows / batchKept} for a kept one, where the
     * counts are the whole batch's (Keras reduces over the batch, however it is split).
     */
    float[] weights(Sequential model, float[] x, int n, int steps, long batchRows, long batchKept) {
        weights = Buffers.atLeast(weights, n * steps);
        if (kept == null || kept.length < n * steps) {
            kept = new boolean[n * steps];
        }
        float scale = batchKept == 0 ? 0f : (float) ((double) batchRows / batchKept);
        for (int b = 0; b < n; b++) {
            for (int t = 0; t < steps; t++) {
                boolean keep = model.keepsStep(x, b, t, steps);
                kept[b * steps + t] = keep;
                weights[b * steps + t] = keep ? scale : 0f;
            }
        }
        return weights;
    }

    /** Which rows the last {@link #weights} call kept, for metrics, which average over kept rows. */
    boolean[] kept() {
        return kept;
    }
}
