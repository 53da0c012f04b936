package org.rnnservice.engine.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.ObjIntConsumer;
import java.util.function.ToIntFunction;
import org.rnnservice.engine.layers.DataParallelLayer;
import org.rnnservice.engine.layers.Embedding;
import org.rnnservice.engine.layers.Layer;
import org.rnnservice.engine.layers.LayerShape;
import org.rnnservice.engine.layers.Mask;
import org.rnnservice.engine.layers.Param;
import org.rnnservice.engine.layers.Regularizer;
import org.rnnservice.engine.layers.Tensor;
import org.rnnservice.engine.parallel.HelperThreads;
import org.rnnservice.engine.simd.Kernels;
import org.rnnservice.engine.simd.KernelsProvider;

/**
 * Keras' {@code Sequential}: a stack of layers built from a {@link ModelSpec}, with Keras' shapes, names, parameter
 * counts and summary. Inputs and outputs are batch-major {@code [batch, steps, features]}; inside, sequences are
 * time-major. One instance serves one caller at a time (layers keep their buffers); {@link #copy} makes another.
 */
public final class Sequential {

    /** Largest model built unless the caller says otherwise: 50 million weights, 200 MB of float32. */
    public static final long DEFAULT_MAX_PARAMS = 50_000_000L;

    private final ModelSpec spec;
    private final Kernels kernels;
    private final LayerShape inputShape;
    private final List<Layer> layers;
    private final List<DataParallelLayer> parallelLayers;
    private final List<LayerShape> shapes;
    private final boolean maskedOutput;
    /** The output's time steps when a Reshape fixed them, else null: they follow the input's. */
    private final Integer fixedOutputSteps;
    private float[] input;
    private Tensor lastOutput;
    private final Tensor[] regularizedOutputs; // outputs of layers with an activity_regularizer, for backward
    private double activityPenalty;             // their penalties in the last forward pass, summed over the batch

    /** A built model: its layers built on {@code shapes}; {@link ModelBuilder} checks what goes in. */
    Sequential(ModelSpec spec, Kernels kernels, LayerShape inputShape, List<Layer> layers,
                       List<LayerShape> shapes, boolean maskedOutput) {
        this.spec = spec;
        this.kernels = kernels;
        this.inputShape = inputShape;
        this.layers = layers;
        this.shapes = shapes;
        this.maskedOutput = maskedOutput;
        this.regularizedOutputs = new Tensor[layers.size()];
        this.parallelLayers = layers.stream().filter(DataParallelLayer.class::isInstance)
                .map(DataParallelLayer.class::cast).toList();
        Integer fixed = null;
        for (int i = 0; i < layers.size(); i++) {
            if (layers.get(i) instanceof org.rnnservice.engine.layers.Reshape) {
                fixed = shapes.get(i).sequence() ? shapes.get(i).steps() : null;
            } else if (!shapes.get(i).sequence()) {
                fixed = null;
            }
        }
        this.fixedOutputSteps = fixed;
    }

    /** Builds and initializes the model with the spec's seed, failing with the field at fault for a bad definition. */
    public static Sequential build(ModelSpec spec) {
        return build(spec, DEFAULT_MAX_PARAMS);
    }

    /** As {@link #build(ModelSpec)}, refusing models with more than {@code maxParams} weights before allocating. */
    public static Sequential build(ModelSpec spec, long maxParams) {
        return build(spec, maxParams, KernelsProvider.get());
    }

    /** As {@link #build(ModelSpec, long)}, computing with the given kernels. */
    public static Sequential build(ModelSpec spec, long maxParams, Kernels kernels) {
        return ModelBuilder.build(spec, maxParams, kernels);
    }

    public ModelSpec spec() {
        return spec;
    }

    /** The kernels every layer of this model computes with. */
    public Kernels kernels() {
        return kernels;
    }

    public String name() {
        return spec.name() == null || spec.name().isBlank() ? "sequential" : spec.name();
    }

    public LayerShape inputShape() {
        return inputShape;
    }

    public LayerShape outputShape() {
        return shapes.get(shapes.size() - 1);
    }

    public List<Layer> layers() {
        return layers;
    }

    /** The normalized definition of every layer, in Keras' words. */
    public List<Map<String, Object>> layerConfigs() {
        return layers.stream().map(Layer::config).toList();
    }

