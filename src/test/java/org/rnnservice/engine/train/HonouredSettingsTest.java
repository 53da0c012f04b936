package org.rnnservice.engine.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.rnnservice.RequestBodies.layer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.rnnservice.engine.layers.Activation;
import org.rnnservice.engine.layers.Initializer;
import org.rnnservice.engine.layers.Param;
import org.rnnservice.engine.layers.UnsupportedFeatureException;
import org.rnnservice.engine.model.CompileSpec;
import org.rnnservice.engine.model.ModelSpec;
import org.rnnservice.engine.model.Sequential;
import org.rnnservice.engine.train.losses.Loss;
import org.rnnservice.engine.train.metrics.Metric;
import org.rnnservice.engine.train.optimizers.Adam;
import org.rnnservice.engine.train.optimizers.LearningRate;
import org.rnnservice.engine.train.optimizers.Optimizer;

/**
 * Keras settings that are applied with Keras' semantics, or refused by name, never accepted and ignored. Expected
 * numbers are worked out by hand from Keras' formulas.
 */
class HonouredSettingsTest {

    // ---- optimizers ----

    @Test
    void clipSettingsAreExclusiveAsInKeras() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Optimizer.of("adam", Map.of("clipnorm", 1.0, "clipvalue", 0.5)));
        assertTrue(e.getMessage().contains("only one of clipnorm, clipvalue and global_clipnorm"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> Optimizer.of("sgd", Map.of("clipvalue", 1.0, "global_clipnorm", 0.5)));
    }

    @Test
    void unimplementedOptimizerSettingsAreRefusedUnlessOff() {
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> Optimizer.of("adam", Map.of("use_ema", true))).getMessage().contains("use_ema"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> Optimizer.of("adam", Map.of("decay", 0.01))).getMessage().contains("decay"));
        Map<String, Object> keras3Defaults = new LinkedHashMap<>();
        keras3Defaults.put("use_ema", false);
        keras3Defaults.put("ema_momentum", 0.99);
        keras3Defaults.put("ema_overwrite_frequency", null);
        keras3Defaults.put("loss_scale_factor", null);
        keras3Defaults.put("gradient_accumulation_steps", null);
        keras3Defaults.put("jit_compile", true);
        Optimizer.of("adam", keras3Defaults); // what Keras 3 writes for an optimizer without these features
    }

    @Test
    void decoupledWeightDecayShrinksEachWeightBeforeTheUpdate() {
        // Keras 3: w <- w - w * wd * lr, then SGD's w <- w - lr * g
        Param p = new Param("w", 2);
        p.value()[0] = 2f;
        p.value()[1] = -1f;
        p.grad()[0] = 0.5f;
        p.grad()[1] = 0f;
        Optimizer.of("sgd", Map.of("learning_rate", 0.1, "weight_decay", 0.2)).step(List.of(p));
        assertEquals(2f - 2f * 0.2f * 0.1f - 0.1f * 0.5f, p.value()[0], 1e-7);
        assertEquals(-1f + 1f * 0.2f * 0.1f, p.value()[1], 1e-7);
    }

    @Test
    void adamwIsAdamWithKerasDefaultWeightDecay() {
        Optimizer adamw = Optimizer.of("adamw", Map.of());
        assertEquals("adamw", adamw.config().get("type"));
        assertEquals(0.004, adamw.config().get("weight_decay"));
        // with a zero gradient Adam moves nothing, so what moves is the decay alone: w * (1 - 0.004 * 0.001)
        Param p = new Param("w", 1);
        p.value()[0] = 3f;
        adamw.step(List.of(p));
        assertEquals(3f - 3f * 0.004f * 0.001f, p.value()[0], 1e-7);
    }

    @Test
    void learningRateSchedulesFollowKerasFormulas() {
        LearningRate exp = LearningRate.of(schedule("ExponentialDecay", Map.of("initial_learning_rate", 0.1,
                "decay_steps", 10, "decay_rate", 0.5)), 1);
        assertEquals(0.1, exp.at(0), 1e-15);
        assertEquals(0.05, exp.at(10), 1e-15);
        assertEquals(0.1 * Math.sqrt(0.5), exp.at(5), 1e-15);
        LearningRate stairs = LearningRate.of(schedule("ExponentialDecay", Map.of("initial_learning_rate", 0.1,
                "decay_steps", 10, "decay_rate", 0.5, "staircase", true)), 1);
        assertEquals(0.1, stairs.at(9), 1e-15);
        assertEquals(0.05, stairs.at(10), 1e-15);
        // Keras: step <= 2 -> 1.0, 2 < step <= 4 -> 0.5, step > 4 -> 0.1
        LearningRate pieces = LearningRate.of(schedule("PiecewiseConstantDecay", Map.of("boundaries", List.of(2, 4),
                "values", List.of(1.0, 0.5, 0.1))), 1);
        assertEquals(List.of(1.0, 1.0, 0.5, 0.5, 0.1), List.of(pieces.at(1), pieces.at(2), pieces.at(3), pieces.at(4),
                pieces.at(5)));
        LearningRate cosine = LearningRate.of(schedule("CosineDecay", Map.of("initial_learning_rate", 1.0,
                "decay_steps", 4, "alpha", 0.1)), 1);
        assertEquals(1.0, cosine.at(0), 1e-15);
        assertEquals(0.9 * 0.5 + 0.1, cosine.at(2), 1e-15);
        assertEquals(0.1, cosine.at(4), 1e-15);
        assertEquals(0.1, cosine.at(40), 1e-15, "held at the end");
    }

    @Test
    void anOptimizerStepsWithTheScheduleAtTheUpdatesAlreadyApplied() {
        Param p = new Param("w", 1);
        Optimizer sgd = Optimizer.of("sgd", Map.of("learning_rate", schedule("PiecewiseConstantDecay",
                Map.of("boundaries", List.of(0), "values", List.of(1.0, 0.5)))));
        for (int step = 0; step < 2; step++) {
            p.grad()[0] = 1f;
            sgd.step(List.of(p));
        }
        assertEquals(-1.5f, p.value()[0], 1e-7, "the first update at 1.0, the second at 0.5");
    }

    @Test
    void unknownSchedulesAndWarmupAreRefusedByName() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Optimizer.of("adam", Map.of("learning_rate",
                schedule("InverseTimeDecay", Map.of())))).getMessage().contains("InverseTimeDecay"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Optimizer.of("adam", Map.of("learning_rate",
                schedule("CosineDecay", Map.of("initial_learning_rate", 1.0, "decay_steps", 4, "warmup_steps", 3)))))
                .getMessage().contains("warmup"));
    }

    private static Map<String, Object> schedule(String cls, Map<String, Object> config) {
        return Map.of("module", "keras.optimizers.schedules", "class_name", cls, "config", config);
    }

    // ---- losses ----

    @Test
    void binaryCrossentropyFromLogitsEqualsItOnTheSigmoid() {
        float[] logits = {2f, -1f, 0.3f};
        float[] target = {1f, 0f, 1f};
        double expected = 0;
        for (int i = 0; i < 3; i++) {
            double p = 1 / (1 + Math.exp(-logits[i]));
            expected -= target[i] * Math.log(p) + (1 - target[i]) * Math.log(1 - p);
        }
        expected /= 3;
        float[] grad = new float[3];
        double loss = Loss.of("binary_crossentropy", Map.of("from_logits", true)).compute(logits, target, 1, 3, grad);
        assertEquals(expected, loss, 1e-9);
        // d/dx of the mean: (sigmoid(x) - y) / 3
        assertEquals((1 / (1 + Math.exp(-2.0)) - 1) / 3, grad[0], 1e-7);
    }

    @Test
    void categoricalCrossentropyFromLogitsIsStableForLargeLogits() {
        float[] logits = {1000f, 0f, -1000f};
        float[] target = {0f, 1f, 0f};
        float[] grad = new float[3];
        double loss = Loss.of("categorical_crossentropy", Map.of("from_logits", true))
                .compute(logits, target, 1, 3, grad);
        assertEquals(1000.0, loss, 1e-9); // -log softmax(x)_1 = logsumexp(x) - x_1 = 1000
        assertArrayEquals(new float[] {1f, -1f, 0f}, grad, 1e-6f);
        double sparse = Loss.of("sparse_categorical_crossentropy", Map.of("from_logits", true))
                .compute(logits, new float[] {1f}, 1, 3, null);
        assertEquals(1000.0, sparse, 1e-9);
    }

    @Test
    void labelSmoothingMovesTargetsAsKerasDoes() {
        // categorical: y * (1 - 0.2) + 0.2 / 2 = (0.9, 0.1); loss = -(0.9 log 0.75 + 0.1 log 0.25)
        double cce = Loss.of("categorical_crossentropy", Map.of("label_smoothing", 0.2))
                .compute(new float[] {0.75f, 0.25f}, new float[] {1f, 0f}, 1, 2, null);
        assertEquals(-(0.9 * Math.log(0.75) + 0.1 * Math.log(0.25)), cce, 1e-6);
        // binary: y * (1 - 0.2) + 0.1 = 0.9
        double bce = Loss.of("binary_crossentropy", Map.of("label_smoothing", 0.2))
                .compute(new float[] {0.75f}, new float[] {1f}, 1, 1, null);
        assertEquals(-(0.9 * Math.log(0.75 + 1e-7) + 0.1 * Math.log(0.25 + 1e-7)), bce, 1e-6);
    }

    @Test
    void huberDeltaSetsWhereTheLossTurnsLinear() {
        // error 3 with delta 2: delta * |e| - delta^2 / 2 = 6 - 2 = 4; with Keras' default delta 1: 3 - 0.5
        assertEquals(4.0, Loss.of("huber", Map.of("delta", 2.0)).compute(new float[] {3f}, new float[] {0f}, 1, 1,
                null), 1e-9);
        assertEquals(2.5, Loss.of("huber").compute(new float[] {3f}, new float[] {0f}, 1, 1, null), 1e-9);
    }

    @Test
    void aLossArgumentItDoesNotTakeIsNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Loss.of("mse", Map.of("from_logits", true)));
        assertTrue(e.getMessage().contains("from_logits"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Loss.of("huber", Map.of("reduction", "sum")));
    }

    @Test
    void accuracyIsChosenFromTheShapesAsKerasChoosesIt() {
        Loss bce = Loss.of("binary_crossentropy");
        // Keras picks categorical accuracy for a 3-wide output whatever the loss
        assertEquals(Metric.Kind.CATEGORICAL_ACCURACY, Metric.of("accuracy", bce, 3).kind());
        assertEquals(Metric.Kind.BINARY_ACCURACY, Metric.of("accuracy", Loss.of("mse"), 1).kind());
        assertEquals(Metric.Kind.SPARSE_CATEGORICAL_ACCURACY,
                Metric.of("accuracy", Loss.of("sparse_categorical_crossentropy"), 4).kind());
    }

    @Test
    void rowWeightsScaleEachRowsLossAndGradientOverTheRowCount() {
        // errors 1 and 2, weights 3 and 1: (3 * 1 + 1 * 4) / 2, as Keras' sum_over_batch_size with sample_weight
        float[] grad = new float[2];
        double loss = Loss.of("mse").compute(new float[] {1f, 2f}, new float[] {0f, 0f}, 2, 1, grad,
                new float[] {3f, 1f});
        assertEquals(3.5, loss, 1e-12);
        assertArrayEquals(new float[] {3f * 2f / 2, 1f * 4f / 2}, grad, 1e-6f);
        Loss sparse = Loss.of("sparse_categorical_crossentropy");
        assertEquals(2, sparse.targetClass(new float[] {0f, 2f}, 1, 3));
        assertEquals(1, Loss.of("categorical_crossentropy").targetClass(new float[] {0f, 1f, 0f}, 0, 3));
        assertEquals(1, Loss.of("binary_crossentropy").targetClass(new float[] {0.8f}, 0, 1));
    }

    @Test
    void aClassWeighingZeroTeachesNothing() {
        ModelSpec spec = new ModelSpec(null, Arrays.asList(null, 1), List.of(layer("SimpleRNN", "units", 2),
                layer("Dense", "units", 1, "activation", "sigmoid")),
                new CompileSpec("sgd", Map.of("learning_rate", 0.5), "binary_crossentropy", List.of()), 3);
        float[] x = new float[6 * 2];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) Math.cos(i);
        }
        float[] y = new float[6]; // every sample of class 0
        Sequential weighed = Sequential.build(spec);
        List<float[]> before = weighed.weights();
        new Trainer(weighed, spec.compile()).fit(Samples.of(x, y, 6, 2, 1, 1), new FitOptions(2, 3, false, 0, 1,
                null, Map.of(0, 0.0)), TrainingListener.NONE);
        for (int i = 0; i < before.size(); i++) {
            assertArrayEquals(before.get(i), weighed.weights().get(i), "weight " + i);
        }
        Sequential plain = Sequential.build(spec);
        new Trainer(plain, spec.compile()).fit(Samples.of(x, y, 6, 2, 1, 1), new FitOptions(2, 3, false, 0, 1,
                null, Map.of(1, 0.0)), TrainingListener.NONE);
        assertNotEquals(Arrays.toString(before.get(3)), Arrays.toString(plain.weights().get(3)),
                "class 0 unnamed weighs 1 and trains");
    }

    // ---- layers ----

    @Test
    void hardSigmoidFollowsTheKerasVersionThatWroteIt() {
        assertEquals(1.0 / 6 + 0.5, Activation.of("hard_sigmoid").scalar(1.0), 1e-12); // Keras 3
        assertEquals(0.7, Activation.of("hard_sigmoid_keras2").scalar(1.0), 1e-12);   // Keras 2
        assertEquals(1.0, Activation.of("hard_sigmoid").scalar(3.5), 0);
        assertEquals(1.0 / 6, Activation.of("hard_sigmoid").derivative(1.0, 0), 1e-12);
    }

    @Test
    void initializerArgumentsAreApplied() {
        float[] w = new float[400];
        Initializer.of("random_uniform", Map.of("minval", 2.0, "maxval", 3.0)).fill(w, 0, 20, 20, new Random(1));
        for (float v : w) {
            assertTrue(v >= 2f && v <= 3f, "in [2, 3): " + v);
        }
        Initializer.of("constant", Map.of("value", 0.25)).fill(w, 0, 20, 20, new Random(1));
        assertEquals(0.25f, w[123]);
        float[] normal = new float[10_000];
        Initializer.of("random_normal", Map.of("mean", 5.0, "stddev", 0.1)).fill(normal, 0, 100, 100, new Random(1));
        double mean = 0;
        for (float v : normal) {
            mean += v / normal.length;
        }
        assertEquals(5.0, mean, 0.01);
    }

    @Test
    void orthogonalGainScalesAnOrthogonalMatrix() {
        int n = 6;
        float[] q = new float[n * n];
        Initializer.of("orthogonal", Map.of("gain", 2.0)).fill(q, 0, n, n, new Random(3));
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double dot = 0;
                for (int k = 0; k < n; k++) {
                    dot += q[k * n + i] * q[k * n + j];
                }
                assertEquals(i == j ? 4.0 : 0.0, dot, 1e-5, "Q^T Q = gain^2 I at " + i + "," + j);
            }
        }
    }

    @Test
    void aSeededInitializerGivesTheSameValuesWhateverTheModelSeed() {
        Map<String, Object> init = Map.of("class_name", "GlorotUniform", "config", Map.of("seed", 11));
        float[] a = kernel(spec(List.of(layer("Dense", "units", 3, "kernel_initializer", init)), 1));
        float[] b = kernel(spec(List.of(layer("Dense", "units", 3, "kernel_initializer", init)), 2));
        float[] c = kernel(spec(List.of(layer("Dense", "units", 3)), 1));
        float[] d = kernel(spec(List.of(layer("Dense", "units", 3)), 2));
        assertArrayEquals(a, b);
        assertNotEquals(Arrays.toString(c), Arrays.toString(d));
    }

    @Test
    void anInitializerArgumentItDoesNotTakeIsNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Sequential.build(spec(
                List.of(layer("Dense", "units", 3, "kernel_initializer",
                        Map.of("class_name", "GlorotUniform", "config", Map.of("gain", 2.0)))), 1)));
        assertTrue(e.getMessage().contains("gain"), e.getMessage());
    }

    @Test
    void unsupportedLayerSettingsAreRefusedAsUnsupported() {
        UnsupportedFeatureException e = assertThrows(UnsupportedFeatureException.class, () -> Sequential.build(
                new ModelSpec(null, Arrays.asList(null, 2), List.of(layer("LSTM", "units", 3, "return_state", true)),
                        CompileSpec.defaults(), 1)));
        assertEquals("layers[0].return_state", e.field());
        assertThrows(UnsupportedFeatureException.class, () -> Sequential.build(spec(
                List.of(layer("Dense", "units", 3, "dtype", "mixed_float16")), 1)));
    }

    @Test
    void aFrozenLayerKeepsItsWeightsWhileTheRestTrains() {
        ModelSpec spec = new ModelSpec(null, Arrays.asList(null, 2), List.of(
                layer("SimpleRNN", "units", 3, "trainable", false), layer("Dense", "units", 1)),
                new CompileSpec("sgd", Map.of("learning_rate", 0.1), "mse", List.of()), 5);
        Sequential model = Sequential.build(spec);
        assertEquals(3 * 2 + 3 * 3 + 3, model.summary().nonTrainableParams());
        assertEquals(3 + 1, model.summary().trainableParams());
        List<float[]> before = model.weights();
        float[] x = new float[8 * 3 * 2];
        float[] y = new float[8];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) Math.sin(i);
        }
        Arrays.fill(y, 0.5f);
        new Trainer(model, spec.compile()).fit(Samples.of(x, y, 8, 3, 2, 1), new FitOptions(2, 4, false, 0, 1,
                null), TrainingListener.NONE);
        List<float[]> after = model.weights();
        for (int i = 0; i < 3; i++) {
            assertArrayEquals(before.get(i), after.get(i), "frozen SimpleRNN weight " + i);
        }
        assertNotEquals(Arrays.toString(before.get(3)), Arrays.toString(after.get(3)), "the Dense kernel trains");
        assertEquals(false, model.layerConfigs().get(0).get("trainable"));
    }

    private static ModelSpec spec(List<Map<String, Object>> layers, long seed) {
        return new ModelSpec(null, List.of(4), new ArrayList<>(layers), CompileSpec.defaults(), seed);
    }

    private static float[] kernel(ModelSpec spec) {
        return Sequential.build(spec).params().get(0).value().clone();
    }
}
