package org.rnnservice.keras;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.rnnservice.engine.layers.UnsupportedFeatureException;
import org.rnnservice.engine.model.ModelDefinitions;
import org.rnnservice.engine.model.Sequential;
import org.rnnservice.engine.train.Samples;
import org.rnnservice.engine.train.Trainer;
import tools.jackson.databind.JsonNode;

/**
 * Every file real Keras 3.15.1 wrote imports and predicts what Keras predicted with it, within 1e-5: every layer
 * type, masks with zero_output_for_mask, regularizers, a Functional chain, lengths other than a fixed input length;
 * and the files the service cannot run are refused naming what stands in the way.
 */
class RealKerasImportTest {

    private static final double TOLERANCE = 1e-5;

    static Stream<Arguments> files() {
        List<Arguments> out = new ArrayList<>();
        for (String model : RealKerasFiles.accepted()) {
            out.add(Arguments.of(model + ".keras", model));
            out.add(Arguments.of(model + ".h5", model));
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("files")
    void predictsWhatKerasPredicted(String file, String model) {
        JsonNode expected = RealKerasFiles.EXPECTED.get(model);
        Sequential built = RealKerasFiles.build(RealKerasFiles.read(RealKerasFiles.bytes(file)));
        assertEquals(expected.get("params").asLong(), built.summary().totalParams(), "Keras' count_params()");
        for (int b = 0; b < expected.get("x").size(); b++) {
            RealKerasFiles.Batch batch = RealKerasFiles.Batch.of(expected.get("x").get(b));
            float[] ours = built.predict(batch.x(), batch.count(), batch.steps(), 64);
            float[] keras = RealKerasFiles.flat(expected.get("y").get(b));
            assertEquals(keras.length, ours.length, file + " batch " + b + ": output size");
            for (int i = 0; i < keras.length; i++) {
                assertTrue(Math.abs(keras[i] - ours[i]) <= TOLERANCE * Math.max(1, Math.abs(keras[i])), file + " batch " + b + " (" + batch.steps()
                        + " steps) value " + i + ": Keras " + keras[i] + ", ours " + ours[i]);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("files")
    void compiledExactlyWhenKerasCompiledIt(String file, String model) {
        ImportedModel imported = RealKerasFiles.read(RealKerasFiles.bytes(file));
        boolean compiled = RealKerasFiles.EXPECTED.get(model).get("compiled").asBoolean();
        assertEquals(compiled, imported.definition().containsKey("compile"), file + ": " + imported.definition());
    }

    static Stream<String> refusedFiles() {
        return RealKerasFiles.refused().stream().flatMap(m -> Stream.of(m + ".keras", m + ".h5"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refusedFiles")
    void refusesWhatItCannotRunNamingTheObstacle(String file) {
        String model = file.substring(0, file.lastIndexOf('.'));
        String words = RealKerasFiles.EXPECTED.get(model).get("refused").asString();
        UnsupportedFeatureException e = assertThrows(UnsupportedFeatureException.class,
                () -> RealKerasFiles.read(RealKerasFiles.bytes(file)));
        assertTrue(e.getMessage().contains(words), e.getMessage());
    }

    @Test
    void aFunctionalChainKeepsItsLayerNamesAndSaysItWasTakenAsSequential() {
        for (String file : List.of("functional_chain.keras", "functional_chain.h5")) {
            ImportedModel imported = RealKerasFiles.read(RealKerasFiles.bytes(file));
            assertEquals("forecaster", imported.definition().get("name"));
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> layers = (List<Map<String, Object>>) imported.definition().get("layers");
            assertEquals(List.of("encoder", "decoder", "forecast"), layers.stream().map(l -> l.get("name")).toList());
            assertNotNull(imported.note());
            assertTrue(imported.note().contains("series -> encoder -> decoder -> forecast"), imported.note());
        }
        assertNull(RealKerasFiles.read(RealKerasFiles.bytes("gru.keras")).note());
    }

    @Test
    void aRegularizedModelsLossIsTheOneKerasComputes() {
        JsonNode expected = RealKerasFiles.EXPECTED.get("regularized").get("loss");
        for (String file : List.of("regularized.keras", "regularized.h5")) {
            ImportedModel imported = RealKerasFiles.read(RealKerasFiles.bytes(file));
            Sequential model = RealKerasFiles.build(imported);
            RealKerasFiles.Batch batch = RealKerasFiles.Batch.of(expected.get("x"));
            float[] y = RealKerasFiles.flat(expected.get("y"));
            Samples samples = Samples.of(batch.x(), y, batch.count(), batch.steps(),
                    batch.x().length / batch.count() / batch.steps(), 1);
            Trainer trainer = new Trainer(model, ModelDefinitions.parse(imported.definition(), 1).compile());
            double total = expected.get("total").asDouble();
            assertEquals(total, trainer.evaluate(samples, batch.count()).get("loss"), 1e-5 * total, file);
            assertEquals(total, trainer.lossAndGradients(samples), 1e-5 * total, file);
            assertTrue(expected.get("penalties").asDouble() > 0.1 * total, "the penalties weigh in the check");
        }
    }

    @Test
    void regularizersAreReadAsKerasWroteThem() {
        ImportedModel imported = RealKerasFiles.read(RealKerasFiles.bytes("regularized.keras"));
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> layers = (List<Map<String, Object>>) imported.definition().get("layers");
        Sequential built = RealKerasFiles.build(imported);
        Map<String, Object> lstm = built.layers().get(0).config();
        assertEquals(Map.of("class_name", "L2", "config", Map.of("l2", 0.01)), lstm.get("kernel_regularizer"));
        // Keras writes L1's factor from a float32 tensor
        assertEquals(Map.of("class_name", "L1", "config", Map.of("l1", 0.0010000000474974513)),
                lstm.get("recurrent_regularizer"));
        assertEquals(Map.of("class_name", "L1L2", "config", Map.of("l1", 0.001, "l2", 0.002)),
                lstm.get("bias_regularizer"));
        assertEquals(Map.of("class_name", "L2", "config", Map.of("l2", 1e-4)), lstm.get("activity_regularizer"));
        // Keras' string "l1" means L1(0.01), written from a float32 tensor
        assertEquals(Map.of("class_name", "L1", "config", Map.of("l1", 0.009999999776482582)),
                built.layers().get(1).config().get("kernel_regularizer"));
        assertEquals(3, layers.size());
    }
}
