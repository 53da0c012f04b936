package org.rnnservice.engine.train;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.rnnservice.engine.layers.Buffers;
import org.rnnservice.engine.layers.Param;
import org.rnnservice.engine.layers.Tensor;
import org.rnnservice.engine.model.CompileSpec;
import org.rnnservice.engine.model.Sequential;
import org.rnnservice.engine.parallel.Team;
import org.rnnservice.engine.simd.Kernels;

/**
 * Keras' {@code fit}, {@code evaluate} and the loss of a batch, by backpropagation through time on one model. The
 * trainer owns the optimizer state; it updates the model it was given, so callers that must keep a published model
 * intact train a {@link Sequential#copy()}.
 */
public final class Trainer {

    private final Sequential model;
    private final Loss loss;
    private final List<Metric> metrics;
    private final Optimizer optimizer;
    private final int rowWidth;

    /** Fewer samples than this per thread are not worth a hand-off: the batch then runs on fewer threads. */
    private static final int MIN_SHARD = 4;

    private final int threads;
    private final List<Shard> shards = new ArrayList<>();
    private Team team; // the threads of the running fit, from its first batch split in parts

    /** A single-threaded trainer. */
    public Trainer(Sequential model, CompileSpec compile) {
        this(model, compile, 1);
    }

    /**
     * A trainer that splits each batch over {@code threads} threads, each running forward and backward on its part
     * with its own replica of the model; gradients are summed in a fixed order, so a fixed thread count gives the same
     * weights bit for bit.
     */
    public Trainer(Sequential model, CompileSpec compile, int threads) {
        this.model = model;
        this.loss = Loss.of(compile.loss());
        this.rowWidth = model.outputShape().features();
        this.metrics = compile.metrics().stream().map(m -> Metric.of(m, loss, rowWidth)).toList();
        this.optimizer = Optimizer.of(compile.optimizer(), compile.optimizerArgs());
        this.threads = Math.max(1, threads);
        shards.add(new Shard(model));
    }

    /** One thread's part of a batch: a model (the trainer's own, or a replica sharing its weights) and buffers. */
    private final class Shard {
        final Sequential net;
        float[] xb;
        float[] yb;
        float[] out;
        float[] grad;
        float[] gradEngine;
        double loss;
        double[] metricSums;
        int samples;

        Shard(Sequential net) {
            this.net = net;
        }

        /** Forward, loss and backward on samples {@code order[from, from+n)}; the loss is scaled by n / batch. */
        void run(Samples data, int[] order, int from, int n, int batch, Random rng) {
            samples = n;
            metricSums = new double[metrics.size()];
            int steps = data.steps();
            xb = Buffers.atLeast(xb, n * Math.max(steps, 1) * data.features());
            yb = Buffers.atLeast(yb, n * data.targetSize());
            data.inputs(order, from, n, xb);
            data.targets(order, from, n, yb);
            Tensor y = net.forward(xb, n, steps, true, rng);
            int rows = y.rows();
            int size = rows * rowWidth;
            grad = Buffers.atLeast(grad, size);
            out = net.lastOutputBatchMajor(Buffers.atLeast(out, size));
            double share = (double) n / batch;
            loss = loss().compute(out, yb, rows, rowWidth, grad) * share;
            if (n != batch) {
                float f = (float) share;
                for (int i = 0; i < size; i++) {
                    grad[i] *= f;
                }
            }
            for (int m = 0; m < metrics.size(); m++) {
                metricSums[m] = metrics.get(m).sum(out, yb, rows, rowWidth);
            }
            gradEngine = Buffers.atLeast(gradEngine, size);
            net.backward(Tensor.fromBatchMajor(grad, 0, n, y.steps(), rowWidth, gradEngine));
        }
    }

    public Loss loss() {
        return loss;
    }

    public Optimizer optimizer() {
        return optimizer;
    }

    /** The log keys of one epoch, in Keras' order: loss, metrics, then their {@code val_} forms when validating. */
    public List<String> logKeys(boolean validation) {
        List<String> keys = new ArrayList<>();
        keys.add("loss");
        metrics.forEach(m -> keys.add(m.key()));
        if (validation) {
            new ArrayList<>(keys).forEach(k -> keys.add("val_" + k));
        }
        return keys;
    }

    /** Trains from the first epoch; see {@link #fit(Samples, FitOptions, TrainingListener, Checkpoint)}. */
    public History fit(Samples data, FitOptions options, TrainingListener listener) {
        return fit(data, options, listener, null);
    }

