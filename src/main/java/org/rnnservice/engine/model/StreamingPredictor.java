package org.rnnservice.engine.model;

import java.util.ArrayList;
import java.util.List;
import org.rnnservice.engine.layers.Bidirectional;
import org.rnnservice.engine.layers.Layer;
import org.rnnservice.engine.layers.RecurrentState;
import org.rnnservice.engine.layers.Tensor;
import org.rnnservice.engine.layers.UnsupportedFeatureException;

/**
 * Predictions on streams that arrive a few steps at a time, keeping each stream's recurrent state between calls, so
 * that any split of a sequence into chunks gives exactly the outputs of the whole sequence at once (Keras'
 * {@code stateful=True}, one stream per row). A chunk after the first runs with one extra leading step whose state
 * each recurrent layer replaces with the stream's, so the cells' own first-step code never changes. Layers that read
 * a sequence backwards cannot be continued and are refused.
 */
public final class StreamingPredictor {

    private final Sequential model;
    private final List<RecurrentState> recurrent = new ArrayList<>();

    public StreamingPredictor(Sequential model) {
        this.model = model;
        for (int i = 0; i < model.layers().size(); i++) {
            Layer layer = model.layers().get(i);
            if (layer instanceof org.rnnservice.engine.layers.Reshape) {
                throw new UnsupportedFeatureException("layers[" + i + "]", "a Reshape gives each sample's output"
                        + " at once, not step by step, so a stream cannot be continued a chunk at a time; predict"
                        + " whole sequences instead");
            }
            if (layer instanceof Bidirectional) {
                throw new UnsupportedFeatureException("layers[" + i + "]", "a Bidirectional layer reads each"
                        + " sequence from its end too, so a stream cannot be continued a chunk at a time; predict"
                        + " whole sequences instead");
            }
            if (layer instanceof RecurrentState r) {
                if (r.reversed()) {
                    throw new UnsupportedFeatureException("layers[" + i + "].go_backwards", "a layer with"
                            + " go_backwards reads each sequence from its end, so a stream cannot be continued a chunk"
                            + " at a time; predict whole sequences instead");
                }
                recurrent.add(r);
            }
        }
        if (!model.inputShape().sequence()) {
            throw new UnsupportedFeatureException("input_shape", "the model has no time axis, so there is no stream"
                    + " to continue");
        }
    }

    /** The length of each state tensor of one stream, in the order {@link Result#states()} gives them. */
    public int[] stateSizes() {
        List<Integer> sizes = new ArrayList<>();
        for (RecurrentState r : recurrent) {
            for (int k = 0; k < r.stateCount(); k++) {
                sizes.add(r.units());
            }
        }
        return sizes.stream().mapToInt(Integer::intValue).toArray();
    }

    /** The outputs of a chunk (batch-major, one per step for a model returning sequences) and the states after it. */
    public record Result(float[] outputs, float[][] states) {
    }

    /**
     * The next {@code steps} steps {@code x} (batch-major) of {@code count} streams that continue {@code states}
     * (each {@code [count, size]} in {@link #stateSizes()} order), or that start here when {@code states} is null.
     * Not thread-safe: the model's buffers are used.
     */
    public Result next(float[] x, int count, int steps, float[][] states) {
        int features = model.inputShape().features();
        int outWidth = model.outputShape().features();
        boolean sequence = model.outputShape().sequence();
        Tensor y;
        float[] out = new float[count * (sequence ? steps : 1) * outWidth];
        if (states == null) {
            y = model.forward(x, count, steps, false, null);
            y.toBatchMajor(out);
            return new Result(out, collect(count));
        }
        // one leading step, a copy of the first (so that the input's kind, one-hot or not, is unchanged), whose
        // state each recurrent layer replaces with the stream's
        float[] padded = new float[count * (steps + 1) * features];
        for (int b = 0; b < count; b++) {
            int src = b * steps * features;
            int dst = b * (steps + 1) * features;
            System.arraycopy(x, src, padded, dst, features);
            System.arraycopy(x, src, padded, dst + features, steps * features);
        }
        int s = 0;
        for (RecurrentState r : recurrent) {
            float[][] own = new float[r.stateCount()][];
            for (int k = 0; k < own.length; k++) {
                own[k] = states[s++];
            }
            r.replaceFirstState(own);
        }
        try {
            y = model.forward(padded, count, steps + 1, false, null);
        } finally {
            recurrent.forEach(r -> r.replaceFirstState(null));
        }
        if (!sequence) {
            y.toBatchMajor(out);
        } else {
            float[] all = y.toBatchMajor(new float[count * (steps + 1) * outWidth]);
            for (int b = 0; b < count; b++) {
                System.arraycopy(all, (b * (steps + 1) + 1) * outWidth, out, b * steps * outWidth,
                        steps * outWidth);
            }
        }
        return new Result(out, collect(count));
    }

    private float[][] collect(int count) {
        List<float[]> out = new ArrayList<>();
        for (RecurrentState r : recurrent) {
            for (float[] state : r.lastStates()) {
                if (state.length != count * r.units()) {
                    throw new IllegalStateException("state of " + state.length + " for " + count + " streams");
                }
                out.add(state);
            }
        }
        return out.toArray(new float[0][]);
    }
}