    /** Every weight in Keras' {@code get_weights()} order. */
    public List<Param> params() {
        List<Param> all = new ArrayList<>();
        for (Layer l : layers) {
            all.addAll(l.params());
        }
        return all;
    }

    /** The weights training changes: those of layers not frozen with {@code trainable: false}, less fixed ones. */
    public List<Param> trainableParams() {
        List<Param> all = new ArrayList<>();
        for (Layer l : layers) {
            all.addAll(l.trainableParams());
        }
        return all;
    }

    /** A copy of every weight's values, in {@link #params()} order. */
    public List<float[]> weights() {
        return params().stream().map(p -> p.value().clone()).toList();
    }

    /** Replaces every weight, in {@link #params()} order; sizes must match. */
    public void setWeights(List<float[]> values) {
        List<Param> params = params();
        if (values.size() != params.size()) {
            throw new IllegalArgumentException("expected " + params.size() + " weight arrays, got " + values.size());
        }
        for (int i = 0; i < params.size(); i++) {
            params.get(i).set(values.get(i));
        }
    }

    /** An independent model with the same definition and current weights. */
    public Sequential copy() {
        Sequential other = build(spec, Long.MAX_VALUE, kernels);
        other.setWeights(weights());
        return other;
    }

    /**
     * A model that computes with this one's weights (changes to them show in both) but keeps its own gradients and
     * buffers: a second thread trains a part of each batch on it.
     */
    public Sequential replica() {
        Sequential other = build(spec, Long.MAX_VALUE, kernels);
        List<Param> mine = params();
        List<Param> theirs = other.params();
        for (int i = 0; i < mine.size(); i++) {
            theirs.get(i).shareValuesOf(mine.get(i));
        }
        for (int i = 0; i < parallelLayers.size(); i++) {
            other.parallelLayers.get(i).shareLayoutsWith(parallelLayers.get(i));
        }
        return other;
    }

    public Summary summary() {
        List<Summary.Row> rows = new ArrayList<>();
        long total = 0;
        long frozen = 0;
        for (int i = 0; i < layers.size(); i++) {
            Layer l = layers.get(i);
            long n = l.paramCount();
            total += n;
            frozen += n - l.trainableParams().stream().mapToLong(Param::size).sum();
            rows.add(new Summary.Row(l.name(), l.type(), shapes.get(i).toList(), shapes.get(i).toKeras(), n));
        }
        return new Summary(name(), List.copyOf(rows), total, total - frozen, frozen);
    }

    /** Values per sample of the output for inputs of {@code steps} time steps. */
    public int outputSize(int steps) {
        LayerShape out = outputShape();
        return out.sequence() ? outputSteps(steps) * out.features() : out.features();
    }

    /**
     * Time steps of a sequence output for inputs of {@code steps} steps: as many, unless a {@code Reshape} made the
     * time axis, whose length is then fixed.
     */
    public int outputSteps(int steps) {
        return fixedOutputSteps != null ? fixedOutputSteps : steps;
    }

    /** Whether a {@code Reshape} sets the output's time axis, so that outputs do not follow input steps. */
    public boolean reshapesTime() {
        return fixedOutputSteps != null;
    }

    /**
     * Forward pass on a batch-major input of {@code batch} samples of {@code steps} steps; returns the last layer's
     * output in the engine's layout (time-major for sequences), valid until the next call.
     */
    public Tensor forward(float[] x, int batch, int steps, boolean training, Random rng) {
        int features = inputShape.features();
        int stepsIn = inputShape.sequence() ? steps : 0;
        int size = batch * Math.max(stepsIn, 1) * features;
        if (input == null || input.length < size) {
            input = new float[size];
        }
        Tensor t = Tensor.fromBatchMajor(x, 0, batch, stepsIn, features, input);
        Mask mask = null;
        activityPenalty = 0;
        for (int i = 0; i < layers.size(); i++) {
            Layer layer = layers.get(i);
            Mask next = layer.computeMask(t, mask);
            layer.useMask(mask);
            t = layer.forward(t, training, rng);
            mask = next;
            if (layer.activityRegularizer() != null) {
                regularizedOutputs[i] = t;
                activityPenalty += layer.activityRegularizer().penalty(t.data(), t.size());
            }
        }
        lastOutput = t;
        return t;
    }

