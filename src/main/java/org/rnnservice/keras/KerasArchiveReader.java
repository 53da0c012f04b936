package org.rnnservice.keras;

import io.jhdf.HdfFile;
import io.jhdf.api.Group;
import io.jhdf.api.Node;
import io.jhdf.exceptions.HdfException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.rnnservice.engine.layers.InvalidModelException;

/**
 * Keras 3's {@code .keras} archives: a zip of {@code config.json}, {@code metadata.json} and {@code model.weights.h5},
 * whose weights sit at Keras' object paths ({@code layers/<name>/vars/<i>}, {@code layers/<name>/cell/vars/<i>} for
 * recurrent layers), {@code <name>} being the layer's class in snake case numbered by position among its kind.
 */
final class KerasArchiveReader {


    private KerasArchiveReader() {
    }

    static boolean isZip(byte[] content) {
        return content.length >= 4 && content[0] == 'P' && content[1] == 'K' && content[2] == 3 && content[3] == 4;
    }

    static ImportedModel read(byte[] content, long maxEntryBytes, WeightBudget budget) {
        Map<String, byte[]> entries = entries(content, maxEntryBytes);
        byte[] configBytes = entries.get("config.json");
        if (configBytes == null) {
            throw new InvalidModelException("file", "this zip is not a Keras archive: it has no config.json"
                    + " (members: " + entries.keySet() + ")");
        }
        Map<String, Object> config = KerasJson.read(new String(configBytes, StandardCharsets.UTF_8),
                "config.json");
        KerasConfigReader.Dialect dialect = KerasConfigReader.Dialect.KERAS_3;
        if (entries.get("metadata.json") != null) {
            Object version = KerasJson.read(new String(entries.get("metadata.json"), StandardCharsets.UTF_8),
                    "metadata.json").get("keras_version");
            if (version instanceof String v) {
                dialect = KerasConfigReader.Dialect.ofVersion(v);
            }
        }
        KerasConfigReader.Definition definition = KerasConfigReader.toDefinition(config, dialect,
                config.get("compile_config"));
        byte[] weights = entries.get("model.weights.h5");
        if (weights == null) {
            throw new InvalidModelException("file", "the Keras archive has no model.weights.h5");
        }
        try (HdfFile file = Hdf5.open(weights, "model.weights.h5")) {
            return new ImportedModel("keras", definition.definition(), definition.note(),
                    layerWeights(file, config, budget));
        } catch (HdfException e) {
            throw Hdf5.corrupt("model.weights.h5", e);
        }
    }

    /** Every member read into memory (never onto disk), each within {@code maxEntryBytes}; unsafe names refused. */
    private static Map<String, byte[]> entries(byte[] content, long maxEntryBytes) {
        Map<String, byte[]> out = new HashMap<>();
        try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(content))) {
            for (ZipEntry e = zip.getNextEntry(); e != null; e = zip.getNextEntry()) {
                String name = e.getName();
                if (name.startsWith("/") || name.contains("\\") || name.contains(":")
                        || List.of(name.split("/")).contains("..")) {
                    throw new InvalidModelException("file", "the archive has an unsafe member name '" + name
                            + "': a path leaving the archive is refused");
                }
                if (e.isDirectory()) {
                    continue;
                }
                byte[] data = zip.readNBytes((int) Math.min(maxEntryBytes + 1, Integer.MAX_VALUE - 8));
                if (data.length > maxEntryBytes) {
                    throw new InvalidModelException("file", "archive member '" + name + "' is larger than "
                            + maxEntryBytes + " bytes uncompressed");
                }
                if (out.put(name, data) != null) {
                    throw new InvalidModelException("file", "the archive has '" + name + "' twice");
                }
            }
        } catch (IOException | IllegalArgumentException e) {
            if (e instanceof InvalidModelException i) {
                throw i;
            }
            throw new InvalidModelException("file", "the .keras archive is not a readable zip (truncated or"
                    + " corrupt?): " + e.getMessage());
        }
        if (out.isEmpty()) {
            throw new InvalidModelException("file", "the .keras archive is empty or truncated");
        }
        return out;
    }

    /** The weights of each layer, found at Keras 3's object paths, or Keras 2.13-2.15's by layer name. */
    private static List<ImportedModel.LayerWeights> layerWeights(HdfFile file, Map<String, Object> config,
                                                                 WeightBudget budget) {
        Object cfg = config.get("config");
        List<?> layers = cfg instanceof Map<?, ?> m && m.get("layers") instanceof List<?> l ? l : List.of();
        KerasNames.ObjectNames names = new KerasNames.ObjectNames();
        List<ImportedModel.LayerWeights> out = new ArrayList<>();
        for (Object raw : layers) {
            Map<String, Object> layer = KerasConfigReader.map(raw, "config.layers[]");
            String cls = String.valueOf(layer.get("class_name"));
            String objectName = names.next(cls);
            String layerName = layer.get("config") instanceof Map<?, ?> c && c.get("name") instanceof String s
                    ? s : objectName;
            List<StoredTensor> tensors = new ArrayList<>();
            for (String inner : KerasNames.varPaths(cls)) {
                Optional<Node> vars = Hdf5.find(file, "layers/" + objectName + "/" + inner)
                        .or(() -> Hdf5.find(file, "_layer_checkpoint_dependencies/" + layerName + "/" + inner));
                if (vars.isEmpty() || !(vars.get() instanceof Group group)) {
                    continue;
                }
                for (int i = 0; i < group.getChildren().size(); i++) {
                    String index = Integer.toString(i);
                    tensors.add(Hdf5.tensor(Hdf5.find(group, index).orElseThrow(() -> new InvalidModelException(
                            "file", "model.weights.h5 lacks " + group.getPath() + index)), budget));
                }
            }
            if (!tensors.isEmpty()) {
                out.add(new ImportedModel.LayerWeights(layerName, tensors));
            }
        }
        return out;
    }
}
