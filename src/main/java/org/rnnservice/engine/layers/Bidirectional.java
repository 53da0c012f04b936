package org.rnnservice.engine.layers;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.rnnservice.engine.simd.Kernels;

/**
 * Keras' {@code Bidirectional}: a recurrent layer run over the sequence forwards and a copy of it run backwards
 * ({@code go_backwards}), their outputs merged by {@code merge_mode}. With {@code return_sequences} the backward
 * outputs are flipped back into input order, and steps the mask skips output zeros, as Keras forces
 * {@code zero_output_for_mask} on both layers. Weights: the forward layer's, then the backward layer's.
 */
public final class Bidirectional extends Layer implements DataParallelLayer {

    /** How the two directions' outputs combine. */
    public enum Merge { CONCAT, SUM, MUL, AVE }

    private final Recurrent forwardLayer;
    private final Recurrent backwardLayer;
    private final Merge merge;
    private final int units;

    private int batch;
    private int steps;      // 0 when returning the last output only
    private boolean zeroSkipped;
    private float[] fwd;    // forward outputs in input order [rows, u]
    private float[] bwd;    // backward outputs in input order [rows, u]
    private float[] out;
    private float[] dFwd;
    private float[] dBwd;
    private float[] dBwdInOrder;
    private float[] dx;

    /** Wraps {@code forward} and {@code backward}, which the model built from the same layer definition. */
    public Bidirectional(String name, LayerConfig c, Layer forward, Layer backward, Kernels kernels) {
        super(name, kernels);
        if (!(forward instanceof Recurrent f) || !(backward instanceof Recurrent b)) {
            throw c.invalid("layer", "of a Bidirectional must be a recurrent layer (SimpleRNN, LSTM or GRU), got "
                    + forward.type());
        }
        if (f.goBackwards == b.goBackwards) {
            throw c.invalid("backward_layer", "must read the sequence in the other direction (go_backwards)");
        }
        this.forwardLayer = f;
        this.backwardLayer = b;
        this.units = f.units;
        if (c.isNull("merge_mode")) {
            throw new UnsupportedFeatureException(c.path() + ".merge_mode", "merge_mode None returns the two"
                    + " directions as two outputs, which a Sequential model cannot pass on; use concat, sum, mul"
                    + " or ave");
        }
        this.merge = switch (c.choice("merge_mode", "concat", List.of("concat", "sum", "mul", "ave"))) {
            case "sum" -> Merge.SUM;
            case "mul" -> Merge.MUL;
            case "ave" -> Merge.AVE;
            default -> Merge.CONCAT;
        };
    }

    @Override
    public String type() {
        return "Bidirectional";
    }

    /** The layer reading forwards, named {@code forward_<layer>} as Keras names it. */
    public Layer forwardLayer() {
        return forwardLayer;
    }

    /** The layer reading backwards, named {@code backward_<layer>}. */
    public Layer backwardLayer() {
        return backwardLayer;
    }

    @Override
    public boolean supportsMasking() {
        return true;
    }

    @Override
    public Mask computeMask(Tensor input, Mask inputMask) {
        return forwardLayer.returnSequences ? inputMask : null;
    }

    @Override
    public LayerShape outputShape(LayerShape input) {
        LayerShape one = forwardLayer.outputShape(input);
        return merge == Merge.CONCAT ? new LayerShape(one.sequence(), one.steps(), 2 * one.features()) : one;
    }

    @Override
    public long countParams(LayerShape input) {
        return forwardLayer.countParams(input) + backwardLayer.countParams(input);
    }

    @Override
    public void build(LayerShape input, Random rng) {
        forwardLayer.build(input, rng);
        backwardLayer.build(input, rng);
    }

    @Override
    public List<Param> params() {
        List<Param> all = new ArrayList<>(forwardLayer.params());
        all.addAll(backwardLayer.params());
        return all;
    }

    @Override
    public List<RegularizedWeight> regularizedWeights() {
        List<RegularizedWeight> all = new ArrayList<>(forwardLayer.regularizedWeights());
        all.addAll(backwardLayer.regularizedWeights());
        return all;
    }

    @Override
    public Tensor forward(Tensor x, boolean training, Random rng) {
        Mask m = mask();
        forwardLayer.useMask(m);
        backwardLayer.useMask(m);
        Tensor f = forwardLayer.forward(x, training, rng);
        Tensor b = backwardLayer.forward(x, training, rng);
        batch = x.batch();
        steps = f.steps();
        int rows = f.rows();
        int u = units;
        fwd = Buffers.atLeast(fwd, rows * u);
        bwd = Buffers.atLeast(bwd, rows * u);
        System.arraycopy(f.data(), 0, fwd, 0, rows * u);
        if (steps > 0) {
            Buffers.reverseSteps(b.data(), steps, batch * u, bwd);
        } else {
            System.arraycopy(b.data(), 0, bwd, 0, rows * u);
        }
        zeroSkipped = steps > 0 && m != null && !m.keepsAll();
        if (zeroSkipped) {
            zeroSkippedRows(fwd, m);
            zeroSkippedRows(bwd, m);
        }
        int width = merge == Merge.CONCAT ? 2 * u : u;
        out = Buffers.atLeast(out, rows * width);
        for (int r = 0; r < rows; r++) {
            int o = r * width;
            int p = r * u;
            for (int j = 0; j < u; j++) {
                float a = fwd[p + j];
                float c = bwd[p + j];
                switch (merge) {
                    case CONCAT -> {
                        out[o + j] = a;
                        out[o + u + j] = c;
                    }
                    case SUM -> out[o + j] = a + c;
                    case MUL -> out[o + j] = a * c;
                    case AVE -> out[o + j] = (a + c) / 2;
                }
            }
        }
        return new Tensor(out, batch, steps, width);
    }

