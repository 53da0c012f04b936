package org.rnnservice.engine.train;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.rnnservice.engine.layers.Buffers;
import org.rnnservice.engine.layers.Param;
import org.rnnservice.engine.layers.Tensor;
import org.rnnservice.engine.model.Sequential;
import org.rnnservice.engine.parallel.HelperThreads;
import org.rnnservice.engine.parallel.Team;
import org.rnnservice.engine.train.losses.Loss;
import org.rnnservice.engine.train.metrics.Metric;
import org.rnnservice.engine.train.optimizers.Optimizer;

/**
 * The forward and backward passes of one batch, split into parts that run on the threads of a team, each part on
 * its own replica of the model; the parts' gradients are summed into the model's in a fixed order, so a fixed thread
 * count gives the same weights bit for bit. The replicas multiply by the same weights, so those are laid out once per
 * batch by the team, and the weight gradients each part defers are computed by whichever thread is free. The words
 * for units of work are those of {@code engine.parallel}'s package doc.
 *
 * <p>Not thread-safe: the thread that trains calls it; its team's helpers are released by {@link #close}.
 */
final class DataParallelStep implements AutoCloseable {

    /** Fewer samples than this per thread are not worth a hand-off: the batch then runs on fewer threads. */
    private static final int MIN_PART = 4;

    private final Sequential model;
    private final Loss loss;
    private final List<Metric> metrics;
    private final int rowWidth;
    private final int threads;
    private final HelperThreads helpers;
    private final List<Replica> replicas = new ArrayList<>();
    private Team team; // from the first batch split in parts until close
    private Map<Integer, Double> classWeight; // null: every row weighs 1
    private final StepMask batchMask; // for a model whose output is masked, else null
    private long batchRows;           // output rows of the current batch
    private long batchKept;           // of which the mask keeps these

    DataParallelStep(Sequential model, Loss loss, List<Metric> metrics, int threads, HelperThreads helpers) {
        this.model = model;
        this.loss = loss;
        this.metrics = metrics;
        this.rowWidth = model.outputShape().features();
        this.threads = Math.max(1, threads);
        this.helpers = helpers;
        this.batchMask = model.masksOutput() ? new StepMask() : null;
        replicas.add(new Replica(model));
    }

    /** Output rows the last {@link #run} counted for its metrics: those the mask keeps, or all. */
    long countedRows() {
        return batchKept;
    }

    /** Weights each training row's loss by its target's class, as Keras' {@code class_weight} (null for none). */
    void weighClasses(Map<Integer, Double> classWeight) {
        this.classWeight = classWeight;
    }

    /**
     * Forward, loss and backward on samples {@code order[from, from+count)}: sets every weight's gradient, adds each
     * metric's sum to {@code metricSums} and returns the batch's loss. Dropout draws from seeds derived from
     * {@code (seed, epoch, batch, part)}, whichever thread runs the part.
     */
    double run(Samples data, int[] order, int from, int count, long seed, int epoch, int batch, double[] metricSums) {
        int parts = Math.max(1, Math.min(threads, count / MIN_PART));
        while (replicas.size() < parts) {
            replicas.add(new Replica(model.replica()));
        }
        int[] offsets = new int[parts + 1];
        int start = from;
        for (int p = 0; p < parts; p++) {
            offsets[p] = start;
            start += count / parts + (p < count % parts ? 1 : 0);
        }
        offsets[parts] = start;
        batchRows = (long) count * Math.max(1, model.outputShape().sequence() ? model.outputSteps(data.steps()) : 1);
        batchKept = batchMask == null ? batchRows : StepMask.keptRows(model, data, order, from, count,
                batchMask.scratch(count * Math.max(data.steps(), 1) * data.features()));
        for (int p = 0; p < parts; p++) {
            replicas.get(p).net.deferWeightGradients(parts > 1);
        }
        if (parts == 1) {
            replicas.get(0).run(data, order, from, count, count, new Random(Seeds.mix(seed, epoch, 2 + batch * 64L)));
        } else {
            runParts(parts, p -> replicas.get(p).run(data, order, offsets[p], offsets[p + 1] - offsets[p], count,
                    new Random(Seeds.mix(seed, epoch, 2 + batch * 64L + p))));
        }
        double value = 0;
        for (int p = 0; p < parts; p++) {
            value += replicas.get(p).loss;
            for (int m = 0; m < metrics.size(); m++) {
                metricSums[m] += replicas.get(p).metricSums[m];
            }
        }
        if (parts > 1) {
            int slices = team.size();
            team.run(slices, slice -> sumGradients(parts, slice, slices));
        }
        return value + model.weightPenalty(true);
    }

