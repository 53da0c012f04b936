package org.rnnservice.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.rnnservice.RequestBodies.layer;
import static org.rnnservice.engine.Models.shape;

import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.rnnservice.engine.model.CompileSpec;
import org.rnnservice.engine.model.ModelSpec;
import org.rnnservice.engine.model.Sequential;
import org.rnnservice.engine.train.FitOptions;
import org.rnnservice.engine.train.Samples;
import org.rnnservice.engine.train.TokenWindows;
import org.rnnservice.engine.train.Trainer;
import org.rnnservice.engine.train.TrainingListener;
import org.rnnservice.engine.train.callbacks.History;

/** The engine learns, end to end: the seed tutorial's examples, a sine series, and a repeating text. */
class LearningTest {

    @Test
    void seedExampleTwoLearnsTheShiftedIdentity() {
        float[] x = new float[100];
        float[] y = new float[100];
        for (int i = 0; i < 100; i++) {
            x[i] = i / 100f;
            y[i] = i / 100f + 0.1f;
        }
        ModelSpec spec = new ModelSpec(null, shape(null, 1),
                List.of(layer("SimpleRNN", "units", 10), layer("Dense", "units", 1)),
                new CompileSpec("adam", Map.of(), "mean_squared_error", List.of()), 1);
        Sequential model = Sequential.build(spec);
        History h = new Trainer(model, spec.compile())
                .fit(Samples.of(x, y, 100, 1, 1, 1), new FitOptions(10, 1, true, 0, 1, null), TrainingListener.NONE);
        List<Double> loss = h.get("loss");
        assertEquals(10, loss.size());
        assertTrue(loss.get(9) < loss.get(0) / 5, "loss " + loss);
        float[] p = model.predict(new float[] {0.5f}, 1, 1, 1);
        assertEquals(0.6, p[0], 0.1);
    }

    @Test
    void lstmPredictsTheNextValueOfASine() {
        int seqLen = 20;
        int n = 600;
        float[] x = new float[n * seqLen];
        float[] y = new float[n];
        for (int i = 0; i < n; i++) {
            for (int t = 0; t < seqLen; t++) {
                x[i * seqLen + t] = (float) Math.sin(0.1 * (i + t));
            }
            y[i] = (float) Math.sin(0.1 * (i + seqLen));
        }
        ModelSpec spec = new ModelSpec(null, shape(null, 1),
                List.of(layer("LSTM", "units", 32), layer("Dense", "units", 1)),
                new CompileSpec("adam", Map.of("learning_rate", 0.01), "mse", List.of("mae")), 3);
        Sequential model = Sequential.build(spec);
        History h = new Trainer(model, spec.compile()).fit(Samples.of(x, y, n, seqLen, 1, 1),
                new FitOptions(15, 16, true, 0.2, 3, null), TrainingListener.NONE);
        List<Double> val = h.get("val_loss");
        assertTrue(val.get(val.size() - 1) < 1e-3, "val_loss " + val);
        assertEquals(List.of("loss", "mae", "val_loss", "val_mae"), List.copyOf(h.values().keySet()));
    }

    @Test
    void charLstmContinuesARepeatingText() {
        String text = "hello world, ".repeat(40);
        String alphabet = "hello world,".chars().distinct().mapToObj(c -> String.valueOf((char) c))
                .reduce("", String::concat);
        int[] tokens = text.chars().map(alphabet::indexOf).toArray();
        int vocab = alphabet.length();
        int seqLen = 8;
        ModelSpec spec = new ModelSpec(null, shape(null, vocab),
                List.of(layer("LSTM", "units", 32), layer("Dense", "units", vocab, "activation", "softmax")),
                new CompileSpec("adam", Map.of("learning_rate", 0.01), "sparse_categorical_crossentropy",
                        List.of("accuracy")), 5);
        Sequential model = Sequential.build(spec);
        History h = new Trainer(model, spec.compile()).fit(new TokenWindows(tokens, vocab, seqLen, 1, true),
                new FitOptions(20, 32, true, 0, 5, null), TrainingListener.NONE);
        assertTrue(h.get("accuracy").get(h.epochs() - 1) > 0.99, "accuracy " + h.get("accuracy"));

        StringBuilder generated = new StringBuilder("hello wo");
        for (int i = 0; i < 26; i++) {
            float[] window = new float[seqLen * vocab];
            String last = generated.substring(generated.length() - seqLen);
            for (int t = 0; t < seqLen; t++) {
                window[t * vocab + alphabet.indexOf(last.charAt(t))] = 1f;
            }
            float[] probs = model.predict(window, 1, seqLen, 1);
            int best = 0;
            for (int j = 1; j < vocab; j++) {
                best = probs[j] > probs[best] ? j : best;
            }
            generated.append(alphabet.charAt(best));
        }
        assertEquals("hello world, hello world, hello wo", generated.toString());
    }

    /**
     * Sentences of 3 to 40 word ids, post-padded with 0 to 40: positive when they hold more words of the first group
     * (ids 1-5) than of the second (6-10). With mask_zero the LSTM skips the padding and classifies held-out sentences
     * almost perfectly; without it, the same model must carry its count through up to 37 padding steps and stays
     * short of 95%.
     */
    @Test
    void paddedSentencesAreClassifiedWhenThePaddingIsMasked() {
        int n = 800;
        int len = 40;
        float[] x = new float[n * len];
        float[] y = new float[n];
        Random rng = new Random(5);
        for (int i = 0; i < n; i++) {
            int words = 3 + rng.nextInt(38);
            int score;
            do {
                score = 0;
                for (int t = 0; t < words; t++) {
                    int id = 1 + rng.nextInt(19);
                    x[i * len + t] = id;
                    score += id <= 5 ? 1 : id <= 10 ? -1 : 0;
                }
            } while (score == 0);
            y[i] = score > 0 ? 1 : 0;
        }
        double masked = bestValidationAccuracy(x, y, n, len, true);
        double unmasked = bestValidationAccuracy(x, y, n, len, false);
        assertTrue(masked > 0.95, "masked: " + masked);
        // short of the 95% the masked model passes, on either kernel set (0.79 with the Vector API, 0.90 scalar)
        assertTrue(unmasked < 0.95, "unmasked: " + unmasked);
    }

    private static double bestValidationAccuracy(float[] x, float[] y, int n, int len, boolean maskZero) {
        ModelSpec spec = new ModelSpec(null, shape((Integer) null), List.of(
                layer("Embedding", "input_dim", 20, "output_dim", 8, "mask_zero", maskZero),
                layer("LSTM", "units", 8), layer("Dense", "units", 1, "activation", "sigmoid")),
                new CompileSpec("adam", Map.of("learning_rate", 0.01), "binary_crossentropy", List.of("accuracy")), 3);
        Sequential model = Sequential.build(spec);
        History h = new Trainer(model, spec.compile()).fit(Samples.of(x, y, n, len, 1, 1),
                new FitOptions(10, 32, true, 0.25, 1, null), TrainingListener.NONE);
        return h.get("val_accuracy").stream().mapToDouble(Double::doubleValue).max().orElseThrow();
    }
}