    /**
     * The {@code activity_regularizer} penalties of the last forward pass, summed over its samples: Keras divides
     * this by the batch size and adds it to the loss.
     */
    public double activityPenalty() {
        return activityPenalty;
    }

    /**
     * The weight regularizers' penalty ({@code kernel_regularizer} and the like) on the current weights of the
     * layers training changes, as Keras adds it to the loss once per batch; with {@code addGradients} also adds each
     * penalty's gradient to its weight's.
     */
    public double weightPenalty(boolean addGradients) {
        double sum = 0;
        for (Layer layer : layers) {
            if (!layer.trainable()) {
                continue;
            }
            for (Layer.RegularizedWeight w : layer.regularizedWeights()) {
                Param p = w.param();
                sum += w.regularizer().penalty(p.value(), p.size());
                if (addGradients) {
                    w.regularizer().addGradient(p.value(), p.grad(), p.size(), 1.0);
                }
            }
        }
        return sum;
    }

    /**
     * Whether the output is a sequence that carries a mask (from {@code Embedding(mask_zero=True)} or
     * {@code Masking}), so that losses and metrics skip its masked steps as Keras does.
     */
    public boolean masksOutput() {
        return maskedOutput;
    }

    /**
     * For a model that {@link #masksOutput()}: whether step {@code t} of sample {@code b} of a batch-major input of
     * {@code steps} steps counts. The mask follows from the input alone, as the layer that makes it comes first.
     */
    public boolean keepsStep(float[] x, int b, int t, int steps) {
        int f = inputShape.features();
        return layers.get(0).keepsStep(x, (b * steps + t) * f, f);
    }

    /** Every layer's output for a batch-major input, each batch-major: for inspecting a model layer by layer. */
    public List<float[]> layerOutputs(float[] x, int batch, int steps) {
        int stepsIn = inputShape.sequence() ? steps : 0;
        float[] in = new float[batch * Math.max(stepsIn, 1) * inputShape.features()];
        Tensor t = Tensor.fromBatchMajor(x, 0, batch, stepsIn, inputShape.features(), in);
        List<float[]> outputs = new ArrayList<>();
        Mask mask = null;
        for (Layer layer : layers) {
            Mask next = layer.computeMask(t, mask);
            layer.useMask(mask);
            t = layer.forward(t, false, null);
            mask = next;
            outputs.add(t.toBatchMajor(new float[t.size()]));
        }
        return outputs;
    }

    /** Back-propagates the gradient of the loss with respect to the last output, filling every weight's gradient. */
    public void backward(Tensor dOut) {
        backward(dOut, dOut.batch());
    }

    /**
     * {@link #backward(Tensor)} for a part of a batch of {@code batch} samples: the activity penalties' gradients
     * are divided by the whole batch's size, as their penalties are.
     */
    public void backward(Tensor dOut, int batch) {
        Tensor g = dOut;
        for (int i = layers.size() - 1; i >= 0; i--) {
            Regularizer activity = layers.get(i).activityRegularizer();
            if (activity != null) {
                activity.addGradient(regularizedOutputs[i].data(), g.data(), g.size(), 1.0 / batch);
            }
            g = layers.get(i).backward(g, i > 0);
        }
    }

    /** See {@link DataParallelLayer#deferWeightGradients}: for every layer that can. */
    public void deferWeightGradients(boolean defer) {
        parallelLayers.forEach(l -> l.deferWeightGradients(defer));
    }

    /** Blocks of weight-gradient work the last backward pass left, over all layers. */
    public int deferredBlocks() {
        return count(DataParallelLayer::deferredBlocks);
    }

    /** Runs deferred block {@code block} of {@link #deferredBlocks()}, counted over the layers in order. */
    public void runDeferredBlock(int block) {
        runTask(block, DataParallelLayer::deferredBlocks, DataParallelLayer::runDeferredBlock);
    }

    /** See {@link DataParallelLayer#layoutTasks}: over all layers. */
    public int layoutTasks() {
        return count(DataParallelLayer::layoutTasks);
    }

    /** Runs layout task {@code task} of {@link #layoutTasks()}, counted over the layers in order. */
    public void runLayoutTask(int task) {
        runTask(task, DataParallelLayer::layoutTasks, DataParallelLayer::runLayoutTask);
    }

