package org.rnnservice.models;

import java.util.List;
import java.util.Map;
import org.rnnservice.RnnProperties;
import org.rnnservice.engine.model.ModelSpec;
import org.rnnservice.engine.model.Sequential;
import org.rnnservice.engine.model.TooManyParamsException;
import org.rnnservice.engine.simd.Kernels;
import org.rnnservice.errors.ServiceException;

/** Builds a model within {@code rnn.limits.layers}, {@code units} and {@code params}, refusing it (422) by name. */
final class ModelLimits {

    private static final List<String> WIDTHS = List.of("units", "output_dim");

    private ModelLimits() {
    }

    static Sequential build(ModelSpec spec, RnnProperties.Limits limits, Kernels kernels) {
        if (spec.layers().size() > limits.layers()) {
            throw ServiceException.unprocessable("layers", "the model has " + spec.layers().size()
                    + " layers, more than rnn.limits.layers = " + limits.layers());
        }
        for (int i = 0; i < spec.layers().size(); i++) {
            Map<String, Object> layer = spec.layers().get(i);
            for (String key : WIDTHS) {
                if (layer.get(key) instanceof Number n && n.doubleValue() > limits.units()) {
                    throw ServiceException.unprocessable("layers[" + i + "]." + key, key + " " + n
                            + " is more than rnn.limits.units = " + limits.units());
                }
            }
        }
        try {
            return Sequential.build(spec, limits.params(), kernels);
        } catch (TooManyParamsException e) {
            throw ServiceException.unprocessable(e.field(), e.getMessage() + " (rnn.limits.params)");
        }
    }
}
