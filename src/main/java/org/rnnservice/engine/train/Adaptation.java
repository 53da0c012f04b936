package org.rnnservice.engine.train;

import java.util.ArrayList;
import java.util.List;
import org.rnnservice.engine.layers.Layer;
import org.rnnservice.engine.layers.Moments;
import org.rnnservice.engine.layers.Normalization;
import org.rnnservice.engine.model.Sequential;

/**
 * Keras' {@code adapt()} done where a user would call it before {@code fit}: a model's first layer, when it is a
 * Normalization without statistics, learns those of the training inputs; its last layer, when it is one, those of the
 * training targets (an inverting one then gives predictions in the targets' units). Only training samples are read,
 * so nothing of the validation range leaks into the scaling.
 */
public final class Adaptation {

    private static final int BATCH = 1024;

    private Adaptation() {
    }

    /**
     * Why the model cannot be adapted, or null: a Normalization that must learn its statistics but is neither the
     * first layer (inputs) nor the last (targets) has no data of its own to learn them from.
     */
    public static String unadaptable(Sequential model) {
        List<Layer> layers = model.layers();
        for (int i = 1; i < layers.size() - 1; i++) {
            if (layers.get(i) instanceof Normalization n && n.adapts() && !n.adapted()) {
                return "Normalization '" + n.name() + "' has no mean and variance and is neither the first layer"
                        + " (adapted to the inputs) nor the last (adapted to the targets): give it mean and variance";
            }
        }
        return null;
    }

    /** Adapts the model's first and last Normalization layers that have no statistics yet; answers their names. */
    public static List<String> adapt(Sequential model, Samples training) {
        List<String> adapted = new ArrayList<>();
        List<Layer> layers = model.layers();
        if (layers.get(0) instanceof Normalization first && first.adapts() && !first.adapted()) {
            first.adapt(gather(first, training, true));
            adapted.add(first.name());
        }
        if (layers.size() > 1 && layers.get(layers.size() - 1) instanceof Normalization last && last.adapts()
                && !last.adapted()) {
            last.adapt(gather(last, training, false));
            adapted.add(last.name());
        }
        return adapted;
    }

    private static Moments gather(Normalization layer, Samples data, boolean inputs) {
        Moments moments = layer.moments();
        int features = moments.features();
        int width = inputs ? Math.max(data.steps(), 1) * data.features() : data.targetSize();
        int count = data.count();
        int[] order = new int[Math.min(BATCH, Math.max(count, 1))]; // one batch of sample indexes at a time
        float[] buffer = new float[order.length * width];
        for (int from = 0; from < count; from += BATCH) {
            int n = Math.min(BATCH, count - from);
            for (int i = 0; i < n; i++) {
                order[i] = from + i;
            }
            if (inputs) {
                data.inputs(order, 0, n, buffer);
            } else {
                data.targets(order, 0, n, buffer);
            }
            moments.add(buffer, n * width / features);
        }
        return moments;
    }
}