    /**
     * Keras' {@code fit}: the last {@code validation_split} of the samples is held out before shuffling, the training
     * part is shuffled each epoch (when asked), the last partial batch is kept, and each epoch's loss is the
     * sample-weighted mean of its batch losses. With a {@code resume} checkpoint it continues after that checkpoint's
     * epochs and ends with the same weights an uninterrupted run would have.
     */
    public History fit(Samples data, FitOptions options, TrainingListener listener, Checkpoint resume) {
        int n = data.count();
        int trainCount = n;
        Samples validation = null;
        if (options.validationSplit() > 0) {
            trainCount = (int) Math.floor(n * (1.0 - options.validationSplit()));
            if (trainCount == 0 || trainCount == n) {
                throw new IllegalArgumentException("validation_split " + options.validationSplit() + " of " + n
                        + " samples leaves " + (trainCount == 0 ? "no training" : "no validation") + " samples");
            }
            validation = data.slice(trainCount, n);
        } else if (n == 0) {
            throw new IllegalArgumentException("no samples to train on");
        }
        EarlyStopping stopper = options.earlyStopping() == null ? null : new EarlyStopping(options.earlyStopping());
        if (stopper != null && !logKeys(validation != null).contains(stopper.config().monitor())) {
            throw new IllegalArgumentException("early_stopping.monitor '" + stopper.config().monitor()
                    + "' is not logged; available: " + logKeys(validation != null));
        }
        History history = new History();
        int initialEpoch = 0;
        if (resume != null) {
            model.setWeights(resume.weights());
            optimizer.restore(resume.optimizer());
            history = new History(resume.history());
            initialEpoch = resume.epochs();
            if (stopper != null && resume.earlyStopping() != null) {
                stopper.restore(resume.earlyStopping());
            }
        }
        try {
            return run(data, options, listener, history, initialEpoch, trainCount, validation, stopper);
        } finally {
            releaseTeam();
        }
    }

    private History run(Samples data, FitOptions options, TrainingListener listener, History history,
                        int initialEpoch, int trainCount, Samples validation, EarlyStopping stopper) {
        int batchSize = Math.min(options.batchSize(), trainCount);
        int batches = (trainCount + batchSize - 1) / batchSize;
        int[] order = new int[trainCount];
        List<Param> params = model.params();
        for (int epoch = initialEpoch; epoch < options.epochs(); epoch++) {
            for (int i = 0; i < trainCount; i++) {
                order[i] = i;
            }
            if (options.shuffle()) {
                shuffle(order, new Random(mix(options.seed(), epoch, 0)));
            }
            listener.onEpochBegin(epoch, options.epochs(), batches);
            double lossSum = 0;
            double[] metricSums = new double[metrics.size()];
            long rowsSeen = 0;
            for (int b = 0; b < batches; b++) {
                if (listener.isCancelled()) {
                    throw new TrainingCancelledException(epoch, b);
                }
                int from = b * batchSize;
                int count = Math.min(batchSize, trainCount - from);
                double batchLoss = trainBatch(data, order, from, count, options.seed(), epoch, b, metricSums);
                // the model computes in float32, so a loss beyond float range has diverged even if a double holds it
                if (!Float.isFinite((float) batchLoss)) {
                    throw new TrainingDivergedException(batchLoss, epoch, b);
                }
                step(params);
                lossSum += batchLoss * count;
                rowsSeen += rows(count, data.steps());
                listener.onBatchEnd(epoch, b, batches, batchLoss);
            }
            Map<String, Double> logs = new LinkedHashMap<>();
            logs.put("loss", lossSum / trainCount);
            for (int m = 0; m < metrics.size(); m++) {
                logs.put(metrics.get(m).key(), metricSums[m] / rowsSeen);
            }
            if (validation != null) {
                evaluate(validation, options.batchSize()).forEach((k, v) -> logs.put("val_" + k, v));
            }
            history.append(logs);
            boolean stop = stopper != null && stopper.onEpochEnd(epoch, logs, model::weights, model::setWeights);
            if (!stop && epoch + 1 < options.epochs()) {
                // saved before the epoch is announced: an epoch a listener has shown is never lost to a crash
                listener.onCheckpoint(new Checkpoint(epoch + 1, model.weights(), optimizer.state(), history.values(),
                        stopper == null ? null : stopper.state()));
            }
            listener.onEpochEnd(epoch, logs);
            if (stop) {
                history.stoppedAt(epoch);
                break;
            }
        }
        return history;
    }

    private double trainBatch(Samples data, int[] order, int from, int count, long seed, int epoch, int batch,
                              double[] metricSums) {
        int parts = Math.max(1, Math.min(threads, count / MIN_SHARD));
        while (shards.size() < parts) {
            shards.add(new Shard(model.replica()));
        }
        int[] offsets = new int[parts + 1];
        int start = from;
        for (int s = 0; s < parts; s++) {
            offsets[s] = start;
            start += count / parts + (s < count % parts ? 1 : 0);
        }
        offsets[parts] = start;
        for (int s = 0; s < parts; s++) {
            shards.get(s).net.deferWeightGradients(parts > 1);
        }
        if (parts == 1) {
            shards.get(0).run(data, order, from, count, count, new Random(mix(seed, epoch, 2 + batch * 64L)));
        } else {
            // each part has its samples, replica and seed whichever thread runs it: the same weights, bit for bit
            Team.Body body = s -> shards.get(s).run(data, order, offsets[s], offsets[s + 1] - offsets[s], count,
                    new Random(mix(seed, epoch, 2 + batch * 64L + s)));
            runParts(parts, body);
        }
        double value = 0;
        for (int s = 0; s < parts; s++) {
            value += shards.get(s).loss;
            for (int m = 0; m < metrics.size(); m++) {
                metricSums[m] += shards.get(s).metricSums[m];
            }
        }
        if (parts > 1) {
            int slices = team.size();
            team.run(slices, slice -> sumGradients(parts, slice, slices));
        }
        return value;
    }

