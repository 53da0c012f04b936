package org.rnnservice.engine;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.rnnservice.RequestBodies.layer;
import static org.rnnservice.engine.Models.shape;

import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.rnnservice.engine.layers.Param;
import org.rnnservice.engine.model.CompileSpec;
import org.rnnservice.engine.model.ModelSpec;
import org.rnnservice.engine.model.Sequential;
import org.rnnservice.engine.simd.KernelsProvider;
import org.rnnservice.engine.train.Samples;
import org.rnnservice.engine.train.Trainer;

/**
 * Back-propagation through time against central finite differences, for every layer type, activation and loss,
 * including return_sequences and stacked layers. The engine is float32, so the step is 1e-2 and the comparison
 * tolerant of rounding; wrong gates or missing terms are off by far more.
 */
class GradientCheckTest {

    private static final int BATCH = 3;
    private static final int STEPS = 4;

    static Stream<Arguments> models() {
        return Stream.of(
                Arguments.of("SimpleRNN tanh", "mse", 2, List.of(layer("SimpleRNN", "units", 3), layer("Dense", "units", 2))),
                Arguments.of("SimpleRNN relu no bias", "mse", 2,
                        List.of(layer("SimpleRNN", "units", 3, "activation", "relu", "use_bias", false),
                                layer("Dense", "units", 1))),
                Arguments.of("LSTM", "mse", 2, List.of(layer("LSTM", "units", 3), layer("Dense", "units", 1))),
                Arguments.of("LSTM no bias", "mse", 2,
                        List.of(layer("LSTM", "units", 3, "use_bias", false), layer("Dense", "units", 1))),
                Arguments.of("LSTM other activations", "mse", 2,
                        List.of(layer("LSTM", "units", 3, "activation", "softsign", "recurrent_activation", "swish"),
                                layer("Dense", "units", 1))),
                Arguments.of("GRU reset_after", "mse", 2, List.of(layer("GRU", "units", 3), layer("Dense", "units", 1))),
                Arguments.of("GRU reset_before", "mse", 2,
                        List.of(layer("GRU", "units", 3, "reset_after", false), layer("Dense", "units", 1))),
                Arguments.of("GRU elu/sigmoid", "mse", 2,
                        List.of(layer("GRU", "units", 3, "activation", "elu"), layer("Dense", "units", 1))),
                Arguments.of("stacked LSTM->GRU->SimpleRNN", "mse", 2,
                        List.of(layer("LSTM", "units", 3, "return_sequences", true),
                                layer("GRU", "units", 3, "return_sequences", true),
                                layer("SimpleRNN", "units", 2), layer("Dense", "units", 1))),
                Arguments.of("return_sequences + time-distributed Dense", "mse", 2,
                        List.of(layer("LSTM", "units", 3, "return_sequences", true), layer("Dense", "units", 2))),
                Arguments.of("mae", "mae", 2, List.of(layer("GRU", "units", 3), layer("Dense", "units", 2))),
                Arguments.of("huber", "huber", 2, List.of(layer("GRU", "units", 3), layer("Dense", "units", 2))),
                Arguments.of("binary crossentropy", "binary_crossentropy", 2,
                        List.of(layer("SimpleRNN", "units", 3), layer("Dense", "units", 2, "activation", "sigmoid"))),
                Arguments.of("categorical crossentropy", "categorical_crossentropy", 2,
                        List.of(layer("LSTM", "units", 3), layer("Dense", "units", 4, "activation", "softmax"))),
                Arguments.of("sparse categorical crossentropy", "sparse_categorical_crossentropy", 2,
                        List.of(layer("LSTM", "units", 3), layer("Dense", "units", 4, "activation", "softmax"))),
                Arguments.of("sparse CE on sequences", "sparse_categorical_crossentropy", 2,
                        List.of(layer("GRU", "units", 3, "return_sequences", true),
                                layer("Dense", "units", 4, "activation", "softmax"))),
                Arguments.of("embedding", "sparse_categorical_crossentropy", 0,
                        List.of(layer("Embedding", "input_dim", 5, "output_dim", 3), layer("LSTM", "units", 3),
                                layer("Dense", "units", 5, "activation", "softmax"))),
                // ids are drawn from 0..4, so about one step in five is padding that mask_zero skips
                Arguments.of("mask_zero -> LSTM", "mse", 0, List.of(masked(), layer("LSTM", "units", 3),
                        layer("Dense", "units", 1))),
                Arguments.of("mask_zero -> GRU sequences, loss over kept steps", "sparse_categorical_crossentropy", 0,
                        List.of(masked(), layer("GRU", "units", 3, "return_sequences", true),
                                layer("Dense", "units", 3, "activation", "softmax"))),
                Arguments.of("mask_zero -> SimpleRNN go_backwards sequences -> LSTM", "mse", 0,
                        List.of(masked(), layer("SimpleRNN", "units", 3, "return_sequences", true,
                                "go_backwards", true), layer("LSTM", "units", 2), layer("Dense", "units", 1))),
                Arguments.of("GRU reset_before go_backwards", "mse", 2, List.of(layer("GRU", "units", 3,
                        "reset_after", false, "go_backwards", true), layer("Dense", "units", 1))),
                Arguments.of("mask_zero -> GRU reset_before, other activations", "mse", 0, List.of(masked(),
                        layer("GRU", "units", 3, "reset_after", false, "activation", "softsign"),
                        layer("Dense", "units", 1))),
                Arguments.of("mask_zero -> LSTM other activations, sequences", "mse", 0, List.of(masked(),
                        layer("LSTM", "units", 3, "activation", "softsign", "return_sequences", true),
                        layer("Dense", "units", 1))),
                Arguments.of("Bidirectional(LSTM) concat", "mse", 2, List.of(bidirectional("LSTM", "concat", false),
                        layer("Dense", "units", 1))),
                Arguments.of("Bidirectional(SimpleRNN) ave", "mse", 2,
                        List.of(bidirectional("SimpleRNN", "ave", false), layer("Dense", "units", 2))),
                Arguments.of("mask_zero -> Bidirectional(GRU) sum", "mse", 0,
                        List.of(masked(), bidirectional("GRU", "sum", false), layer("Dense", "units", 1))),
                Arguments.of("mask_zero -> Bidirectional(LSTM sequences) mul -> GRU", "mse", 0,
                        List.of(masked(), bidirectional("LSTM", "mul", true), layer("GRU", "units", 2),
                                layer("Dense", "units", 1))),
                Arguments.of("mask_zero -> Bidirectional(GRU sequences) concat -> TimeDistributed(Dense)", "mse", 0,
                        List.of(masked(), bidirectional("GRU", "concat", true),
                                layer("TimeDistributed", "layer", layer("Dense", "units", 2)))),
                // L1 factors stay small: central differences across |w|'s kink at 0 are off by up to the factor
                Arguments.of("regularizers on every weight and on outputs", "mse", 2,
                        List.of(layer("LSTM", "units", 3, "return_sequences", true,
                                        "kernel_regularizer", regularizer("L2", "l2", 0.05),
                                        "recurrent_regularizer", regularizer("L1", "l1", 0.001),
                                        "bias_regularizer", "l1_l2", "activity_regularizer", regularizer("L2", "l2", 0.05)),
                                layer("SimpleRNN", "units", 2, "recurrent_regularizer", "l2"),
                                layer("Dense", "units", 1, "kernel_regularizer", regularizer("L2", "l2", 0.1),
                                        "activity_regularizer", "l2"))),
                Arguments.of("regularized Embedding and Bidirectional(GRU)", "mse", 0,
                        List.of(layer("Embedding", "input_dim", 5, "output_dim", 3, "mask_zero", true,
                                        "embeddings_regularizer", regularizer("L2", "l2", 0.05)),
                                layer("Bidirectional", "layer", layer("GRU", "units", 3, "kernel_regularizer",
                                        regularizer("L2", "l2", 0.05), "bias_regularizer", "l2"),
                                        "activity_regularizer", regularizer("L2", "l2", 0.05)),
                                layer("Dense", "units", 1))),
                Arguments.of("zero_output_for_mask with and without sequences", "mse", 0,
                        List.of(masked(), layer("GRU", "units", 3, "return_sequences", true,
                                        "zero_output_for_mask", true),
                                layer("LSTM", "units", 2, "go_backwards", true, "return_sequences", true,
                                        "zero_output_for_mask", true),
                                layer("SimpleRNN", "units", 2, "zero_output_for_mask", true),
                                layer("Dense", "units", 1))));
    }

