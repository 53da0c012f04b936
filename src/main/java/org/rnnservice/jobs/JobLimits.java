package org.rnnservice.jobs;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.rnnservice.RnnProperties;
import org.rnnservice.datasets.DatasetRecord;
import org.rnnservice.datasets.DatasetService;
import org.rnnservice.engine.layers.Embedding;
import org.rnnservice.engine.model.Sequential;
import org.rnnservice.engine.train.FitOptions;
import org.rnnservice.engine.train.losses.Loss;
import org.rnnservice.errors.ServiceException;

/**
 * What a job is checked against before it is queued, beyond the shapes: {@code rnn.limits.epochs}, the memory it
 * would need ({@code rnn.limits.job-memory}), and the values of its data (token ids within the Embedding's
 * vocabulary, class labels within the output's width), so that a job that cannot run is refused at once (422), not
 * failed later.
 */
final class JobLimits {

    private JobLimits() {
    }

    static void check(Sequential model, DatasetRecord ds, FitOptions options, RnnProperties properties,
                      DatasetService datasets) throws IOException {
        RnnProperties.Limits limits = properties.limits();
        if (options.epochs() > limits.epochs()) {
            throw ServiceException.unprocessable("epochs", "epochs " + options.epochs()
                    + " is more than rnn.limits.epochs = " + limits.epochs());
        }
        long need = memory(model, ds, options.batchSize(), properties.jobThreads());
        if (need > limits.jobMemory().toBytes()) {
            throw ServiceException.unprocessable("batch_size", "the job would need about " + need / (1 << 20)
                    + " MB (weights, gradients, optimizer state and the activations of a batch of "
                    + Math.min(options.batchSize(), ds.samples()) + " x " + ds.steps() + " steps), more than"
                    + " rnn.limits.job-memory = " + limits.jobMemory().toMegabytes() + " MB; use a smaller batch_size");
        }
        checkValues(model, ds, datasets, "dataset_id");
    }

    /**
     * An estimate, in bytes, of a job's memory: weights, gradients and up to three optimizer slots, the gradients of
     * each thread's replica, the batch's activations kept for backpropagation through time, and the data itself (a
     * series' values, not its windows).
     */
    static long memory(Sequential model, DatasetRecord ds, int batchSize, int threads) {
        long params = model.summary().totalParams();
        long steps = Math.max(1, ds.steps());
        long batch = Math.min(batchSize, ds.samples());
        long widths = model.inputShape().features();
        for (var row : model.summary().layers()) {
            // a recurrent layer keeps its gates and states per step: about six times its width
            List<Integer> shape = row.outputShape();
            widths += 6L * shape.get(shape.size() - 1);
        }
        // a series is held once, its windows cut from it batch by batch; other datasets hold every sample
        long data = ds.isSeries() ? (long) ds.rows() * ds.columns().size()
                : (long) ds.samples() * steps * (ds.features() + ds.targetSize());
        long floats = params * (5 + threads) + batch * steps * widths * 2 + data;
        return floats * Float.BYTES;
    }

    /** Token ids and class labels of a dataset within the model's vocabulary and classes; {@code field} names it. */
    static void checkValues(Sequential model, DatasetRecord ds, DatasetService datasets, String field)
            throws IOException {
        Embedding embedding = model.layers().get(0) instanceof Embedding e ? e : null;
        if (embedding != null && ds.isText() && ds.vocab().size() > embedding.inputDim()) {
            throw ServiceException.unprocessable(field, "the text has " + ds.vocab().size()
                    + " distinct characters but the Embedding's input_dim is " + embedding.inputDim());
        }
        Loss loss = Loss.of(model.spec().compile().loss(), model.spec().compile().lossArgs());
        boolean ids = embedding != null && !ds.isText();
        boolean labels = loss.sparse() && !ds.isText();
        if (!ids && !labels) {
            return;
        }
        int classes = model.outputShape().features();
        Map<String, int[]> bounds = new java.util.HashMap<>();
        if (ids) {
            bounds.put("x", new int[] {0, embedding.inputDim()});
        }
        if (labels) {
            bounds.put("y", new int[] {0, classes});
        }
        Map<String, DatasetService.Outlier> outliers = datasets.outliers(ds, bounds);
        DatasetService.Outlier id = outliers.get("x");
        if (id != null) {
            int row = id.index() / ds.steps();
            throw ServiceException.unprocessable(field, "x[" + row + "][" + id.index() % ds.steps() + "] is token id "
                    + id.value() + ", outside the Embedding's vocabulary of " + embedding.inputDim() + " (ids 0 to "
                    + (embedding.inputDim() - 1) + "; raise input_dim or map rare words to one id)");
        }
        DatasetService.Outlier label = outliers.get("y");
        if (label != null) {
            int perSample = ds.targetSize();
            String at = perSample == 1 ? "y[" + label.index() + "]"
                    : "y[" + label.index() / perSample + "][" + label.index() % perSample + "]";
            throw ServiceException.unprocessable(field, at + " is class label " + label.value() + ", but the model's"
                    + " last layer has " + classes + " units (labels 0 to " + (classes - 1) + ")");
        }
    }
}
