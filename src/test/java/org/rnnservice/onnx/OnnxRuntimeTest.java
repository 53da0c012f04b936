package org.rnnservice.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.io.InputStream;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.rnnservice.engine.layers.Param;
import org.rnnservice.engine.layers.UnsupportedFeatureException;
import org.rnnservice.engine.model.CompileSpec;
import org.rnnservice.engine.model.ModelDefinitions;
import org.rnnservice.engine.model.ModelSpec;
import org.rnnservice.engine.model.Sequential;
import org.rnnservice.keras.ImportedModel;
import org.rnnservice.keras.KerasFiles;

/**
 * The ONNX exports run by ONNX Runtime, a second engine independent of ours: every layer type, stacked, bidirectional
 * in every merge mode, masked (post-padded) and reading backwards, each compared with the service's own predictions
 * within 1e-5 on random inputs of several batch sizes and lengths. Creating each session with every graph
 * optimisation on is the well-formedness check: ONNX Runtime infers and checks every node's types and shapes then.
 */
class OnnxRuntimeTest {

    private static final OrtEnvironment ENV = OrtEnvironment.getEnvironment();
    private static final double TOLERANCE = 1e-5;

    private static Map<String, Object> layer(String type, Object... args) {
        Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("type", type);
        for (int i = 0; i < args.length; i += 2) {
            m.put((String) args[i], args[i + 1]);
        }
        return m;
    }

    private static Map<String, Object> bi(Map<String, Object> inner, String merge) {
        return layer("Bidirectional", "layer", inner, "merge_mode", merge);
    }

    /** How the inputs are drawn: features, token ids, or post-padded sequences. */
    enum Input { SERIES, TOKENS, PADDED_TOKENS, PADDED_SERIES, FLAT }

    static Stream<Arguments> models() {
        return Stream.of(
                Arguments.of("Dense on vectors", Input.FLAT, List.of(layer("Dense", "units", 3, "activation", "relu"),
                        layer("Dense", "units", 2, "activation", "softmax"))),
                Arguments.of("SimpleRNN", Input.SERIES, List.of(layer("SimpleRNN", "units", 5),
                        layer("Dense", "units", 1))),
                Arguments.of("SimpleRNN relu backwards, sequences -> TimeDistributed(Dense)", Input.SERIES, List.of(
                        layer("SimpleRNN", "units", 4, "activation", "relu", "go_backwards", true,
                                "return_sequences", true),
                        layer("TimeDistributed", "layer", layer("Dense", "units", 2, "activation", "tanh")))),
                Arguments.of("stacked LSTM with Dropout", Input.SERIES, List.of(
                        layer("LSTM", "units", 6, "return_sequences", true), layer("Dropout", "rate", 0.3),
                        layer("LSTM", "units", 4), layer("Dense", "units", 2, "activation", "sigmoid"))),
                Arguments.of("LSTM relu / hard_sigmoid, no bias, backwards", Input.SERIES, List.of(
                        layer("LSTM", "units", 4, "activation", "relu", "recurrent_activation", "hard_sigmoid",
                                "use_bias", false, "go_backwards", true), layer("Dense", "units", 1))),
                Arguments.of("GRU reset_after", Input.SERIES, List.of(layer("GRU", "units", 5),
                        layer("Dense", "units", 1))),
                Arguments.of("GRU reset_before, Keras 2's hard_sigmoid, softsign, sequences", Input.SERIES, List.of(
                        layer("GRU", "units", 4, "reset_after", false, "recurrent_activation", "hard_sigmoid_keras2",
                                "activation", "softsign", "return_sequences", true),
                        layer("GRU", "units", 3, "activation", "elu", "go_backwards", true),
                        layer("Dense", "units", 2))),
                Arguments.of("Bidirectional concat and sum", Input.SERIES, List.of(
                        bi(layer("LSTM", "units", 3, "return_sequences", true), "concat"),
                        bi(layer("GRU", "units", 3), "sum"), layer("Dense", "units", 1))),
                Arguments.of("Bidirectional mul and ave", Input.SERIES, List.of(
                        bi(layer("SimpleRNN", "units", 3, "return_sequences", true), "mul"),
                        bi(layer("LSTM", "units", 2, "return_sequences", true), "ave"),
                        layer("Dense", "units", 2))),
                Arguments.of("Embedding -> GRU -> softmax", Input.TOKENS, List.of(
                        layer("Embedding", "input_dim", 12, "output_dim", 4), layer("GRU", "units", 5),
                        layer("Dense", "units", 12, "activation", "softmax"))),
                Arguments.of("Embedding mask_zero -> Bidirectional(LSTM) -> sigmoid", Input.PADDED_TOKENS, List.of(
                        layer("Embedding", "input_dim", 12, "output_dim", 4, "mask_zero", true),
                        bi(layer("LSTM", "units", 3), "concat"), layer("Dense", "units", 1, "activation", "sigmoid"))),
                Arguments.of("mask_zero through sequences, zero_output_for_mask", Input.PADDED_TOKENS, List.of(
                        layer("Embedding", "input_dim", 12, "output_dim", 3, "mask_zero", true),
                        layer("LSTM", "units", 4, "return_sequences", true),
                        layer("GRU", "units", 3, "return_sequences", true, "zero_output_for_mask", true),
                        layer("SimpleRNN", "units", 2, "zero_output_for_mask", true), layer("Dense", "units", 1))),
                Arguments.of("Masking -> GRU sequences (carried at masked steps) -> TimeDistributed", Input.PADDED_SERIES,
                        List.of(layer("Masking", "mask_value", 0.0), layer("GRU", "units", 4, "return_sequences", true),
                                layer("TimeDistributed", "layer", layer("Dense", "units", 2)))),
                Arguments.of("Masking -> LSTM backwards sequences -> Bidirectional sequences -> Dense", Input.PADDED_SERIES,
                        List.of(layer("Masking", "mask_value", 0.0), layer("LSTM", "units", 3, "return_sequences", true,
                                "go_backwards", true), bi(layer("GRU", "units", 2, "return_sequences", true), "concat"),
                                layer("Dense", "units", 1))),
                Arguments.of("Normalization (adapted weights, given) -> LSTM -> inverting Normalization", Input.SERIES,
                        List.of(layer("Normalization"), layer("LSTM", "units", 4), layer("Dense", "units", 2),
                                layer("Normalization", "invert", true, "axis", null, "mean", 100.0, "variance", 9.0))),
                Arguments.of("multi-step forecast: Dense -> Reshape [3, 2]", Input.SERIES, List.of(
                        layer("GRU", "units", 4), layer("Dense", "units", 6), layer("Reshape", "target_shape",
                                List.of(3, -1)))),
                Arguments.of("every Dense activation", Input.SERIES, List.of(layer("SimpleRNN", "units", 6),
                        layer("Dense", "units", 6, "activation", "selu"), layer("Dense", "units", 6, "activation", "swish"),
                        layer("Dense", "units", 6, "activation", "gelu"), layer("Dense", "units", 6, "activation", "elu"),
                        layer("Dense", "units", 6, "activation", "softplus"),
                        layer("Dense", "units", 6, "activation", "softsign"),
                        layer("Dense", "units", 6, "activation", "hard_sigmoid"),
                        layer("Dense", "units", 2, "activation", "exponential"))));
    }

