package org.rnnservice.engine.layers;

import java.util.List;
import java.util.Map;
import java.util.Random;
import org.rnnservice.engine.simd.Kernels;

/**
 * Keras' {@code Embedding}: token ids in, rows of the {@code (input_dim, output_dim)} table out. The input is a
 * sequence of one feature holding the id; the gradient is a scatter-add into the rows that were looked up.
 */
public final class Embedding extends Layer {

    private final int inputDim;
    private final int outputDim;
    private final Initializer init;
    private final boolean maskZero;
    private Param embeddings;
    private Tensor input;
    private float[] out;

    public Embedding(String name, LayerConfig c, Kernels kernels) {
        super(name, kernels);
        this.inputDim = c.positiveInt("input_dim");
        this.outputDim = c.positiveInt("output_dim");
        this.init = c.initializer("embeddings_initializer", "random_uniform");
        this.maskZero = c.bool("mask_zero", false);
    }

    /** With {@code mask_zero}, id 0 is padding: its steps are skipped by the layers after this one. */
    @Override
    public boolean makesMask() {
        return maskZero;
    }

    @Override
    public boolean keepsStep(float[] x, int off, int features) {
        return x[off] != 0f;
    }

    @Override
    public String type() {
        return "Embedding";
    }

    /** The vocabulary size: token ids run from 0 to {@code inputDim - 1}. */
    public int inputDim() {
        return inputDim;
    }

    @Override
    public LayerShape outputShape(LayerShape input) {
        if (!input.sequence() || input.features() != 1) {
            throw misfit(name(), "Embedding expects token ids of shape (timesteps,), got " + input.toKeras());
        }
        return LayerShape.sequence(input.steps(), outputDim);
    }

    @Override
    public long countParams(LayerShape input) {
        return (long) inputDim * outputDim;
    }

    @Override
    public void build(LayerShape input, Random rng) {
        embeddings = new Param(name() + "/embeddings", inputDim, outputDim);
        init.fill(embeddings.value(), 0, inputDim, outputDim, rng);
    }


    @Override
    public List<Param> params() {
        return List.of(embeddings);
    }

    @Override
    public Tensor forward(Tensor x, boolean training, Random rng) {
        input = x;
        int rows = x.rows();
        out = Buffers.atLeast(out, rows * outputDim);
        float[] table = embeddings.value();
        for (int r = 0; r < rows; r++) {
            System.arraycopy(table, tokenAt(x.data(), r) * outputDim, out, r * outputDim, outputDim);
        }
        return new Tensor(out, x.batch(), x.steps(), outputDim);
    }

    private int tokenAt(float[] ids, int row) {
        int id = (int) ids[row];
        if (id < 0 || id >= inputDim || id != ids[row]) {
            throw new IllegalArgumentException(name() + ": token id " + ids[row] + " is outside [0, " + inputDim + ")");
        }
        return id;
    }

    @Override
    public Tensor backward(Tensor dy, boolean needInputGrad) {
        float[] g = embeddings.grad();
        java.util.Arrays.fill(g, 0f);
        int rows = input.rows();
        for (int r = 0; r < rows; r++) {
            kernels.axpy(outputDim, 1f, dy.data(), r * outputDim, g, tokenAt(input.data(), r) * outputDim);
        }
        return null; // ids have no gradient
    }

    @Override
    public Map<String, Object> config() {
        Map<String, Object> c = baseConfig();
        c.put("input_dim", inputDim);
        c.put("output_dim", outputDim);
        c.put("embeddings_initializer", init.config());
        c.put("mask_zero", maskZero);
        return c;
    }
}