    /** See {@link DataParallelLayer#dropSharedLayouts}: for every layer. */
    public void dropSharedLayouts() {
        parallelLayers.forEach(DataParallelLayer::dropSharedLayouts);
    }

    private int count(ToIntFunction<DataParallelLayer> tasks) {
        int n = 0;
        for (DataParallelLayer layer : parallelLayers) {
            n += tasks.applyAsInt(layer);
        }
        return n;
    }

    /** Runs task {@code task} of the tasks that {@code tasks} counts layer after layer. */
    private void runTask(int task, ToIntFunction<DataParallelLayer> tasks, ObjIntConsumer<DataParallelLayer> run) {
        int t = task;
        for (DataParallelLayer layer : parallelLayers) {
            int n = tasks.applyAsInt(layer);
            if (t < n) {
                run.accept(layer, t);
                return;
            }
            t -= n;
        }
        throw new IndexOutOfBoundsException("task " + task + " of " + count(tasks));
    }

    /** The last forward output, batch-major, into {@code dst}. */
    public float[] lastOutputBatchMajor(float[] dst) {
        return lastOutput.toBatchMajor(dst);
    }

    /** Samples per thread below which splitting a prediction over threads costs more than it saves. */
    private static final int MIN_SAMPLES_PER_THREAD = 64;
    private Sequential predictReplica;

    /**
     * Predicts on two threads when the input is large enough: this model and a replica that shares its weights take
     * passes of {@link #PREDICT_ROWS} samples from one counter until none is left, so a thread on a slower vCPU does
     * fewer. The passes are those of {@link #predict}, and each output depends only on its own input row, so the
     * result is the same, bit for bit, as on one thread.
     */
    public float[] predictParallel(float[] x, int count, int steps, int batchSize) {
        return predictParallel(x, count, steps, batchSize, HelperThreads.shared());
    }

    /** As {@link #predictParallel(float[], int, int, int)}, the second thread from {@code helpers}. */
    public float[] predictParallel(float[] x, int count, int steps, int batchSize, HelperThreads helpers) {
        if (count < 2 * MIN_SAMPLES_PER_THREAD) {
            return predict(x, count, steps, batchSize);
        }
        if (predictReplica == null) {
            predictReplica = replica();
        }
        int rows = Math.min(batchSize, PREDICT_ROWS);
        float[] out = new float[Math.multiplyExact(count, outputSize(steps))];
        AtomicInteger next = new AtomicInteger();
        HelperThreads.Share other = helpers.start(() -> predictReplica.predictPasses(x, count, steps, rows, next, out));
        predictPasses(x, count, steps, rows, next, out);
        other.join();
        return out;
    }

    /**
     * Rows per forward pass when predicting. Each sample's output depends only on its own input, so large batches are
     * cut into passes whose buffers stay in the core's caches instead of streaming through memory at every step.
     */
    static final int PREDICT_ROWS = 64;

    /**
     * Predicts {@code count} samples of {@code steps} steps in batches of {@code batchSize} (passes of at most
     * {@link #PREDICT_ROWS}); returns the outputs batch-major, {@link #outputSize} values per sample.
     */
    public float[] predict(float[] x, int count, int steps, int batchSize) {
        float[] out = new float[Math.multiplyExact(count, outputSize(steps))];
        int rows = Math.min(batchSize, PREDICT_ROWS);
        if (count <= rows) {
            return forward(x, count, steps, false, null).toBatchMajor(out);
        }
        predictPasses(x, count, steps, rows, new AtomicInteger(), out);
        return out;
    }

    /** Runs the passes of {@code rows} samples that {@code next} hands out, each into its place in {@code out}. */
    private void predictPasses(float[] x, int count, int steps, int rows, AtomicInteger next,
                               float[] out) {
        int inSize = inputShape.sequence() ? steps * inputShape.features() : inputShape.features();
        int outSize = outputSize(steps);
        float[] passIn = new float[rows * inSize];
        float[] passOut = new float[rows * outSize];
        for (int from = next.getAndIncrement() * rows; from < count; from = next.getAndIncrement() * rows) {
            int n = Math.min(rows, count - from);
            System.arraycopy(x, from * inSize, passIn, 0, n * inSize);
            Tensor y = forward(passIn, n, steps, false, null);
            y.toBatchMajor(passOut);
            System.arraycopy(passOut, 0, out, from * outSize, n * outSize);
        }
    }
}
