package org.rnnservice.keras;

import io.jhdf.api.WritableGroup;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.rnnservice.engine.layers.Bidirectional;
import org.rnnservice.engine.layers.Layer;
import org.rnnservice.engine.layers.Param;
import org.rnnservice.engine.layers.TimeDistributed;
import org.rnnservice.engine.model.Sequential;
import org.rnnservice.engine.model.Summary;

/**
 * Writes Keras' legacy HDF5 model file as Keras 3's {@code legacy_h5_format} writes it: the model and compile
 * settings as root attributes, each layer's weights under {@code model_weights/<layer>} at their variable paths
 * ({@code <model>/lstm/lstm_cell/kernel}), listed in order in the layer's {@code weight_names}.
 */
final class LegacyH5Writer {

    private LegacyH5Writer() {
    }

    static byte[] write(Map<String, Object> definition, Sequential model) {
        List<List<Integer>> shapes = model.summary().layers().stream().map(Summary.Row::outputShape).toList();
        String modelConfig = KerasJson.write(KerasConfigWriter.legacyModelConfig(definition, shapes));
        Map<String, Object> training = KerasConfigWriter.legacyTrainingConfig(definition);
        return Hdf5Writer.write(file -> {
            file.putAttribute("backend", "tensorflow");
            file.putAttribute("keras_version", KerasConfigWriter.KERAS_VERSION);
            file.putAttribute("model_config", modelConfig);
            if (training != null) {
                file.putAttribute("training_config", KerasJson.write(training));
            }
            WritableGroup weights = file.putGroup("model_weights");
            weights.putAttribute("backend", "tensorflow");
            weights.putAttribute("keras_version", KerasConfigWriter.KERAS_VERSION);
            // Keras pairs the layers that have weights in order, so weightless layers (Dropout) need no group; and
            // jHDF 0.10.0 cannot end a file with an empty group (see KerasArchiveWriter)
            List<String> names = new ArrayList<>();
            for (Layer layer : model.layers()) {
                if (layer.params().isEmpty()) {
                    continue;
                }
                names.add(layer.name());
                WritableGroup group = weights.putGroup(layer.name());
                List<String> weightNames = new ArrayList<>();
                for (Param p : layer.params()) {
                    String path = model.name() + "/" + variablePath(layer, p);
                    weightNames.add(path);
                    WritableGroup parent = group;
                    String[] parts = path.split("/");
                    for (int i = 0; i < parts.length - 1; i++) {
                        parent = child(parent, parts[i]);
                    }
                    parent.putDataset(parts[parts.length - 1], Hdf5Writer.shaped(p.value(), p.shape()));
                }
                group.putAttribute("weight_names", weightNames.toArray(String[]::new));
            }
            weights.putAttribute("layer_names", names.toArray(String[]::new));
        });
    }

    /**
     * Keras 3's path of a weight below its model: {@code lstm/lstm_cell/kernel}, {@code dense/kernel}, for the two
     * directions of a Bidirectional {@code bidirectional/forward_lstm/lstm_cell/kernel}, and for the layer a
     * TimeDistributed wraps {@code time_distributed/dense/kernel}.
     */
    private static String variablePath(Layer layer, Param p) {
        String leaf = p.name().substring(p.name().lastIndexOf('/') + 1);
        Layer owner = layer;
        String prefix = layer.name() + "/";
        if (layer instanceof Bidirectional b) {
            owner = b.forwardLayer().params().contains(p) ? b.forwardLayer() : b.backwardLayer();
            prefix += owner.name() + "/";
        } else if (layer instanceof TimeDistributed t) {
            owner = t.layer();
            prefix += owner.name() + "/";
        }
        return prefix + (KerasNames.RECURRENT.contains(owner.type())
                ? KerasNames.snakeCase(owner.type()) + "_cell/" : "") + leaf;
    }

    private static WritableGroup child(WritableGroup parent, String name) {
        return parent.getChild(name) instanceof WritableGroup existing ? existing : parent.putGroup(name);
    }
}
