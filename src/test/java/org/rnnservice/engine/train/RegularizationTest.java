package org.rnnservice.engine.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.rnnservice.engine.layers.InvalidModelException;
import org.rnnservice.engine.layers.Param;
import org.rnnservice.engine.model.CompileSpec;
import org.rnnservice.engine.model.ModelSpec;
import org.rnnservice.engine.model.Sequential;

/**
 * Keras' regularizers in the loss: a batch's loss is the data loss plus {@code l1 * sum|w| + l2 * sum w^2} of each
 * regularized weight of a trainable layer, plus each {@code activity_regularizer}'s penalty on its layer's output
 * divided by the batch size, computed here by hand from the weights and outputs; {@code evaluate} reports the same
 * total, as Keras' does.
 */
class RegularizationTest {

    private static final int BATCH = 8;
    private static final int STEPS = 4;
    private static final CompileSpec MSE = new CompileSpec("sgd", Map.of(), "mean_squared_error", List.of());

    private static Map<String, Object> reg(String cls, Object... factors) {
        Map<String, Object> config = new java.util.LinkedHashMap<>();
        for (int i = 0; i < factors.length; i += 2) {
            config.put((String) factors[i], factors[i + 1]);
        }
        return Map.of("class_name", cls, "config", config);
    }

    private static Sequential model() {
        Map<String, Object> lstm = new java.util.LinkedHashMap<>(Map.of("type", "LSTM", "units", 3,
                "kernel_regularizer", reg("L2", "l2", 0.02), "recurrent_regularizer", reg("L1", "l1", 0.003),
                "bias_regularizer", reg("L1L2", "l1", 0.001, "l2", 0.004)));
        lstm.put("activity_regularizer", reg("L2", "l2", 0.01));
        Map<String, Object> dense = Map.of("type", "Dense", "units", 2, "kernel_regularizer", "l1");
        Sequential model = Sequential.build(new ModelSpec(null, Arrays.asList(null, 2), List.of(lstm, dense), MSE, 3));
        Random rng = new Random(5);
        for (Param p : model.params()) {
            for (int i = 0; i < p.size(); i++) {
                p.value()[i] = (float) (rng.nextGaussian() * 0.5);
            }
        }
        return model;
    }

    private static final Random DATA = new Random(9);
    private static final float[] X = random(BATCH * STEPS * 2);
    private static final float[] Y = random(BATCH * 2);

    private static float[] random(int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) DATA.nextGaussian();
        }
        return v;
    }

    private static Samples data() {
        return Samples.of(X, Y, BATCH, STEPS, 2, 2);
    }

    /** The loss of the whole batch by hand: mean squared error, the weights' penalties, the LSTM output's. */
    private static double byHand(Sequential model, boolean lstmTrainable) {
        float[] out = model.predict(X, BATCH, STEPS, BATCH);
        double squares = 0;
        for (int i = 0; i < out.length; i++) {
            squares += (out[i] - Y[i]) * (double) (out[i] - Y[i]);
        }
        double data = squares / out.length;
        float[] lstmOut = model.layerOutputs(X, BATCH, STEPS).get(0);
        double activity = 0;
        for (float v : lstmOut) {
            activity += v * (double) v;
        }
        activity = 0.01 * activity / BATCH;
        List<float[]> w = model.weights(); // kernel, recurrent kernel, bias of the LSTM; kernel, bias of the Dense
        double penalty = 0.01 * sum(w.get(3), 1); // Keras' "l1" is L1(0.01)
        if (lstmTrainable) {
            penalty += 0.02 * sum(w.get(0), 2) + 0.003 * sum(w.get(1), 1) + 0.001 * sum(w.get(2), 1)
                    + 0.004 * sum(w.get(2), 2);
        }
        return data + activity + penalty;
    }

    private static double sum(float[] v, int power) {
        double s = 0;
        for (float x : v) {
            s += power == 1 ? Math.abs(x) : x * (double) x;
        }
        return s;
    }

    @Test
    void aBatchLossIsTheDataLossPlusEveryPenalty() {
        Sequential model = model();
        double loss = new Trainer(model, MSE).lossAndGradients(data());
        double expected = byHand(model, true);
        assertEquals(expected, loss, 1e-5 * expected);
        assertTrue(loss > byHand(model, false) + 1e-3, "the LSTM's weight penalties count");
    }

    @Test
    void evaluateReportsTheSameTotalAsKerasEvaluate() {
        Sequential model = model();
        double expected = byHand(model, true);
        assertEquals(expected, new Trainer(model, MSE).evaluate(data(), 3).get("loss"), 1e-5 * expected);
    }

    @Test
    void aFrozenLayersWeightsAreNotPenalised() {
        Sequential model = model();
        model.layers().get(0).setTrainable(false);
        double expected = byHand(model, false);
        assertEquals(expected, new Trainer(model, MSE).lossAndGradients(data()), 1e-5 * expected);
    }

    @Test
    void twoThreadsAddThePenaltiesOnceAndTheSameGradients() {
        Sequential one = model();
        double lossOne = new Trainer(one, MSE, 1).lossAndGradients(data());
        Sequential two = model();
        double lossTwo = new Trainer(two, MSE, 2).lossAndGradients(data());
        assertEquals(lossOne, lossTwo, 1e-6 * lossOne);
        for (int i = 0; i < one.params().size(); i++) {
            float[] a = one.params().get(i).grad();
            float[] b = two.params().get(i).grad();
            for (int j = 0; j < a.length; j++) {
                assertEquals(a[j], b[j], 1e-5f + 1e-4f * Math.abs(a[j]), one.params().get(i).name() + "[" + j + "]");
            }
        }
    }

    @Test
    void aRegularizerKerasHasButTheEngineLacksIsRefusedByName() {
        Map<String, Object> lstm = Map.of("type", "LSTM", "units", 3, "kernel_regularizer",
                reg("OrthogonalRegularizer", "factor", 0.01));
        InvalidModelException e = assertThrows(InvalidModelException.class, () -> Sequential.build(
                new ModelSpec(null, Arrays.asList(null, 2), List.of(lstm), MSE, 1)));
        assertTrue(e.getMessage().contains("OrthogonalRegularizer"), e.getMessage());
        assertEquals("layers[0].kernel_regularizer", e.field());
    }

    @Test
    void aRegularizerOnAWeightTheLayerLacksIsRefused() {
        Map<String, Object> dense = Map.of("type", "Dense", "units", 3, "recurrent_regularizer", "l2");
        InvalidModelException e = assertThrows(InvalidModelException.class, () -> Sequential.build(
                new ModelSpec(null, Arrays.asList(null, 2), List.of(dense), MSE, 1)));
        assertEquals("layers[0].recurrent_regularizer", e.field());
    }

    @Test
    void theModelDocumentShowsEachRegularizerAsKerasWritesIt() {
        Map<String, Object> config = model().layers().get(0).config();
        assertEquals(reg("L2", "l2", 0.02), config.get("kernel_regularizer"));
        assertEquals(reg("L1L2", "l1", 0.001, "l2", 0.004), config.get("bias_regularizer"));
        assertEquals(reg("L2", "l2", 0.01), config.get("activity_regularizer"));
        assertArrayEquals(new Object[] {reg("L1", "l1", 0.01)},
                new Object[] {model().layers().get(1).config().get("kernel_regularizer")});
    }
}