    private static Map<String, Object> regularizer(String className, String factor, double value) {
        return Map.of("class_name", className, "config", Map.of(factor, value));
    }

    private static Map<String, Object> masked() {
        return layer("Embedding", "input_dim", 5, "output_dim", 3, "mask_zero", true);
    }

    private static Map<String, Object> bidirectional(String type, String merge, boolean sequences) {
        return layer("Bidirectional", "layer", layer(type, "units", 3, "return_sequences", sequences),
                "merge_mode", merge);
    }

    static Stream<Arguments> denseActivations() {
        return Stream.of("linear", "relu", "tanh", "sigmoid", "hard_sigmoid", "hard_sigmoid_keras2",
                "elu", "selu", "softplus", "softsign",
                "swish", "gelu", "exponential").map(Arguments::of);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("models")
    void gradientsMatchFiniteDifferences(String label, String loss, int features, List<Map<String, Object>> layers) {
        check(loss, features, layers);
    }

    @ParameterizedTest(name = "Dense {0}")
    @MethodSource("denseActivations")
    void everyActivationBackPropagates(String activation) {
        check("mse", 2, List.of(layer("SimpleRNN", "units", 3),
                layer("Dense", "units", 3, "activation", activation), layer("Dense", "units", 1)));
    }

    static Stream<Arguments> dropoutModels() {
        return Stream.of(
                Arguments.of("Dropout layer", List.of(layer("LSTM", "units", 3, "return_sequences", true),
                        layer("Dropout", "rate", 0.4), layer("GRU", "units", 3), layer("Dense", "units", 1))),
                Arguments.of("recurrent input dropout", List.of(layer("SimpleRNN", "units", 3, "dropout", 0.3),
                        layer("Dense", "units", 1))),
                Arguments.of("LSTM input dropout", List.of(layer("LSTM", "units", 3, "dropout", 0.3),
                        layer("Dense", "units", 1))),
                Arguments.of("SimpleRNN recurrent_dropout", List.of(layer("SimpleRNN", "units", 3,
                        "recurrent_dropout", 0.4), layer("Dense", "units", 1))),
                Arguments.of("LSTM dropout + recurrent_dropout, gate by gate", List.of(layer("LSTM", "units", 3,
                        "dropout", 0.3, "recurrent_dropout", 0.4, "return_sequences", true),
                        layer("Dense", "units", 1))),
                Arguments.of("GRU recurrent_dropout", List.of(layer("GRU", "units", 3, "recurrent_dropout", 0.4,
                        "dropout", 0.2), layer("Dense", "units", 1))),
                Arguments.of("Bidirectional(GRU recurrent_dropout)", List.of(layer("Bidirectional", "layer",
                        layer("GRU", "units", 3, "recurrent_dropout", 0.4)), layer("Dense", "units", 1))));
    }

    /**
     * Dropout in training mode: the trainer draws each batch's masks from a fixed seed, so repeating the same
     * training-mode pass sees the same masks, and finite differences of that pass check the masked gradients.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("dropoutModels")
    void dropoutBackPropagatesThroughItsMask(String label, List<Map<String, Object>> layers) {
        ModelSpec spec = new ModelSpec(null, shape(null, 2), layers,
                new CompileSpec("sgd", Map.of(), "mse", List.of()), 7);
        Sequential model = Sequential.build(spec, Long.MAX_VALUE, KernelsProvider.scalar());
        Random rng = new Random(3);
        Samples data = randomData(model, "mse", 2, false, rng);
        Trainer trainer = new Trainer(model, spec.compile());
        double base = trainer.lossAndGradients(data);
        assertMatchesFiniteDifferences(model, () -> trainer.lossAndGradients(data));
        // the masks really act: training-mode loss differs from inference
        assertTrue(Math.abs(base - trainer.evaluate(data, BATCH).get("loss")) > 1e-6, "dropout changed nothing");
    }

    @org.junit.jupiter.api.Test
    void oneHotInputsTakeTheGatherPathWithTheSameNumbers() {
        int vocab = 10;
        ModelSpec spec = new ModelSpec(null, shape(null, vocab), List.of(layer("LSTM", "units", 4),
                layer("Dense", "units", vocab, "activation", "softmax")),
                new CompileSpec("sgd", Map.of(), "sparse_categorical_crossentropy", List.of()), 3);
        Random rng = new Random(9);
        int[] tokens = new int[40];
        for (int i = 0; i < tokens.length; i++) {
            tokens[i] = rng.nextInt(vocab);
        }
        Samples oneHot = new org.rnnservice.engine.train.TokenWindows(tokens, vocab, 5, 7, true);
        // the same inputs, each row scaled by one float ulp above 1: no longer one-hot, so the product path runs
        float[] x = new float[oneHot.count() * 5 * vocab];
        float[] y = new float[oneHot.count()];
        int[] order = java.util.stream.IntStream.range(0, oneHot.count()).toArray();
        oneHot.inputs(order, 0, oneHot.count(), x);
        oneHot.targets(order, 0, oneHot.count(), y);
        float[] nearlyOne = x.clone();
        for (int i = 0; i < nearlyOne.length; i++) {
            nearlyOne[i] = nearlyOne[i] == 1f ? Math.nextUp(1f) : 0f;
        }
        Sequential a = Sequential.build(spec);
        Sequential b = Sequential.build(spec);
        double lossA = new Trainer(a, spec.compile()).lossAndGradients(Samples.of(x, y, oneHot.count(), 5, vocab, 1));
        double lossB = new Trainer(b, spec.compile()).lossAndGradients(
                Samples.of(nearlyOne, y, oneHot.count(), 5, vocab, 1));
        assertTrue(Math.abs(lossA - lossB) < 1e-5, lossA + " vs " + lossB);
        for (int i = 0; i < a.params().size(); i++) {
            float[] ga = a.params().get(i).grad();
            float[] gb = b.params().get(i).grad();
            for (int j = 0; j < ga.length; j++) {
                assertTrue(Math.abs(ga[j] - gb[j]) <= 1e-5 + 1e-4 * Math.abs(gb[j]),
                        a.params().get(i).name() + "[" + j + "]: " + ga[j] + " vs " + gb[j]);
            }
        }
    }

    @org.junit.jupiter.api.Test
    void aBatchOfLongSequencesHasTheNumbersOfItsSamplesOneByOne() {
        // each step is one product [1 | x_t | h_t-1] . [b; W; U], over 30 rows or over one: the same loss and gradients
        int n = 30;
        int steps = 80;
        int features = 3;
        ModelSpec spec = new ModelSpec(null, shape(null, features), List.of(layer("LSTM", "units", 8),
                layer("Dense", "units", 1)), new CompileSpec("sgd", Map.of(), "mse", List.of()), 5);
        Random rng = new Random(12);
        float[] x = new float[n * steps * features];
        float[] y = new float[n];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (rng.nextDouble() * 2 - 1);
        }
        for (int i = 0; i < n; i++) {
            y[i] = (float) (rng.nextDouble() * 2 - 1);
        }
        Sequential whole = Sequential.build(spec);
        double batchLoss = new Trainer(whole, spec.compile()).lossAndGradients(Samples.of(x, y, n, steps, features, 1));
        Sequential single = Sequential.build(spec);
        Trainer perSample = new Trainer(single, spec.compile());
        double lossSum = 0;
        List<double[]> gradSums = whole.params().stream().map(p -> new double[p.size()]).toList();
        for (int i = 0; i < n; i++) {
            float[] xi = java.util.Arrays.copyOfRange(x, i * steps * features, (i + 1) * steps * features);
            lossSum += perSample.lossAndGradients(Samples.of(xi, new float[] {y[i]}, 1, steps, features, 1));
            for (int p = 0; p < gradSums.size(); p++) {
                float[] g = single.params().get(p).grad();
                for (int j = 0; j < g.length; j++) {
                    gradSums.get(p)[j] += g[j];
                }
            }
        }
        assertTrue(Math.abs(batchLoss - lossSum / n) < 1e-6, batchLoss + " vs " + lossSum / n);
        for (int p = 0; p < gradSums.size(); p++) {
            float[] g = whole.params().get(p).grad();
            for (int j = 0; j < g.length; j++) {
                double mean = gradSums.get(p)[j] / n;
                assertTrue(Math.abs(g[j] - mean) <= 1e-6 + 1e-4 * Math.abs(mean),
                        whole.params().get(p).name() + "[" + j + "]: " + g[j] + " vs " + mean);
            }
        }
    }

    private static void check(String lossName, int features, List<Map<String, Object>> layers) {
        boolean tokens = features == 0;
        ModelSpec spec = new ModelSpec(null, tokens ? shape((Integer) null) : shape(null, features), layers,
                new CompileSpec("sgd", Map.of(), lossName, List.of()), 7);
        Sequential model = Sequential.build(spec, Long.MAX_VALUE, KernelsProvider.scalar());
        Random rng = new Random(11);
        // larger weights than the initializers give, so every gate is away from its linear regime
        for (Param p : model.params()) {
            for (int i = 0; i < p.size(); i++) {
                p.value()[i] = (float) (rng.nextDouble() - 0.5);
            }
        }
        Samples data = randomData(model, lossName, tokens ? 1 : features, tokens, rng);
        Trainer trainer = new Trainer(model, spec.compile());
        trainer.lossAndGradients(data);
        assertMatchesFiniteDifferences(model, () -> trainer.evaluate(data, BATCH).get("loss"));
    }

    /**
     * Compares the gradients the last backward pass left in the model with central differences of {@code loss},
     * one weight at a time.
     */
    private static void assertMatchesFiniteDifferences(Sequential model, java.util.function.DoubleSupplier loss) {
        List<float[]> analytic = model.params().stream().map(p -> p.grad().clone()).toList();
        double h = 1e-2;
        for (int pi = 0; pi < model.params().size(); pi++) {
            Param p = model.params().get(pi);
            for (int i = 0; i < p.size(); i++) {
                float saved = p.value()[i];
                p.value()[i] = (float) (saved + h);
                double up = loss.getAsDouble();
                p.value()[i] = (float) (saved - h);
                double down = loss.getAsDouble();
                p.value()[i] = saved;
                double numeric = (up - down) / (2 * h);
                double a = analytic.get(pi)[i];
                assertTrue(Math.abs(numeric - a) <= 2e-3 + 2e-2 * Math.abs(numeric),
                        p.name() + "[" + i + "]: analytic " + a + ", numeric " + numeric);
            }
        }
    }

    private static Samples randomData(Sequential model, String loss, int features, boolean tokens, Random rng) {
        float[] x = new float[BATCH * STEPS * features];
        for (int i = 0; i < x.length; i++) {
            x[i] = tokens ? rng.nextInt(5) : (float) (rng.nextDouble() * 2 - 1);
        }
        int width = model.outputShape().features();
        int rowsPerSample = model.outputShape().sequence() ? STEPS : 1;
        boolean sparse = loss.startsWith("sparse");
        float[] y = new float[BATCH * rowsPerSample * (sparse ? 1 : width)];
        for (int r = 0; r < BATCH * rowsPerSample; r++) {
            if (sparse) {
                y[r] = rng.nextInt(width);
            } else if (loss.equals("categorical_crossentropy")) {
                y[r * width + rng.nextInt(width)] = 1f;
            } else {
                for (int j = 0; j < width; j++) {
                    // binary targets for BCE; for MAE/Huber values far from typical outputs keep |e| off the kinks
                    y[r * width + j] = loss.equals("binary_crossentropy") ? rng.nextInt(2)
                            : (float) (loss.equals("mse") ? rng.nextDouble() * 2 - 1 : 3 + rng.nextDouble());
                }
            }
        }
        return Samples.of(x, y, BATCH, STEPS, features, y.length / BATCH);
    }
}
