package org.rnnservice.models;

import org.rnnservice.datasets.DatasetRecord;
import org.rnnservice.engine.layers.Embedding;
import org.rnnservice.engine.layers.Layer;
import org.rnnservice.engine.layers.LayerShape;
import org.rnnservice.engine.layers.Masking;
import org.rnnservice.engine.model.Sequential;
import org.rnnservice.engine.train.losses.Loss;
import org.rnnservice.errors.ServiceException;
import org.rnnservice.errors.Words;

/** Whether a dataset fits a model: input features and length, outputs, and labels for sparse losses. 422 if not. */
public final class DatasetFit {

    private DatasetFit() {
    }

    /** Checks the fit; returns whether text must be fed as token ids (the model starts with an Embedding). */
    public static boolean check(Sequential model, DatasetRecord ds) {
        return check(model, ds, "dataset_id");
    }

    /** As {@link #check(Sequential, DatasetRecord)}, naming the dataset's field in refusals. */
    public static boolean check(Sequential model, DatasetRecord ds, String field) {
        LayerShape in = model.inputShape();
        boolean embedding = model.layers().get(0) instanceof Embedding;
        if (ds.isText() && !embedding && in.features() != ds.vocab().size()) {
            throw ServiceException.unprocessable(field, "the text dataset has a vocabulary of " + ds.vocab().size()
                    + " characters, fed one-hot; the model's input_shape takes " + in.features()
                    + " features (use input_shape [null, " + ds.vocab().size() + "] or an Embedding)");
        }
        if (!ds.isText() && embedding && ds.features() != 1) {
            throw ServiceException.unprocessable(field, "an Embedding model takes one token id per time step; the dataset"
                    + " has " + ds.features() + " features");
        }
        if (!ds.isText() && !embedding && in.features() != ds.features()) {
            throw ServiceException.unprocessable(field, "the dataset has " + ds.features()
                    + " features per time step; the model's input_shape takes " + in.features());
        }
        if (!in.sequence() && ds.steps() != 1) {
            throw ServiceException.unprocessable(field, "the model takes flat vectors but the dataset has "
                    + Words.count(ds.steps(), "time step"));
        }
        checkPadding(model, ds, field);
        Loss loss = Loss.of(model.spec().compile().loss(), model.spec().compile().lossArgs());
        LayerShape out = model.outputShape();
        int rowsPerSample = out.sequence() ? model.outputSteps(ds.steps()) : 1;
        int expected = rowsPerSample * loss.targetWidth(out.features());
        if (ds.targetSize() != expected) {
            throw ServiceException.unprocessable(field, "the dataset has " + ds.targetSize() + " target values per sample "
                    + "(y shape " + ds.yShape() + "); the model's output " + out.toKeras() + " with "
                    + loss.kerasName() + " needs " + expected);
        }
        if (loss.sparse()) {
            if (!ds.integerTargets()) {
                throw ServiceException.unprocessable(field, loss.kerasName() + " needs integer class labels as targets");
            }
            if (ds.isText() && ds.vocab().size() != out.features()) {
                throw ServiceException.unprocessable(field, "the text has " + ds.vocab().size()
                        + " characters to predict; the model's last layer has " + out.features() + " units");
            }
        }
        return embedding;
    }

    /** A padded dataset and a masking model must agree on what a padded step holds, or padding would be learned. */
    private static void checkPadding(Sequential model, DatasetRecord ds, String field) {
        Layer first = model.layers().get(0);
        if (ds.padding() == null || !first.makesMask()) {
            return;
        }
        double skipped = first instanceof Masking m ? m.maskValue() : 0;
        if (ds.padding().value() != skipped) {
            throw ServiceException.unprocessable(field, "the dataset's sequences were padded with " + ds.padding().value()
                    + ", but the model's " + first.type() + " skips steps of " + skipped + "; upload the dataset with"
                    + " \"value\": " + skipped + (first instanceof Masking ? " or give Masking that mask_value" : ""));
        }
    }
}
