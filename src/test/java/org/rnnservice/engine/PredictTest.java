package org.rnnservice.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.rnnservice.RequestBodies.layer;
import static org.rnnservice.engine.Models.shape;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.rnnservice.engine.layers.Tensor;
import org.rnnservice.engine.model.Sequential;

/** Predictions do not depend on how they are batched or split over threads. */
class PredictTest {

    @Test
    void batchingAndThreadsDoNotChangeAPrediction() {
        assertSameAlone(9);
    }

    @Test
    void longSequencesPredictTheSameInOneProductPerStep() {
        // passes of 64 rows over 60 steps against one sample at a time
        assertSameAlone(60);
    }

    /** Predictions of a stacked model in one batch, split over threads, and sample by sample. */
    private static void assertSameAlone(int steps) {
        Sequential m = Models.build(shape(null, 3), List.of(layer("LSTM", "units", 20, "return_sequences", true),
                layer("GRU", "units", 7), layer("Dense", "units", 2)));
        int n = 301;
        float[] x = new float[n * steps * 3];
        Random r = new Random(4);
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) r.nextGaussian();
        }
        float[] oneBatch = m.predict(x, n, steps, n);
        float[] parallel = m.predictParallel(x, n, steps, n);
        assertArrayEquals(oneBatch, parallel);
        float[] single = new float[2];
        for (int i = 0; i < n; i += 50) {
            float[] one = m.predict(java.util.Arrays.copyOfRange(x, i * steps * 3, (i + 1) * steps * 3), 1, steps, 1);
            System.arraycopy(oneBatch, i * 2, single, 0, 2);
            assertArrayEquals(single, one, 1e-5f, "sample " + i);
        }
    }

    @Test
    void aBackwardPassAfterAPredictionIsRefused() {
        // prediction keeps one step's LSTM buffers only, so nothing is left for a backward pass to read
        Sequential m = Models.build(shape(null, 2), List.of(layer("LSTM", "units", 8), layer("Dense", "units", 1)));
        m.forward(new float[3 * 4 * 2], 3, 4, false, null);
        assertThrows(IllegalStateException.class, () -> m.backward(new Tensor(new float[3], 3, 0, 1)));
    }
}
