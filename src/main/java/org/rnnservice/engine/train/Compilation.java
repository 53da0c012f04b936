package org.rnnservice.engine.train;

import java.util.LinkedHashMap;
import java.util.Map;
import org.rnnservice.engine.layers.InvalidModelException;
import org.rnnservice.engine.model.CompileSpec;
import org.rnnservice.engine.model.ModelDefinitions;
import org.rnnservice.engine.model.ModelSpec;
import org.rnnservice.engine.model.Sequential;
import org.rnnservice.engine.train.losses.Loss;
import org.rnnservice.engine.train.metrics.Metric;
import org.rnnservice.engine.train.optimizers.Optimizer;

/**
 * A model's {@code compile()} settings checked and resolved against the training package (losses, metrics,
 * optimizers with their Keras defaults), and the model's definition written with them filled in.
 */
public final class Compilation {

    private Compilation() {
    }

    /**
     * The normalized definition of a built model, in our own form; {@link ModelDefinitions#parse} reads it back to
     * the same model.
     */
    public static Map<String, Object> normalizedDefinition(Sequential model) {
        ModelSpec spec = model.spec();
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("name", model.name());
        d.put("input_shape", spec.inputShape());
        d.put("layers", model.layerConfigs());
        CompileSpec c = spec.compile();
        if (c != null) {
            Map<String, Object> compile = new LinkedHashMap<>();
            compile.put("optimizer", Optimizer.of(c.optimizer(), c.optimizerArgs()).config());
            compile.put("loss", Loss.of(c.loss(), c.lossArgs()).config());
            compile.put("metrics", c.metrics());
            d.put("compile", compile);
        }
        d.put("seed", spec.seed());
        return d;
    }

    /**
     * Checks the compile settings against the built model (loss and metrics known, optimizer arguments valid); a
     * model that is not compiled passes.
     */
    public static void validateCompile(Sequential model) {
        CompileSpec c = model.spec().compile();
        if (c == null) {
            return;
        }
        Loss loss;
        try {
            loss = Loss.of(c.loss(), c.lossArgs());
        } catch (IllegalArgumentException e) {
            throw new InvalidModelException("compile.loss", e.getMessage());
        }
        for (int i = 0; i < c.metrics().size(); i++) {
            try {
                Metric.of(c.metrics().get(i), loss, model.outputShape().features());
            } catch (IllegalArgumentException e) {
                throw new InvalidModelException("compile.metrics[" + i + "]", e.getMessage());
            }
        }
        try {
            Optimizer.of(c.optimizer(), c.optimizerArgs());
        } catch (InvalidModelException e) {
            throw e; // names its argument, compile.optimizer.*
        } catch (IllegalArgumentException e) {
            throw new InvalidModelException("compile.optimizer", e.getMessage());
        }
    }
}