    @Override
    public Tensor backward(Tensor dy, boolean needInputGrad) {
        int u = units;
        int rows = steps > 0 ? batch * steps : batch;
        int width = dy.features();
        dFwd = Buffers.atLeast(dFwd, rows * u);
        dBwd = Buffers.atLeast(dBwd, rows * u);
        float[] g = dy.data();
        dBwdInOrder = Buffers.atLeast(dBwdInOrder, rows * u);
        float[] gb = dBwdInOrder;
        for (int r = 0; r < rows; r++) {
            int o = r * width;
            int p = r * u;
            for (int j = 0; j < u; j++) {
                switch (merge) {
                    case CONCAT -> {
                        dFwd[p + j] = g[o + j];
                        gb[p + j] = g[o + u + j];
                    }
                    case SUM -> {
                        dFwd[p + j] = g[o + j];
                        gb[p + j] = g[o + j];
                    }
                    case MUL -> {
                        dFwd[p + j] = g[o + j] * bwd[p + j];
                        gb[p + j] = g[o + j] * fwd[p + j];
                    }
                    case AVE -> {
                        dFwd[p + j] = g[o + j] / 2;
                        gb[p + j] = g[o + j] / 2;
                    }
                }
            }
        }
        if (zeroSkipped) {
            zeroSkippedRows(dFwd, mask());
            zeroSkippedRows(gb, mask());
        }
        if (steps > 0) {
            Buffers.reverseSteps(gb, steps, batch * u, dBwd);
        } else {
            System.arraycopy(gb, 0, dBwd, 0, rows * u);
        }
        Tensor gf = forwardLayer.backward(new Tensor(dFwd, batch, steps, u), needInputGrad);
        Tensor gr = backwardLayer.backward(new Tensor(dBwd, batch, steps, u), needInputGrad);
        if (!needInputGrad) {
            return null;
        }
        int n = gf.size();
        dx = Buffers.atLeast(dx, n);
        for (int i = 0; i < n; i++) {
            dx[i] = gf.data()[i] + gr.data()[i];
        }
        return new Tensor(dx, gf.batch(), gf.steps(), gf.features());
    }

    private void zeroSkippedRows(float[] v, Mask m) {
        for (int t = 0; t < steps; t++) {
            for (int b = 0; b < batch; b++) {
                if (!m.kept(t, b)) {
                    int at = (t * batch + b) * units;
                    java.util.Arrays.fill(v, at, at + units, 0f);
                }
            }
        }
    }

    @Override
    public void shareLayoutsWith(DataParallelLayer source) {
        Bidirectional other = (Bidirectional) source;
        forwardLayer.shareLayoutsWith(other.forwardLayer);
        backwardLayer.shareLayoutsWith(other.backwardLayer);
    }

    @Override
    public int layoutTasks() {
        return forwardLayer.layoutTasks() + backwardLayer.layoutTasks();
    }

    @Override
    public void runLayoutTask(int task) {
        int n = forwardLayer.layoutTasks();
        if (task < n) {
            forwardLayer.runLayoutTask(task);
        } else {
            backwardLayer.runLayoutTask(task - n);
        }
    }

    @Override
    public void dropSharedLayouts() {
        forwardLayer.dropSharedLayouts();
        backwardLayer.dropSharedLayouts();
    }

    @Override
    public void deferWeightGradients(boolean defer) {
        forwardLayer.deferWeightGradients(defer);
        backwardLayer.deferWeightGradients(defer);
    }

    @Override
    public int deferredBlocks() {
        return forwardLayer.deferredBlocks() + backwardLayer.deferredBlocks();
    }

    @Override
    public void runDeferredBlock(int block) {
        int n = forwardLayer.deferredBlocks();
        if (block < n) {
            forwardLayer.runDeferredBlock(block);
        } else {
            backwardLayer.runDeferredBlock(block - n);
        }
    }

    @Override
    public Map<String, Object> config() {
        Map<String, Object> c = baseConfig();
        c.put("layer", forwardLayer.config());
        c.put("merge_mode", merge.name().toLowerCase(Locale.ROOT));
        return c;
    }
}