    private static Sequential build(Input input, List<Map<String, Object>> layers) {
        List<Integer> shape = switch (input) {
            case FLAT -> List.of(4);
            case TOKENS, PADDED_TOKENS -> Arrays.asList((Integer) null);
            default -> Arrays.asList(null, 3);
        };
        Sequential model = Sequential.build(new ModelSpec("onnx_check", shape, layers, CompileSpec.defaults(), 5));
        Random rng = new Random(17);
        for (Param p : model.params()) {
            if (!p.name().endsWith("embeddings")) {
                for (int i = 0; i < p.size(); i++) {
                    p.value()[i] = (float) (rng.nextGaussian() * 0.4); // biases too: zeros would hide their layout
                }
            }
            if (p.name().endsWith("/variance")) {
                for (int i = 0; i < p.size(); i++) {
                    p.value()[i] = Math.abs(p.value()[i]) + 0.5f;
                }
            }
        }
        return model;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("models")
    void onnxRuntimePredictsWhatTheServicePredicts(String label, Input input, List<Map<String, Object>> layers)
            throws OrtException {
        Sequential model = build(input, layers);
        assertAgrees(model, input, OnnxExport.write(model, "test"));
    }

    @Test
    void aModelImportedFromARealKerasFileAndAModelTrainedHereAgreeToo() throws Exception {
        byte[] file;
        try (InputStream in = OnnxRuntimeTest.class.getResourceAsStream("/keras/real/text.keras")) {
            file = in.readAllBytes();
        }
        ImportedModel imported = KerasFiles.read(file, 1L << 30, 1L << 30);
        Sequential text = Sequential.build(ModelDefinitions.parse(imported.definition(), 1));
        text.setWeights(KerasFiles.weights(imported, text));
        assertAgrees(text, Input.PADDED_TOKENS, OnnxExport.write(text, "test"));

        Sequential trained = build(Input.SERIES, List.of(layer("LSTM", "units", 5, "return_sequences", true),
                layer("GRU", "units", 3), layer("Dense", "units", 1)));
        float[] x = new float[32 * 6 * 3];
        float[] y = new float[32];
        Random rng = new Random(3);
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) Math.sin(i * 0.37);
        }
        for (int i = 0; i < y.length; i++) {
            y[i] = (float) rng.nextGaussian();
        }
        org.rnnservice.engine.train.Trainer trainer = new org.rnnservice.engine.train.Trainer(trained,
                trained.spec().compile());
        float[] before = trained.weights().get(0).clone();
        trainer.fit(org.rnnservice.engine.train.Samples.of(x, y, 32, 6, 3, 1),
                new org.rnnservice.engine.train.FitOptions(3, 8, true, 0, 1, null),
                org.rnnservice.engine.train.TrainingListener.NONE);
        assertTrue(!Arrays.equals(before, trained.weights().get(0)), "training changed the weights");
        assertAgrees(trained, Input.SERIES, OnnxExport.write(trained, "test"));
    }

    @Test
    void whatOnnxCannotExpressIsRefusedNamingTheLayer() {
        Sequential swish = build(Input.SERIES, List.of(layer("SimpleRNN", "units", 3, "activation", "swish"),
                layer("Dense", "units", 1)));
        UnsupportedFeatureException e = assertThrows(UnsupportedFeatureException.class,
                () -> OnnxExport.write(swish, "test"));
        assertTrue(e.getMessage().contains("layer 'simple_rnn'") && e.getMessage().contains("swish"), e.getMessage());
        Sequential backwards = build(Input.SERIES, List.of(bi(layer("GRU", "units", 3, "go_backwards", true),
                "concat"), layer("Dense", "units", 1)));
        e = assertThrows(UnsupportedFeatureException.class, () -> OnnxExport.write(backwards, "test"));
        assertTrue(e.getMessage().contains("layer 'bidirectional'"), e.getMessage());
    }

    /** ONNX Runtime's predictions equal ours for batches of 1 and 3 samples of 1, 4 and 7 steps. */
    private static void assertAgrees(Sequential model, Input input, byte[] onnx) throws OrtException {
        OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
        try (OrtSession session = ENV.createSession(onnx, options)) {
            assertEquals(List.of(OnnxExport.INPUT), List.copyOf(session.getInputNames()));
            assertEquals(model.layers().get(model.layers().size() - 1).name(),
                    session.getOutputNames().iterator().next());
            Random rng = new Random(29);
            for (int batch : new int[] {1, 3}) {
                for (int steps : input == Input.FLAT ? new int[] {0} : new int[] {1, 4, 7}) {
                    int features = input == Input.FLAT ? 4 : input == Input.TOKENS || input == Input.PADDED_TOKENS
                            ? 1 : 3;
                    float[] x = new float[batch * Math.max(steps, 1) * features];
                    for (int b = 0; b < batch; b++) {
                        // post-padded: a sample keeps its first `kept` steps; the first sample of a batch of
                        // several is all padding, which Keras answers with the initial state's outputs
                        boolean padded = input == Input.PADDED_TOKENS || input == Input.PADDED_SERIES;
                        int kept = !padded ? Math.max(steps, 1) : b == 0 && batch > 1 ? 0
                                : 1 + rng.nextInt(Math.max(steps, 1));
                        for (int t = 0; t < Math.max(steps, 1); t++) {
                            for (int f = 0; f < features; f++) {
                                int i = (b * Math.max(steps, 1) + t) * features + f;
                                boolean token = input == Input.TOKENS || input == Input.PADDED_TOKENS;
                                x[i] = t >= kept ? 0f : token ? 1 + rng.nextInt(11) : (float) rng.nextGaussian();
                            }
                        }
                    }
                    float[] ours = model.predict(x, batch, steps, 64);
                    float[] theirs = run(session, input, x, batch, steps, features);
                    assertEquals(ours.length, theirs.length, "output size");
                    for (int i = 0; i < ours.length; i++) {
                        assertTrue(Math.abs(ours[i] - theirs[i]) <= TOLERANCE, "batch " + batch + ", " + steps
                                + " steps, value " + i + ": ours " + ours[i] + ", ONNX Runtime " + theirs[i]);
                    }
                }
            }
        }
    }

    private static float[] run(OrtSession session, Input input, float[] x, int batch, int steps, int features)
            throws OrtException {
        OnnxTensor tensor;
        if (input == Input.TOKENS || input == Input.PADDED_TOKENS) {
            long[] ids = new long[x.length];
            for (int i = 0; i < x.length; i++) {
                ids[i] = (long) x[i];
            }
            tensor = OnnxTensor.createTensor(ENV, LongBuffer.wrap(ids), new long[] {batch, steps});
        } else if (input == Input.FLAT) {
            tensor = OnnxTensor.createTensor(ENV, FloatBuffer.wrap(x), new long[] {batch, features});
        } else {
            tensor = OnnxTensor.createTensor(ENV, FloatBuffer.wrap(x), new long[] {batch, steps, features});
        }
        try (tensor; OrtSession.Result result = session.run(Map.of(OnnxExport.INPUT, tensor))) {
            FloatBuffer out = ((OnnxTensor) result.get(0)).getFloatBuffer();
            float[] values = new float[out.remaining()];
            out.get(values);
            return values;
        }
    }
}
