package org.rnnservice.engine.train;

import java.util.List;
import java.util.Map;
import org.rnnservice.engine.train.callbacks.EarlyStopping;
import org.rnnservice.engine.train.callbacks.ModelCheckpoint;
import org.rnnservice.engine.train.callbacks.ReduceLrOnPlateau;
import org.rnnservice.engine.train.optimizers.Optimizer;

/**
 * Everything needed to continue a {@code fit} after {@code epochs} epochs exactly as if it had never stopped:
 * weights, optimizer state, history and the callbacks' states (each null when the callback is not used). Shuffling and
 * dropout draw from per-epoch seeds, so no random generator state is needed.
 */
public record Checkpoint(int epochs, List<float[]> weights, Optimizer.State optimizer,
                         Map<String, List<Double>> history, EarlyStopping.State earlyStopping,
                         ReduceLrOnPlateau.State reduceLr, ModelCheckpoint.State bestCheckpoint) {

    /** Without the ReduceLROnPlateau and ModelCheckpoint states. */
    public Checkpoint(int epochs, List<float[]> weights, Optimizer.State optimizer, Map<String, List<Double>> history,
                      EarlyStopping.State earlyStopping) {
        this(epochs, weights, optimizer, history, earlyStopping, null, null);
    }
}
