package org.rnnservice.engine.layers;

import java.util.List;
import org.rnnservice.engine.simd.Kernels;

/** A layer without weights, such as {@code Dropout} and {@code Masking}: nothing to count, build or train. */
abstract class WeightlessLayer extends Layer {

    WeightlessLayer(String name, Kernels kernels) {
        super(name, kernels);
    }

    @Override
    public final long countParams(LayerShape input) {
        return 0;
    }

    @Override
    public final void build(LayerShape input, java.util.Random rng) {
        // no weights
    }

    @Override
    public final List<Param> params() {
        return List.of();
    }
}
