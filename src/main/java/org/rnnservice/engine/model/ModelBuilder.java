package org.rnnservice.engine.model;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.rnnservice.engine.layers.Embedding;
import org.rnnservice.engine.layers.InvalidModelException;
import org.rnnservice.engine.layers.Layer;
import org.rnnservice.engine.layers.LayerShape;
import org.rnnservice.engine.layers.UnsupportedFeatureException;
import org.rnnservice.engine.simd.Kernels;

/**
 * Builds a {@link Sequential} from its definition as Keras does: each layer's output shape from the one before, the
 * weights counted before any is allocated, a mask only into layers that take one, then the weights initialized from
 * the model's seed. A definition that cannot be built fails naming the field at fault.
 */
final class ModelBuilder {

    private ModelBuilder() {
    }

    /** Builds and initializes the model of {@code spec}, refusing one of more than {@code maxParams} weights. */
    static Sequential build(ModelSpec spec, long maxParams, Kernels kernels) {
        if (spec.layers().isEmpty()) {
            throw new InvalidModelException("layers", "a model needs at least one layer");
        }
        Set<String> used = new HashSet<>();
        List<Layer> layers = new ArrayList<>();
        for (int i = 0; i < spec.layers().size(); i++) {
            layers.add(LayerFactory.create(spec.layers().get(i), i, used, kernels));
        }
        LayerShape in = inputShape(spec.inputShape(), layers.get(0));
        List<LayerShape> shapes = new ArrayList<>();
        LayerShape shape = in;
        long total = 0;
        String maskedBy = null; // the layer whose mask reaches the current one
        for (int i = 0; i < layers.size(); i++) {
            Layer layer = layers.get(i);
            if (maskedBy != null && !layer.supportsMasking()) {
                throw new InvalidModelException("layers[" + i + "].type", layer.type() + " cannot take the mask that "
                        + maskedBy + " makes (Keras: the layer does not support masking); put it before the masking"
                        + " layer or drop mask_zero / Masking");
            }
            if (layer instanceof Embedding && i > 0) {
                throw new InvalidModelException("layers[" + i + "].type", "Embedding must be the first layer");
            }
            if (layer.makesMask() && i > 0) {
                throw new UnsupportedFeatureException("layers[" + i + "].type", layer.type()
                        + " is supported as the first layer only, where the mask follows from the model's input");
            }
            total += layer.countParams(shape);
            if (total > maxParams) {
                throw new TooManyParamsException("layers[" + i + "]", "the model would have " + total
                        + " weights by this layer, more than the limit of " + maxParams);
            }
            try {
                shape = layer.outputShape(shape);
            } catch (InvalidModelException e) {
                if (i == 0 && !shape.sequence() && "layers".equals(e.field())) {
                    // the first layer has no layer before it: what it lacks is a time axis in input_shape
                    throw new InvalidModelException("input_shape", "input_shape " + spec.inputShape() + " gives each"
                            + " sample as one vector of " + shape.features() + " values, but " + layer.type() + " '"
                            + layer.name() + "' reads sequences: give input_shape as [timesteps, features], such as"
                            + " [null, " + shape.features() + "] (null for any length)");
                }
                throw "layers".equals(e.field()) ? new InvalidModelException("layers[" + i + "]", e.getMessage()) : e;
            }
            shapes.add(shape);
            if (layer.makesMask()) {
                maskedBy = "layers[0] (" + layer.type() + ")";
            } else if (!shape.sequence()) {
                maskedBy = null;
            }
        }
        Random rng = new Random(spec.seed());
        LayerShape layerInput = in;
        for (int i = 0; i < layers.size(); i++) {
            layers.get(i).build(layerInput, rng);
            layerInput = shapes.get(i);
        }
        return new Sequential(spec, kernels, in, List.copyOf(layers), List.copyOf(shapes), maskedBy != null);
    }

    private static LayerShape inputShape(List<Integer> dims, Layer first) {
        if (dims == null || dims.isEmpty() || dims.size() > 2) {
            throw new InvalidModelException("input_shape",
                    "input_shape is required: [timesteps, features] such as [null, 1] (null for any length)");
        }
        for (int i = 0; i < dims.size(); i++) {
            Integer d = dims.get(i);
            boolean lengthAxis = i == 0 && (dims.size() == 2 || first instanceof Embedding);
            if (d == null ? !lengthAxis : d < 1) {
                throw new InvalidModelException("input_shape[" + i + "]",
                        "input_shape entries must be positive integers" + (lengthAxis ? " or null" : ""));
            }
        }
        if (dims.size() == 2) {
            return LayerShape.sequence(dims.get(0), dims.get(1));
        }
        return first instanceof Embedding ? LayerShape.sequence(dims.get(0), 1) : LayerShape.flat(dims.get(0));
    }
}
