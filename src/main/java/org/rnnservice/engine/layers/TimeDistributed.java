package org.rnnservice.engine.layers;

import java.util.List;
import java.util.Map;
import java.util.Random;
import org.rnnservice.engine.simd.Kernels;

/**
 * Keras' {@code TimeDistributed} around a {@code Dense}: the same layer applied to every time step. A Dense on a
 * sequence already computes exactly that, so the wrapper only keeps Keras' name, summary line and file layout.
 */
public final class TimeDistributed extends Layer {

    private final Dense layer;

    /** Wraps {@code layer}, which must be a Dense. */
    public TimeDistributed(String name, LayerConfig c, Layer layer, Kernels kernels) {
        super(name, kernels);
        c.has("layer");
        if (!(layer instanceof Dense dense)) {
            throw new UnsupportedFeatureException(c.path() + ".layer", "TimeDistributed is supported around Dense"
                    + " only, got " + layer.type());
        }
        this.layer = dense;
    }

    @Override
    public String type() {
        return "TimeDistributed";
    }

    /** The wrapped layer. */
    public Dense layer() {
        return layer;
    }

    @Override
    public boolean supportsMasking() {
        return true;
    }

    @Override
    public LayerShape outputShape(LayerShape input) {
        if (!input.sequence()) {
            throw misfit(name(), "TimeDistributed reads sequences (timesteps, features), got " + input.toKeras()
                    + "; give the layer before it return_sequences: true");
        }
        return layer.outputShape(input);
    }

    @Override
    public long countParams(LayerShape input) {
        return layer.countParams(input);
    }

    @Override
    public void build(LayerShape input, Random rng) {
        layer.build(input, rng);
    }

    @Override
    public List<Param> params() {
        return layer.params();
    }

    @Override
    public List<RegularizedWeight> regularizedWeights() {
        return layer.regularizedWeights();
    }

    @Override
    public Tensor forward(Tensor x, boolean training, Random rng) {
        return layer.forward(x, training, rng);
    }

    @Override
    public Tensor backward(Tensor dy, boolean needInputGrad) {
        return layer.backward(dy, needInputGrad);
    }

    @Override
    public Map<String, Object> config() {
        Map<String, Object> c = baseConfig();
        c.put("layer", layer.config());
        return c;
    }
}
