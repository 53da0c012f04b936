package org.rnnservice.keras;

import java.util.List;
import java.util.Map;

/**
 * A Keras model read from a file: its definition in the service's own form and, for each layer that has weights, in
 * order, the weights the file stores for it.
 *
 * @param format {@code keras} for a Keras 3 archive, {@code h5} for the legacy HDF5 format
 * @param note how the file's model was taken when that is not plain (see {@link KerasConfigReader.Definition}), or null
 */
public record ImportedModel(String format, Map<String, Object> definition, String note, List<LayerWeights> weights) {

    /** The weights a file stores for one layer, in Keras' order ({@code kernel}, {@code recurrent_kernel}, ...). */
    record LayerWeights(String layer, List<StoredTensor> tensors) {
    }
}
