package org.rnnservice.engine.layers;

import java.util.List;
import java.util.Map;
import java.util.Random;
import org.rnnservice.engine.simd.Kernels;

/** Keras' {@code Dense}: {@code activation(x . kernel + bias)} on the last axis, so on a sequence every step alike. */
public final class Dense extends Layer {

    private final int units;
    private final Activation activation;
    private final boolean useBias;
    private final Initializer kernelInit;
    private final Initializer biasInit;

    private int inputDim;
    private Param kernel;
    private Param bias;

    private Tensor input;
    private float[] z;
    private float[] y;
    private float[] dz;
    private float[] dx;

    public Dense(String name, LayerConfig c, Kernels kernels) {
        super(name, kernels);
        this.units = c.positiveInt("units");
        this.activation = c.activation("activation", "linear");
        this.useBias = c.bool("use_bias", true);
        this.kernelInit = c.initializer("kernel_initializer", "glorot_uniform");
        this.biasInit = c.initializer("bias_initializer", "zeros");
    }

    @Override
    public String type() {
        return "Dense";
    }

    /** The output activation, which losses consult to pick Keras' metric variants. */
    public Activation activation() {
        return activation;
    }

    @Override
    public boolean supportsMasking() {
        return true;
    }

    @Override
    public LayerShape outputShape(LayerShape input) {
        return new LayerShape(input.sequence(), input.steps(), units);
    }

    @Override
    public long countParams(LayerShape input) {
        return ((long) input.features() + (useBias ? 1 : 0)) * units;
    }

    @Override
    public void build(LayerShape input, Random rng) {
        inputDim = input.features();
        kernel = new Param(name() + "/kernel", inputDim, units);
        kernelInit.fill(kernel.value(), 0, inputDim, units, rng);
        if (useBias) {
            bias = new Param(name() + "/bias", units);
            biasInit.fill(bias.value(), 0, 1, units, rng);
        }
    }


    @Override
    public List<Param> params() {
        return useBias ? List.of(kernel, bias) : List.of(kernel);
    }

    @Override
    public Tensor forward(Tensor x, boolean training, Random rng) {
        input = x;
        int rows = x.rows();
        z = Buffers.atLeast(z, rows * units);
        kernels.gemm(rows, units, inputDim, x.data(), 0, inputDim, kernel.value(), 0, units, z, 0, units, false);
        if (useBias) {
            kernels.addRowVector(rows, units, bias.value(), 0, z, 0, units);
        }
        y = Buffers.atLeast(y, rows * units);
        activation.apply(kernels, z, 0, y, 0, rows, units);
        return new Tensor(y, x.batch(), x.steps(), units);
    }

    @Override
    public Tensor backward(Tensor dy, boolean needInputGrad) {
        int rows = input.rows();
        dz = Buffers.atLeast(dz, rows * units);
        activation.backward(z, 0, y, 0, dy.data(), 0, dz, 0, rows, units);
        kernels.gemmTransA(inputDim, units, rows, input.data(), 0, inputDim, dz, 0, units,
                kernel.grad(), 0, units, false);
        if (useBias) {
            kernels.sumRows(rows, units, dz, 0, units, bias.grad(), 0, false);
        }
        if (!needInputGrad) {
            return null;
        }
        dx = Buffers.atLeast(dx, rows * inputDim);
        kernels.gemmTransB(rows, inputDim, units, dz, 0, units, kernel.value(), 0, units, dx, 0, inputDim, false);
        return new Tensor(dx, input.batch(), input.steps(), inputDim);
    }

    @Override
    public Map<String, Object> config() {
        Map<String, Object> c = baseConfig();
        c.put("units", units);
        c.put("activation", activation.kerasName());
        c.put("use_bias", useBias);
        c.put("kernel_initializer", kernelInit.config());
        c.put("bias_initializer", biasInit.config());
        return c;
    }
}
