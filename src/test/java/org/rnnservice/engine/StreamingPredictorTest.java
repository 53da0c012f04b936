package org.rnnservice.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.rnnservice.RequestBodies.layer;
import static org.rnnservice.engine.Models.shape;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.rnnservice.engine.layers.UnsupportedFeatureException;
import org.rnnservice.engine.model.Sequential;
import org.rnnservice.engine.model.StreamingPredictor;

/**
 * A stream predicted a chunk at a time gives, bit for bit, the outputs of predicting the whole sequence at once:
 * every cell (LSTM, GRU both ways, SimpleRNN), stacked layers, sequences out, masks and token ids.
 */
class StreamingPredictorTest {

    private static final int STEPS = 37;

    /** Predicts the whole sequence, then the same in random chunks, and compares every output and the last state. */
    private static void assertChunksEqualWhole(Sequential model, float[] x, int features, long seed) {
        StreamingPredictor stream = new StreamingPredictor(model);
        int width = model.outputShape().features();
        boolean sequence = model.outputShape().sequence();
        float[] whole = model.predict(x, 1, STEPS, 1);
        StreamingPredictor.Result wholeStream = stream.next(x, 1, STEPS, null);
        assertArrayEquals(whole, wholeStream.outputs());
        Random r = new Random(seed);
        for (int trial = 0; trial < 6; trial++) {
            float[][] states = null;
            float[] outputs = new float[sequence ? STEPS * width : width];
            for (int at = 0; at < STEPS; ) {
                int n = trial == 0 ? 1 : Math.min(STEPS - at, 1 + r.nextInt(9));
                StreamingPredictor.Result chunk = stream.next(Arrays.copyOfRange(x, at * features,
                        (at + n) * features), 1, n, states);
                states = chunk.states();
                if (sequence) {
                    System.arraycopy(chunk.outputs(), 0, outputs, at * width, n * width);
                } else if (at + n == STEPS) {
                    outputs = chunk.outputs();
                }
                at += n;
            }
            assertArrayEquals(whole, outputs, "trial " + trial + " of " + model.layers().get(0).type());
            for (int s = 0; s < states.length; s++) {
                assertArrayEquals(wholeStream.states()[s], states[s], "state " + s);
            }
        }
    }

    private static float[] gaussian(int n, long seed) {
        Random r = new Random(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) r.nextGaussian();
        }
        return x;
    }

    @Test
    void everyCellContinuesExactly() {
        List<List<Map<String, Object>>> models = List.of(
                List.of(layer("LSTM", "units", 50), layer("Dense", "units", 1)),
                List.of(layer("GRU", "units", 20), layer("Dense", "units", 1)),
                List.of(layer("GRU", "units", 20, "reset_after", false), layer("Dense", "units", 1)),
                List.of(layer("SimpleRNN", "units", 10), layer("Dense", "units", 1)),
                List.of(layer("LSTM", "units", 16, "return_sequences", true), layer("GRU", "units", 8,
                        "return_sequences", true), Map.of("type", "TimeDistributed", "layer",
                        Map.of("type", "Dense", "units", 2))),
                List.of(layer("SimpleRNN", "units", 12, "return_sequences", true), layer("LSTM", "units", 9),
                        layer("Dense", "units", 3, "activation", "softmax")));
        for (List<Map<String, Object>> layers : models) {
            Sequential m = Models.build(shape(null, 3), layers);
            assertChunksEqualWhole(m, gaussian(STEPS * 3, 5), 3, 11);
        }
    }

    @Test
    void maskedStepsAndTokenIdsContinueExactly() {
        Sequential masked = Models.build(shape(null, 2), List.of(Map.of("type", "Masking", "mask_value", 0.0),
                layer("LSTM", "units", 8, "return_sequences", true), layer("Dense", "units", 1)));
        float[] x = gaussian(STEPS * 2, 6);
        for (int t : new int[] {0, 1, 9, 10, 11, 20, 36}) {
            x[t * 2] = 0;
            x[t * 2 + 1] = 0;
        }
        assertChunksEqualWhole(masked, x, 2, 12);
        Sequential tokens = Models.build(shape((Integer) null), List.of(Map.of("type", "Embedding", "input_dim", 30,
                "output_dim", 6, "mask_zero", true), layer("GRU", "units", 7), layer("Dense", "units", 30,
                "activation", "softmax")));
        float[] ids = new float[STEPS];
        Random r = new Random(2);
        for (int i = 0; i < STEPS; i++) {
            ids[i] = r.nextInt(30);
        }
        assertChunksEqualWhole(tokens, ids, 1, 13);
    }

    @Test
    void oneHotStepsContinueExactly() {
        // one-hot inputs take the gather path: the leading step copies the first so the path stays the same
        Sequential m = Models.build(shape(null, 12), List.of(layer("LSTM", "units", 24),
                layer("Dense", "units", 12, "activation", "softmax")));
        float[] x = new float[STEPS * 12];
        Random r = new Random(3);
        for (int t = 0; t < STEPS; t++) {
            x[t * 12 + r.nextInt(12)] = 1;
        }
        assertChunksEqualWhole(m, x, 12, 14);
    }

    @Test
    void layersThatReadBackwardsAreRefused() {
        assertThrows(UnsupportedFeatureException.class, () -> new StreamingPredictor(Models.build(shape(null, 1),
                List.of(Map.of("type", "Bidirectional", "layer", Map.of("type", "LSTM", "units", 4))))));
        assertThrows(UnsupportedFeatureException.class, () -> new StreamingPredictor(Models.build(shape(null, 1),
                List.of(layer("GRU", "units", 4, "go_backwards", true)))));
    }
}
