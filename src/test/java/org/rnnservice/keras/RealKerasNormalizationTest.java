package org.rnnservice.keras;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.rnnservice.Http;
import org.rnnservice.engine.layers.LayerConfig;
import org.rnnservice.engine.layers.LayerShape;
import org.rnnservice.engine.layers.Moments;
import org.rnnservice.engine.layers.Normalization;
import org.rnnservice.engine.layers.Tensor;
import org.rnnservice.engine.model.Sequential;
import org.rnnservice.engine.model.Summary;
import org.rnnservice.engine.simd.KernelsProvider;
import tools.jackson.databind.JsonNode;

/**
 * Normalization against real Keras 3.15.1 ({@code normalization.json}, written by make_real_fixtures.py): adapt's mean
 * and variance per feature and over every value, the forward map and its inverse; and the summary of a model Keras
 * saved with two of them, their statistics counted as non-trainable.
 */
class RealKerasNormalizationTest {

    private static final JsonNode REF = Http.JSON.readTree(RealKerasFiles.bytes("normalization.json"));

    @ParameterizedTest(name = "axis {0}")
    @ValueSource(strings = {"last", "none"})
    void adaptForwardAndInvertAsKeras(String axis) {
        JsonNode keras = REF.get(axis);
        float[] data = RealKerasFiles.flat(REF.get("adapt_data"));
        RealKerasFiles.Batch x = RealKerasFiles.Batch.of(REF.get("x"));
        for (boolean invert : new boolean[] {false, true}) {
            Normalization layer = layer(axis, invert);
            Moments moments = layer.moments();
            moments.add(data, data.length / 3);
            assertFalse(layer.adapted());
            layer.adapt(moments);
            assertTrue(layer.adapted());
            assertClose(RealKerasFiles.flat(keras.get("mean")), layer.params().get(0).value(), 1e-6, "mean");
            assertClose(RealKerasFiles.flat(keras.get("variance")), layer.params().get(1).value(), 1e-5, "variance");
            Tensor out = layer.forward(Tensor.fromBatchMajor(x.x(), 0, x.count(), x.steps(), 3,
                    new float[x.x().length]), false, null);
            float[] ours = new float[x.x().length];
            out.toBatchMajor(ours);
            assertClose(RealKerasFiles.flat(keras.get(invert ? "invert" : "forward")), ours, 1e-5,
                    invert ? "invert" : "forward");
        }
    }

    @Test
    void statisticsAreNonTrainableWeightsInTheSummary() {
        Sequential model = RealKerasFiles.build(RealKerasFiles.read(RealKerasFiles.bytes("normalized.keras")));
        Summary summary = model.summary();
        // Keras: Normalization(3) holds mean (3,), variance (3,) and count (); Normalization(2) 2 + 2 + 1
        assertEquals(List.of(7L, 180L, 12L, 5L), summary.layers().stream().map(Summary.Row::params).toList());
        assertEquals(204, summary.totalParams());
        assertEquals(12, summary.nonTrainableParams());
        assertEquals(192, summary.trainableParams());
        assertEquals(5, model.trainableParams().size(), "the LSTM's three weights and the Dense's two");
    }

    private static Normalization layer(String axis, boolean invert) {
        Map<String, Object> args = new LinkedHashMap<>();
        args.put("axis", axis.equals("last") ? List.of(-1) : List.of());
        args.put("invert", invert);
        Normalization layer = new Normalization("n", new LayerConfig(args, "layers[0]"), KernelsProvider.scalar());
        layer.build(LayerShape.sequence(null, 3), null);
        return layer;
    }

    private static void assertClose(float[] keras, float[] ours, double relative, String what) {
        assertEquals(keras.length, ours.length, what + " size");
        for (int i = 0; i < keras.length; i++) {
            assertTrue(Math.abs(keras[i] - ours[i]) <= relative * Math.max(1, Math.abs(keras[i])),
                    what + " " + i + ": Keras " + keras[i] + ", ours " + ours[i]);
        }
    }
}
