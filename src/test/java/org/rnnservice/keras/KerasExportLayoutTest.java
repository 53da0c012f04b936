package org.rnnservice.keras;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jhdf.HdfFile;
import io.jhdf.api.Dataset;
import io.jhdf.api.Group;
import io.jhdf.api.Node;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.rnnservice.Http;
import org.rnnservice.engine.model.Sequential;
import org.rnnservice.engine.train.Compilation;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The files the service exports are the files Keras writes: each model Keras saved in the fixtures is imported,
 * exported in both formats, and compared with what Keras itself wrote for it: {@code config.json} and
 * {@code model_config} key for key, every weight at the same path with the same shape and values, the compile
 * settings. This is the check that needs no Keras at build time; {@code scripts/keras-export-check} loads the exports
 * in real Keras.
 *
 * <p>Keras' documents are compared after three normalisations the service makes on purpose, so that every Keras 3
 * release reads its files: dtypes by name rather than as {@code DTypePolicy} objects, no {@code shared_object_id},
 * and no argument from {@link KerasConfigWriter#LATER_ARGUMENTS} while it is at its default.
 */
class KerasExportLayoutTest {

    static Stream<String> models() {
        return RealKerasFiles.accepted().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("models")
    void theArchiveIsTheOneKerasWrites(String model) {
        byte[] theirs = RealKerasFiles.bytes(model + ".keras");
        byte[] ours = export(theirs, KerasFiles.Format.KERAS);
        Map<String, byte[]> keras = unzip(theirs);
        Map<String, byte[]> exported = unzip(ours);
        assertEquals(keras.keySet(), exported.keySet(), "archive members");
        JsonNode metadata = Http.JSON.readTree(exported.get("metadata.json"));
        assertEquals(KerasConfigWriter.KERAS_VERSION, metadata.get("keras_version").asString());
        assertTrue(metadata.has("date_saved"));
        JsonNode kerasConfig = normalized(Http.JSON.readTree(keras.get("config.json")));
        JsonNode ourConfig = Http.JSON.readTree(exported.get("config.json"));
        if (functional(model)) {
            assertSameLayers(kerasConfig, ourConfig);
        } else {
            assertSame(kerasConfig.get("config"), ourConfig.get("config"), "config");
            assertSame(kerasConfig.get("build_config"), ourConfig.get("build_config"), "build_config");
        }
        assertSameCompile(kerasConfig.get("compile_config"), ourConfig.get("compile_config"), "optimizer");
        assertEquals(datasets(keras.get("model.weights.h5")), datasets(exported.get("model.weights.h5")),
                "model.weights.h5: every weight at Keras' object path");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("models")
    void theLegacyH5FileIsTheOneKerasWrites(String model) {
        byte[] theirs = RealKerasFiles.bytes(model + ".h5");
        byte[] ours = export(theirs, KerasFiles.Format.H5);
        try (HdfFile keras = Hdf5.open(theirs, "Keras' file"); HdfFile exported = Hdf5.open(ours, "the export")) {
            assertEquals(KerasConfigWriter.KERAS_VERSION, Hdf5.stringAttribute(exported, "keras_version").orElseThrow());
            assertTrue(Hdf5.stringAttribute(exported, "backend").isPresent());
            JsonNode kerasConfig = normalized(Http.JSON.readTree(Hdf5.stringAttribute(keras, "model_config")
                    .orElseThrow()));
            JsonNode ourConfig = Http.JSON.readTree(Hdf5.stringAttribute(exported, "model_config").orElseThrow());
            if (functional(model)) {
                assertSameLayers(kerasConfig, ourConfig);
            } else {
                assertSame(kerasConfig, ourConfig, "model_config");
            }
            assertEquals(Hdf5.stringAttribute(keras, "training_config").isPresent(),
                    Hdf5.stringAttribute(exported, "training_config").isPresent(), "training_config present");
            Hdf5.stringAttribute(keras, "training_config").ifPresent(t -> assertSameCompile(
                    normalized(Http.JSON.readTree(t)), Http.JSON.readTree(Hdf5.stringAttribute(exported,
                            "training_config").orElseThrow()), "optimizer_config"));
            Group kerasWeights = (Group) keras.getChild("model_weights");
            Group ourWeights = (Group) exported.getChild("model_weights");
            List<String> withWeights = new ArrayList<>();
            for (String layer : Hdf5.stringList(kerasWeights, "layer_names")) {
                if (!Hdf5.stringList(kerasWeights.getChild(layer), "weight_names").isEmpty()) {
                    withWeights.add(layer);
                }
            }
            assertEquals(withWeights, Hdf5.stringList(ourWeights, "layer_names"), "layer_names with weights");
            // Keras names a Functional model's weights below the layer, a Sequential model's below the model
            String prefix = functional(model) ? RealKerasFiles.read(theirs).definition().get("name") + "/" : "";
            for (String layer : withWeights) {
                List<String> names = Hdf5.stringList(kerasWeights.getChild(layer), "weight_names");
                List<String> ourNames = Hdf5.stringList(ourWeights.getChild(layer), "weight_names");
                assertEquals(names.stream().map(n -> prefix + n).toList(), ourNames, layer);
                for (int w = 0; w < names.size(); w++) {
                    Dataset k = (Dataset) Hdf5.find((Group) kerasWeights.getChild(layer), names.get(w)).orElseThrow();
                    Dataset o = (Dataset) Hdf5.find((Group) ourWeights.getChild(layer), ourNames.get(w)).orElseThrow();
                    String name = ourNames.get(w);
                    assertArrayEquals(k.getDimensions(), o.getDimensions(), name);
                    assertEquals(values(k), values(o), name);
                }
            }
        }
    }

    private static boolean functional(String model) {
        return model.startsWith("functional");
    }

    /** The fixture imported as the service imports it, then exported as the service exports it. */
    private static byte[] export(byte[] file, KerasFiles.Format format) {
        Sequential model = RealKerasFiles.build(RealKerasFiles.read(file));
        Map<String, Object> definition = Compilation.normalizedDefinition(model);
        return KerasFiles.write(format, definition, model);
    }

    /** A Functional model's layers against ours: the same classes and configs in the same order, input aside. */
    private static void assertSameLayers(JsonNode keras, JsonNode ours) {
        JsonNode kerasLayers = keras.get("config").get("layers");
        JsonNode ourLayers = ours.get("config").get("layers");
        assertEquals(kerasLayers.size(), ourLayers.size(), "layers");
        for (int i = 1; i < kerasLayers.size(); i++) {
            ObjectNode k = (ObjectNode) kerasLayers.get(i).deepCopy();
            k.remove("name");
            k.remove("inbound_nodes");
            assertSame(k, ourLayers.get(i), "layers[" + i + "]");
        }
    }

    /**
     * Compile settings: the optimizer's class and every argument we write equal to Keras' (Keras writes more, all
     * at their defaults), the loss the same loss, the metrics and the other settings equal; {@code jit_compile} is
     * an XLA switch of Keras' own and is not compared.
     */
    private static void assertSameCompile(JsonNode keras, JsonNode ours, String optimizerKey) {
        if (keras == null || keras.isEmpty()) {
            assertTrue(ours == null || ours.isEmpty(), "a model Keras did not compile is exported uncompiled");
            return;
        }
        JsonNode kerasOptimizer = keras.get(optimizerKey);
        JsonNode ourOptimizer = ours.get(optimizerKey);
        assertEquals(kerasOptimizer.get("class_name"), ourOptimizer.get("class_name"));
        for (Map.Entry<String, JsonNode> e : ourOptimizer.get("config").properties()) {
            if (!e.getKey().equals("name")) {
                assertSame(kerasOptimizer.get("config").get(e.getKey()), e.getValue(), "optimizer " + e.getKey());
            }
        }
        assertEquals(KerasNames.loss(keras.get("loss").asString()), KerasNames.loss(ours.get("loss").asString()));
        for (String key : List.of("loss_weights", "metrics", "weighted_metrics", "run_eagerly",
                "steps_per_execution")) {
            assertSame(keras.get(key), ours.get(key), key);
        }
    }

    /** Keras' document with the service's deliberate differences applied (see the class comment). */
    static JsonNode normalized(JsonNode node) {
        if (node instanceof ObjectNode o) {
            if ("DTypePolicy".equals(o.path("class_name").asString(null)) && o.path("config").has("name")) {
                return o.get("config").get("name");
            }
            ObjectNode out = o.deepCopy();
            out.remove("shared_object_id");
            for (Map.Entry<String, Object> later : KerasConfigWriter.LATER_ARGUMENTS.entrySet()) {
                JsonNode v = out.get(later.getKey());
                if (v != null && (v.isNull() && "null".equals(later.getValue())
                        || v.isBoolean() && later.getValue().equals(v.asBoolean()))) {
                    out.remove(later.getKey());
                }
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = out.properties().iterator(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                e.setValue(normalized(e.getValue()));
            }
            return out;
        }
        if (node instanceof ArrayNode a) {
            ArrayNode out = a.deepCopy();
            for (int i = 0; i < out.size(); i++) {
                out.set(i, normalized(out.get(i)));
            }
            return out;
        }
        return node;
    }

    /** Equal JSON, numbers as float32 values (Keras writes {@code 0.001} of a float32 as 0.0010000000474974513). */
    private static void assertSame(JsonNode keras, JsonNode ours, String path) {
        if (keras != null && keras.isNumber() && ours != null && ours.isNumber()) {
            assertEquals((float) keras.asDouble(), (float) ours.asDouble(), path);
            return;
        }
        if (keras instanceof ObjectNode k && ours instanceof ObjectNode o) {
            assertEquals(new TreeMap<>(k.propertyStream().collect(java.util.stream.Collectors.toMap(
                    Map.Entry::getKey, e -> 0))).keySet(), new TreeMap<>(o.propertyStream().collect(
                    java.util.stream.Collectors.toMap(Map.Entry::getKey, e -> 0))).keySet(), path + ": keys");
            k.properties().forEach(e -> assertSame(e.getValue(), o.get(e.getKey()), path + "." + e.getKey()));
            return;
        }
        if (keras instanceof ArrayNode k && ours instanceof ArrayNode o) {
            assertEquals(k.size(), o.size(), path + ": length");
            for (int i = 0; i < k.size(); i++) {
                assertSame(k.get(i), o.get(i), path + "[" + i + "]");
            }
            return;
        }
        assertEquals(keras, ours, path);
    }

    private static Map<String, byte[]> unzip(byte[] zip) {
        Map<String, byte[]> out = new TreeMap<>();
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip))) {
            for (ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
                out.put(e.getName(), in.readAllBytes());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    /** Every dataset of an HDF5 file: its path, shape and values. */
    private static Map<String, String> datasets(byte[] h5) {
        Map<String, String> out = new TreeMap<>();
        try (HdfFile file = Hdf5.open(h5, "model.weights.h5")) {
            collect(file, out);
        }
        return out;
    }

    private static void collect(Group group, Map<String, String> out) {
        for (Node child : group.getChildren().values()) {
            if (child instanceof Group g) {
                collect(g, out);
            } else if (child instanceof Dataset d && (d.getJavaType() == float.class || d.getJavaType() == int.class)) {
                out.put(d.getPath(), java.util.Arrays.toString(d.getDimensions()) + " " + values(d));
            }
        }
    }

    private static String values(Dataset d) {
        Object data = d.getData();
        if (d.isScalar()) {
            return d.getJavaType().getSimpleName() + " " + data; // Normalization's count is an int32 in Keras
        }
        return data instanceof float[] f ? java.util.Arrays.toString(f) : java.util.Arrays.deepToString((Object[]) data);
    }
}
