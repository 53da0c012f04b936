package org.rnnservice.keras;

import io.jhdf.HdfFile;
import io.jhdf.api.Node;
import io.jhdf.exceptions.HdfException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.rnnservice.engine.layers.InvalidModelException;

/**
 * Keras' legacy HDF5 model files, as Keras 2.x (standalone and tf.keras) and Keras 3's {@code legacy_h5_format} write
 * them: the config in the root's {@code model_config} attribute, compile settings in {@code training_config}, and
 * each layer's weights under {@code model_weights/<layer>} at the paths its {@code weight_names} attribute lists.
 */
final class LegacyH5Reader {

    private LegacyH5Reader() {
    }

    static ImportedModel read(byte[] content, WeightBudget budget) {
        try (HdfFile file = Hdf5.open(content, "the HDF5 file")) {
            String modelConfig = Hdf5.stringAttribute(file, "model_config").orElseThrow(() ->
                    new InvalidModelException("file", "this HDF5 file is not a Keras model: it has no model_config"
                            + " attribute (a weights-only file from save_weights cannot be imported on its own)"));
            Map<String, Object> config = KerasJson.read(modelConfig, "model_config");
            Object training = Hdf5.stringAttribute(file, "training_config").map(t -> (Object) KerasJson.read(t, "training_config"))
                    .orElse(null);
            KerasConfigReader.Dialect dialect = Hdf5.stringAttribute(file, "keras_version")
                    .map(KerasConfigReader.Dialect::ofVersion)
                    .orElse(KerasConfigReader.dialect(config));
            KerasConfigReader.Definition definition = KerasConfigReader.toDefinition(config, dialect, training);
            Node weights = Hdf5.find(file, "model_weights").orElse(file);
            return new ImportedModel("h5", definition.definition(), definition.note(), layerWeights(weights, budget));
        } catch (HdfException e) {
            throw Hdf5.corrupt("the HDF5 file", e);
        }
    }

    /** Keras pairs the layers that have weights with the file's, in order; names are reported, not matched. */
    private static List<ImportedModel.LayerWeights> layerWeights(Node root, WeightBudget budget) {
        List<ImportedModel.LayerWeights> out = new ArrayList<>();
        for (String layer : Hdf5.stringList(root, "layer_names")) {
            Node group = Hdf5.find((io.jhdf.api.Group) root, layer).orElseThrow(() ->
                    new InvalidModelException("file", "layer_names lists '" + layer + "' but model_weights has no"
                            + " such group"));
            List<String> names = Hdf5.stringList(group, "weight_names");
            if (names.isEmpty()) {
                continue;
            }
            List<StoredTensor> tensors = new ArrayList<>();
            for (String name : names) {
                tensors.add(Hdf5.tensor(Hdf5.find((io.jhdf.api.Group) group, name).orElseThrow(() ->
                        new InvalidModelException("file", "weight '" + name + "' of layer '" + layer
                                + "' is missing from the file")), budget));
            }
            out.add(new ImportedModel.LayerWeights(layer, tensors));
        }
        return out;
    }
}
