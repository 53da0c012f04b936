package org.rnnservice.keras;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.rnnservice.engine.layers.InvalidModelException;
import org.rnnservice.engine.layers.Layer;
import org.rnnservice.engine.layers.Param;
import org.rnnservice.engine.model.Sequential;

/**
 * Keras model files in and out: {@link #read} recognizes a Keras 3 {@code .keras} archive or a legacy HDF5 file by
 * its content, not its name; {@link #weights} checks the file's weights against the model built from its config;
 * {@link #write} produces either format from a model and its definition.
 */
public final class KerasFiles {

    /** The two file formats Keras saves whole models in. */
    public enum Format {
        /** Keras 3's zip archive. */
        KERAS("keras", "application/zip"),
        /** The legacy HDF5 file of Keras 2 and of Keras 3's {@code legacy_h5_format}. */
        H5("h5", "application/x-hdf5");

        private final String extension;
        private final String mediaType;

        Format(String extension, String mediaType) {
            this.extension = extension;
            this.mediaType = mediaType;
        }

        public String extension() {
            return extension;
        }

        public String mediaType() {
            return mediaType;
        }
    }

    private KerasFiles() {
    }

    /**
     * Reads a model file; {@code maxEntryBytes} bounds each archive member once uncompressed, {@code maxWeights} the
     * weight values read (checked before any is read). Fails with an
     * {@link InvalidModelException} on field {@code file} when the content is not a Keras model, and with an
     * {@link org.rnnservice.engine.layers.UnsupportedFeatureException} naming a layer or setting the engine lacks.
     */
    public static ImportedModel read(byte[] content, long maxEntryBytes, long maxWeights) {
        if (content.length == 0) {
            throw new InvalidModelException("file", "the file is empty");
        }
        if (KerasArchiveReader.isZip(content)) {
            return KerasArchiveReader.read(content, maxEntryBytes, new WeightBudget(maxWeights));
        }
        if (Hdf5.isHdf5(content)) {
            return LegacyH5Reader.read(content, new WeightBudget(maxWeights));
        }
        throw new InvalidModelException("file", "not a Keras model file: expected a .keras archive (zip) or a"
                + " legacy HDF5 file (.h5) as written by model.save()");
    }

    /**
     * The file's weights for {@code model} in {@link Sequential#params()} order: layer by layer, in order, each
     * weight's shape checked against the model's, a mismatch naming the layer and both shapes.
     */
    public static List<float[]> weights(ImportedModel imported, Sequential model) {
        List<Layer> withWeights = model.layers().stream().filter(l -> !l.params().isEmpty()).toList();
        List<ImportedModel.LayerWeights> stored = imported.weights();
        if (stored.size() != withWeights.size()) {
            throw new InvalidModelException("file", "the file has weights for " + stored.size() + " layers "
                    + stored.stream().map(ImportedModel.LayerWeights::layer).toList() + " but its model has "
                    + withWeights.size() + " layers with weights "
                    + withWeights.stream().map(Layer::name).toList());
        }
        List<float[]> values = new ArrayList<>();
        for (int i = 0; i < withWeights.size(); i++) {
            Layer layer = withWeights.get(i);
            List<StoredTensor> tensors = stored.get(i).tensors();
            List<Param> params = layer.params();
            if (tensors.size() != params.size()) {
                throw new InvalidModelException("file", "layer '" + layer.name() + "' has " + params.size()
                        + " weights but the file stores " + tensors.size() + " for it");
            }
            for (int w = 0; w < params.size(); w++) {
                Param p = params.get(w);
                StoredTensor t = tensors.get(w);
                if (!Arrays.equals(p.shape(), t.shape())) {
                    throw new InvalidModelException("file", "layer '" + layer.name() + "': weight " + t.name()
                            + " has shape " + t.shapeText() + " in the file, but the model's "
                            + p.name().substring(p.name().lastIndexOf('/') + 1) + " has shape "
                            + StoredTensor.shapeText(p.shape()));
                }
                values.add(t.values());
            }
        }
        return values;
    }

    /** The model written in {@code format}; {@code definition} is its normalized definition in the service's form. */
    public static byte[] write(Format format, Map<String, Object> definition, Sequential model) {
        if (model.params().isEmpty()) {
            throw new InvalidModelException("layers", "a model without weights cannot be written as a Keras file");
        }
        return format == Format.KERAS ? KerasArchiveWriter.write(definition, model)
                : LegacyH5Writer.write(definition, model);
    }
}
