package org.rnnservice.keras;

import io.jhdf.api.WritableGroup;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.rnnservice.engine.layers.Bidirectional;
import org.rnnservice.engine.layers.Layer;
import org.rnnservice.engine.layers.Param;
import org.rnnservice.engine.model.Sequential;

/**
 * Writes Keras' legacy HDF5 model file, which Keras 3's {@code load_model} and tf.keras 2 both read: the config and
 * compile settings as root attributes, each layer's weights under {@code model_weights/<layer>} named as tf.keras
 * names them ({@code lstm/lstm_cell/kernel:0}).
 */
final class LegacyH5Writer {


    private LegacyH5Writer() {
    }

    static byte[] write(Map<String, Object> definition, Sequential model) {
        String modelConfig = KerasJson.write(KerasConfig.toLegacy(definition));
        String trainingConfig = KerasJson.write(KerasConfig.trainingConfig(definition));
        return Hdf5Writer.write(file -> {
            file.putAttribute("keras_version", KerasConfig.KERAS_VERSION);
            file.putAttribute("backend", "tensorflow");
            file.putAttribute("model_config", modelConfig);
            file.putAttribute("training_config", trainingConfig);
            WritableGroup weights = file.putGroup("model_weights");
            weights.putAttribute("keras_version", KerasConfig.KERAS_VERSION);
            weights.putAttribute("backend", "tensorflow");
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
                    String path = weightName(layer, p);
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
     * The name tf.keras gives a weight: {@code lstm/lstm_cell/kernel:0}, {@code dense/kernel:0}, and for the two
     * directions of a Bidirectional {@code bidirectional/forward_lstm/lstm_cell/kernel:0}.
     */
    private static String weightName(Layer layer, Param p) {
        String leaf = p.name().substring(p.name().lastIndexOf('/') + 1);
        if (layer instanceof Bidirectional b) {
            Layer direction = b.forwardLayer().params().contains(p) ? b.forwardLayer() : b.backwardLayer();
            return layer.name() + "/" + direction.name() + "/" + KerasNames.snakeCase(direction.type()) + "_cell/"
                    + leaf + ":0";
        }
        return layer.name() + "/" + (KerasNames.RECURRENT.contains(layer.type())
                ? KerasNames.snakeCase(layer.type()) + "_cell/" : "") + leaf + ":0";
    }

    private static WritableGroup child(WritableGroup parent, String name) {
        return parent.getChild(name) instanceof WritableGroup existing ? existing : parent.putGroup(name);
    }
}