    /**
     * Runs the parts of a batch on the team. The replicas multiply by the same weights, so those are laid out once,
     * by the team, rather than once per part; the weight gradients each part defers are shared by whichever threads
     * are free, so a thread whose vCPU ran faster takes blocks of the other part's instead of waiting for it.
     */
    private void runParts(int parts, Team.Body body) {
        if (team == null) {
            team = Team.of(threads);
        }
        try {
            team.run(model.sharedPackings(), model::packShared);
            team.run(parts, body, new Team.Pieces() {
                @Override
                public int count(int part) {
                    return shards.get(part).net.deferredBlocks();
                }

                @Override
                public void run(int part, int block) {
                    shards.get(part).net.runDeferredBlock(block);
                }
            });
        } finally {
            model.dropSharedPackings(); // before the optimizer changes the weights
        }
    }

    /**
     * Adds the other parts' gradients to the model's, over slice {@code slice} of {@code slices} of every weight.
     * Each element is summed in the order of the parts: the same thread count gives the same weights, bit for bit.
     */
    private void sumGradients(int parts, int slice, int slices) {
        List<Param> params = model.params();
        Kernels k = model.layers().get(0).kernels();
        for (int s = 1; s < parts; s++) {
            List<Param> theirs = shards.get(s).net.params();
            for (int i = 0; i < params.size(); i++) {
                float[] g = theirs.get(i).grad();
                int from = (int) ((long) g.length * slice / slices);
                int to = (int) ((long) g.length * (slice + 1) / slices);
                k.axpy(to - from, 1f, g, from, params.get(i).grad(), from);
            }
        }
    }

    /** The optimizer's step, its updates shared by the team's threads when the fit has one. */
    private void step(List<Param> params) {
        if (team == null) {
            optimizer.step(params);
            return;
        }
        optimizer.begin(params);
        int slices = team.size();
        team.run(slices, slice -> optimizer.update(params, slice, slices));
    }

    /** Loss and gradients of one batch without an optimizer step (for checks against reference numbers). */
    public double lossAndGradients(Samples data) {
        int[] order = identity(data.count());
        try {
            return trainBatch(data, order, 0, data.count(), 0, 0, 0, new double[metrics.size()]);
        } finally {
            releaseTeam();
        }
    }

    /** Lets the helper threads of the last fit go back to the shared pool. */
    private void releaseTeam() {
        if (team != null) {
            team.close();
            team = null;
        }
    }

    /** Keras' {@code evaluate}: the loss and metrics over all samples, in batches of {@code batchSize}. */
    public Map<String, Double> evaluate(Samples data, int batchSize) {
        int n = data.count();
        if (n == 0) {
            throw new IllegalArgumentException("no samples to evaluate");
        }
        int[] order = identity(n);
        double lossSum = 0;
        double[] metricSums = new double[metrics.size()];
        long rowsSeen = 0;
        for (int from = 0; from < n; from += batchSize) {
            int count = Math.min(batchSize, n - from);
            Shard s = shards.get(0);
            s.xb = Buffers.atLeast(s.xb, count * Math.max(data.steps(), 1) * data.features());
            s.yb = Buffers.atLeast(s.yb, count * data.targetSize());
            data.inputs(order, from, count, s.xb);
            data.targets(order, from, count, s.yb);
            Tensor y = model.forward(s.xb, count, data.steps(), false, null);
            int rows = y.rows();
            s.out = model.lastOutputBatchMajor(Buffers.atLeast(s.out, rows * rowWidth));
            lossSum += loss.compute(s.out, s.yb, rows, rowWidth, null) * count;
            for (int m = 0; m < metrics.size(); m++) {
                metricSums[m] += metrics.get(m).sum(s.out, s.yb, rows, rowWidth);
            }
            rowsSeen += rows;
        }
        Map<String, Double> result = new LinkedHashMap<>();
        result.put("loss", lossSum / n);
        for (int m = 0; m < metrics.size(); m++) {
            result.put(metrics.get(m).key(), metricSums[m] / rowsSeen);
        }
        return result;
    }


    private int rows(int count, int steps) {
        return model.outputShape().sequence() ? count * steps : count;
    }

    private static int[] identity(int n) {
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        return order;
    }

    private static void shuffle(int[] order, Random rng) {
        for (int i = order.length - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
    }

    /** A seed per (run seed, epoch, purpose), so any epoch can be replayed without replaying the ones before it. */
    private static long mix(long seed, int epoch, long purpose) {
        long z = seed * 0x9E3779B97F4A7C15L + epoch * 0xBF58476D1CE4E5B9L + purpose * 0x94D049BB133111EBL;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