    /** The optimizer's update of every weight, its slices shared by the team's threads once there is a team. */
    void update(Optimizer optimizer, List<Param> params) {
        if (team == null) {
            optimizer.step(params);
            return;
        }
        optimizer.begin(params);
        int slices = team.size();
        team.run(slices, slice -> optimizer.update(params, slice, slices));
    }

    /** Lets the team's helpers go back to the pool. */
    @Override
    public void close() {
        if (team != null) {
            team.close();
            team = null;
        }
    }

    /** Runs the parts of a batch as tasks of the team, after the shared layouts and with the deferred blocks. */
    private void runParts(int parts, Team.Body part) {
        if (team == null) {
            team = Team.of(threads, helpers);
        }
        try {
            team.run(model.layoutTasks(), model::runLayoutTask);
            team.run(parts, part, new Team.Blocks() {
                @Override
                public int count(int p) {
                    return replicas.get(p).net.deferredBlocks();
                }

                @Override
                public void run(int p, int block) {
                    replicas.get(p).net.runDeferredBlock(block);
                }
            });
        } finally {
            model.dropSharedLayouts(); // before the optimizer changes the weights
        }
    }

    /**
     * Adds the other parts' gradients to the model's, over slice {@code slice} of {@code slices} of every weight, in
     * the order of the parts.
     */
    private void sumGradients(int parts, int slice, int slices) {
        List<Param> params = model.params();
        for (int p = 1; p < parts; p++) {
            List<Param> theirs = replicas.get(p).net.params();
            for (int i = 0; i < params.size(); i++) {
                float[] g = theirs.get(i).grad();
                int from = (int) ((long) g.length * slice / slices);
                int to = (int) ((long) g.length * (slice + 1) / slices);
                model.kernels().axpy(to - from, 1f, g, from, params.get(i).grad(), from);
            }
        }
    }

    /** One part's model (the step's own, or a replica sharing its weights) and buffers. */
    private final class Replica {
        final Sequential net;
        float[] xb;
        float[] yb;
        float[] out;
        float[] grad;
        float[] gradEngine;
        final RowWeights rowWeights = new RowWeights();
        double loss;
        double[] metricSums;

        Replica(Sequential net) {
            this.net = net;
        }

        /** Forward, loss and backward on samples {@code order[from, from+n)}; the loss is scaled by n / batch. */
        void run(Samples data, int[] order, int from, int n, int batch, Random rng) {
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
            float[] weights = rowWeights.of(net, data, order, from, n, xb, yb, rows, DataParallelStep.this.loss,
                    rowWidth, classWeight, batchRows, batchKept);
            boolean[] kept = rowWeights.kept();
            loss = DataParallelStep.this.loss.compute(out, yb, rows, rowWidth, grad, weights) * share
                    + net.activityPenalty() / batch;
            if (n != batch) {
                float f = (float) share;
                for (int i = 0; i < size; i++) {
                    grad[i] *= f;
                }
            }
            for (int m = 0; m < metrics.size(); m++) {
                metricSums[m] = metrics.get(m).sum(out, yb, rows, rowWidth, kept);
            }
            gradEngine = Buffers.atLeast(gradEngine, size);
            net.backward(Tensor.fromBatchMajor(grad, 0, n, y.steps(), rowWidth, gradEngine), batch);
        }
    }
}
