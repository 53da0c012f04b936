package org.rnnservice.engine.train;

import java.util.Map;
import org.rnnservice.engine.layers.Buffers;
import org.rnnservice.engine.model.Sequential;
import org.rnnservice.engine.train.losses.Loss;

/**
 * How much each output row of a batch counts in the loss, as Keras multiplies it: the sample's {@code sample_weight},
 * its target's {@code class_weight}, and for a masked sequence output the mask (see {@link StepMask}).
 */
final class RowWeights {

    private final StepMask mask = new StepMask();
    private float[] weights;
    private float[] perSample;
    private boolean[] kept;

    /**
     * The weights of the {@code rows} output rows of samples {@code order[from, from+n)} (inputs {@code x}, targets
     * {@code y}, batch-major), or null when every row weighs 1; {@code batchRows}/{@code batchKept} count the whole
     * batch's rows and kept rows for the mask.
     */
    float[] of(Sequential model, Samples data, int[] order, int from, int n, float[] x, float[] y, int rows,
               Loss loss, int width, Map<Integer, Double> classWeight, long batchRows, long batchKept) {
        kept = null;
        boolean masked = model.masksOutput();
        if (!masked && classWeight == null && !data.weighted()) {
            return null;
        }
        weights = Buffers.atLeast(weights, rows);
        java.util.Arrays.fill(weights, 0, rows, 1f);
        int rowsPerSample = rows / n;
        if (data.weighted()) {
            perSample = Buffers.atLeast(perSample, n);
            data.sampleWeights(order, from, n, perSample);
            for (int r = 0; r < rows; r++) {
                weights[r] *= perSample[r / rowsPerSample];
            }
        }
        if (classWeight != null) {
            for (int r = 0; r < rows; r++) {
                Double w = classWeight.get(loss.targetClass(y, r, width));
                weights[r] *= w == null ? 1f : w.floatValue();
            }
        }
        if (masked) {
            float[] m = mask.weights(model, x, n, data.steps(), batchRows, batchKept);
            kept = mask.kept();
            for (int r = 0; r < rows; r++) {
                weights[r] *= m[r];
            }
        }
        return weights;
    }

    /** The rows the mask kept in the last {@link #of} call, for metrics; null when the output is not masked. */
    boolean[] kept() {
        return kept;
    }
}
