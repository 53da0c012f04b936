package org.rnnservice.serving;

import java.util.ArrayList;
import java.util.List;
import org.rnnservice.engine.layers.LayerShape;
import org.rnnservice.engine.model.Sequential;

/**
 * A model's one input and one output as the serving protocols describe them: float32 tensors whose first axis is the
 * batch, {@code -1} for a length any request may choose.
 */
record ModelSignature(List<Long> inputShape, List<Long> outputShape) {

    static ModelSignature of(Sequential model) {
        return new ModelSignature(shape(model.inputShape()), shape(model.outputShape()));
    }

    private static List<Long> shape(LayerShape s) {
        List<Long> dims = new ArrayList<>();
        dims.add(-1L);
        if (s.sequence()) {
            dims.add(s.steps() == null ? -1L : s.steps());
        }
        dims.add((long) s.features());
        return List.copyOf(dims);
    }
}
