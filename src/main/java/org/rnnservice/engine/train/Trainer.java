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
import org.rnnservice.engine.parallel.HelperThreads;
import org.rnnservice.engine.train.callbacks.EarlyStopping;
import org.rnnservice.engine.train.callbacks.History;
import org.rnnservice.engine.train.callbacks.ModelCheckpoint;
import org.rnnservice.engine.train.callbacks.ReduceLrOnPlateau;
import org.rnnservice.engine.train.losses.Loss;
import org.rnnservice.engine.train.metrics.Metric;
import org.rnnservice.engine.train.optimizers.Optimizer;

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
    private final int threads;
    private final HelperThreads helpers;
    private float[] evalX;
    private float[] evalY;
    private float[] evalOut;
    private final RowWeights evalWeights = new RowWeights();

    /** A single-threaded trainer. */
    public Trainer(Sequential model, CompileSpec compile) {
        this(model, compile, 1);
    }

    /** A trainer on {@code threads} threads, its helpers from the JVM's shared pool. */
    public Trainer(Sequential model, CompileSpec compile, int threads) {
        this(model, compile, threads, HelperThreads.shared());
    }

    /**
     * A trainer that splits each batch over {@code threads} threads (a {@link DataParallelStep}), the caller's and
     * {@code threads - 1} from {@code helpers}; a fixed thread count gives the same weights bit for bit.
     */
    public Trainer(Sequential model, CompileSpec compile, int threads, HelperThreads helpers) {
        this.model = model;
        this.loss = Loss.of(compile.loss(), compile.lossArgs());
        this.rowWidth = model.outputShape().features();
        this.metrics = new ArrayList<>(compile.metrics().stream().map(m -> Metric.of(m, loss, rowWidth)).toList());
        this.optimizer = Optimizer.of(compile.optimizer(), compile.optimizerArgs());
        this.threads = Math.max(1, threads);
        this.helpers = helpers;
    }

    public Loss loss() {
        return loss;
    }

    public Optimizer optimizer() {
        return optimizer;
    }

    /**
     * Reports {@code metric} too, beside the compiled ones, unless one is reported under its key already: a service
     * adds the errors a forecaster reads to a series job's logs this way, without changing the model's compile.
     */
    public void alsoReport(Metric metric) {
        if (metrics.stream().noneMatch(m -> m.key().equals(metric.key()))) {
            metrics.add(metric);
        }
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
        return fit(data, null, options, listener, resume);
    }

    /**
     * As {@link #fit(Samples, FitOptions, TrainingListener, Checkpoint)}, validating on {@code validationData}
     * (Keras' {@code validation_data}) when it is given; it cannot be combined with a {@code validation_split}.
     */
    public History fit(Samples data, Samples validationData, FitOptions options, TrainingListener listener,
                       Checkpoint resume) {
        int n = data.count();
        if (validationData != null && options.validationSplit() > 0) {
            throw new InvalidFitException("validation_data", "give validation_split or validation_data, not both"
                    + " (Keras would ignore validation_split)", false);
        }
        options.check(n, logKeys(options.validationSplit() > 0 || validationData != null),
                model.outputShape().sequence());
        int trainCount = options.trainCount(n);
        Samples validation = validationData != null ? validationData
                : trainCount < n ? data.slice(trainCount, n) : null;
        if (options.reduceLr() != null && !optimizer.learningRateSettable()) {
            throw new InvalidFitException("callbacks.ReduceLROnPlateau", "ReduceLROnPlateau cannot change a"
                    + " learning-rate schedule (Keras refuses it too); give the optimizer a number as learning_rate",
                    false);
        }
        Callbacks callbacks = new Callbacks(options);
        EarlyStopping stopper = callbacks.stopper;
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
            if (callbacks.reducer != null && resume.reduceLr() != null) {
                callbacks.reducer.restore(resume.reduceLr(), optimizer);
            }
            if (callbacks.best != null && resume.bestCheckpoint() != null) {
                callbacks.best.restore(resume.bestCheckpoint());
            }
        }
        try (DataParallelStep step = new DataParallelStep(model, loss, metrics, threads, helpers)) {
            step.weighClasses(options.classWeight());
            return run(step, data, options, listener, history, initialEpoch, trainCount, validation, callbacks);
        }
    }

    /** The callbacks a fit runs at each epoch's end, in Keras' order of effect; each null when not asked for. */
    private static final class Callbacks {
        final EarlyStopping stopper;
        final ReduceLrOnPlateau reducer;
        final ModelCheckpoint best;

        Callbacks(FitOptions options) {
            stopper = options.earlyStopping() == null ? null : new EarlyStopping(options.earlyStopping());
            reducer = options.reduceLr() == null ? null : new ReduceLrOnPlateau(options.reduceLr());
            best = options.bestCheckpoint() == null ? null : new ModelCheckpoint(options.bestCheckpoint());
        }
    }

    private History run(DataParallelStep step, Samples data, FitOptions options, TrainingListener listener,
                        History history, int initialEpoch, int trainCount, Samples validation,
                        Callbacks callbacks) {
        EarlyStopping stopper = callbacks.stopper;
        int batchSize = Math.min(options.batchSize(), trainCount);
        int batches = (trainCount + batchSize - 1) / batchSize;
        int[] order = new int[trainCount];
        List<Param> params = model.trainableParams();
        for (int epoch = initialEpoch; epoch < options.epochs(); epoch++) {
            for (int i = 0; i < trainCount; i++) {
                order[i] = i;
            }
            if (options.shuffle()) {
                shuffle(order, new Random(Seeds.mix(options.seed(), epoch, 0)));
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
                double batchLoss = step.run(data, order, from, count, options.seed(), epoch, b, metricSums);
                // the model computes in float32, so a loss beyond float range has diverged even if a double holds it
                if (!Float.isFinite((float) batchLoss)) {
                    throw new TrainingDivergedException(batchLoss, epoch, b);
                }
                step.update(optimizer, params);
                lossSum += batchLoss * count;
                rowsSeen += step.countedRows();
                listener.onBatchEnd(epoch, b, batches, batchLoss);
            }
            Map<String, Double> logs = new LinkedHashMap<>();
            logs.put("loss", lossSum / trainCount);
            for (int m = 0; m < metrics.size(); m++) {
                logs.put(metrics.get(m).key(), metrics.get(m).finish(metricSums[m] / rowsSeen));
            }
            if (validation != null) {
                evaluate(validation, options.batchSize()).forEach((k, v) -> logs.put("val_" + k, v));
            }
            if (callbacks.reducer != null) {
                callbacks.reducer.onEpochEnd(logs, optimizer);
            }
            history.append(logs);
            if (callbacks.best != null) {
                callbacks.best.onEpochEnd(epoch, logs, model::weights);
            }
            boolean stop = stopper != null && stopper.onEpochEnd(epoch, logs, model::weights);
            if (!stop && epoch + 1 < options.epochs()) {
                // saved before the epoch is announced: an epoch a listener has shown is never lost to a crash
                listener.onCheckpoint(new Checkpoint(epoch + 1, model.weights(), optimizer.state(), history.values(),
                        stopper == null ? null : stopper.state(),
                        callbacks.reducer == null ? null : callbacks.reducer.state(optimizer),
                        callbacks.best == null ? null : callbacks.best.state()));
            }
            listener.onEpochEnd(epoch, logs);
            if (stop) {
                history.stoppedAt(epoch);
                break;
            }
        }
        if (stopper != null) {
            stopper.onTrainEnd(model::setWeights);
        }
        if (callbacks.best != null) {
            callbacks.best.onTrainEnd(model::setWeights);
            history.bestEpoch(callbacks.best.bestEpoch());
        }
        return history;
    }

    /** Loss and gradients of one batch without an optimizer step (for checks against reference numbers). */
    public double lossAndGradients(Samples data) {
        try (DataParallelStep step = new DataParallelStep(model, loss, metrics, threads, helpers)) {
            return step.run(data, identity(data.count()), 0, data.count(), 0, 0, 0, new double[metrics.size()]);
        }
    }

    /** Keras' {@code evaluate}: the loss and metrics over all samples, in batches of {@code batchSize}. */
    public Map<String, Double> evaluate(Samples data, int batchSize) {
        int n = data.count();
        if (n == 0) {
            throw new IllegalArgumentException("no samples to evaluate");
        }
        int[] order = identity(n);
        double weightPenalty = model.weightPenalty(false);
        double lossSum = 0;
        double[] metricSums = new double[metrics.size()];
        long rowsSeen = 0;
        for (int from = 0; from < n; from += batchSize) {
            int count = Math.min(batchSize, n - from);
            evalX = Buffers.atLeast(evalX, count * Math.max(data.steps(), 1) * data.features());
            evalY = Buffers.atLeast(evalY, count * data.targetSize());
            data.inputs(order, from, count, evalX);
            data.targets(order, from, count, evalY);
            Tensor y = model.forward(evalX, count, data.steps(), false, null);
            int rows = y.rows();
            evalOut = model.lastOutputBatchMajor(Buffers.atLeast(evalOut, rows * rowWidth));
            long counted = model.masksOutput() ? StepMask.keptRows(model, evalX, count, data.steps()) : rows;
            float[] weights = evalWeights.of(model, data, order, from, count, evalX, evalY, rows, loss, rowWidth,
                    null, rows, counted);
            boolean[] kept = evalWeights.kept();
            // Keras' evaluate reports the same total as fit: the data loss plus the regularizers' penalties
            lossSum += (loss.compute(evalOut, evalY, rows, rowWidth, null, weights) + weightPenalty) * count
                    + model.activityPenalty();
            for (int m = 0; m < metrics.size(); m++) {
                metricSums[m] += metrics.get(m).sum(evalOut, evalY, rows, rowWidth, kept);
            }
            rowsSeen += counted;
        }
        Map<String, Double> result = new LinkedHashMap<>();
        result.put("loss", lossSum / n);
        for (int m = 0; m < metrics.size(); m++) {
            result.put(metrics.get(m).key(), metrics.get(m).finish(metricSums[m] / rowsSeen));
        }
        return result;
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
}
