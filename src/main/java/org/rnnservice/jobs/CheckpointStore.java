package org.rnnservice.jobs;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.rnnservice.engine.train.Checkpoint;
import org.rnnservice.engine.train.callbacks.EarlyStopping;
import org.rnnservice.engine.train.callbacks.ModelCheckpoint;
import org.rnnservice.engine.train.callbacks.ReduceLrOnPlateau;
import org.rnnservice.engine.train.optimizers.Optimizer;
import org.rnnservice.storage.Store;
import org.rnnservice.storage.TensorFile;
import org.springframework.stereotype.Component;

/**
 * A job's training checkpoint as one tensor blob ({@code jobs/{id}.checkpoint.bin}): weights, optimizer slots and
 * step count, the history so far and the early-stopping state, all written atomically together.
 */
@Component
class CheckpointStore {

    private static final String BLOB = "checkpoint";

    private final Store store;

    CheckpointStore(Store store) {
        this.store = store;
    }

    void save(String jobId, Checkpoint c) throws IOException {
        List<TensorFile.Entry> t = new ArrayList<>();
        t.add(TensorFile.Entry.of("epochs", new double[] {c.epochs()}, 1));
        for (int i = 0; i < c.weights().size(); i++) {
            t.add(TensorFile.Entry.of("weights/" + i, c.weights().get(i), c.weights().get(i).length));
        }
        t.add(TensorFile.Entry.of("optimizer/iterations", new double[] {c.optimizer().iterations()}, 1));
        for (int i = 0; i < c.optimizer().slots().size(); i++) {
            float[] s = c.optimizer().slots().get(i);
            t.add(TensorFile.Entry.of("optimizer/slot/" + i, s, s.length));
        }
        for (Map.Entry<String, List<Double>> h : c.history().entrySet()) {
            double[] v = h.getValue().stream().mapToDouble(Double::doubleValue).toArray();
            t.add(TensorFile.Entry.of("history/" + h.getKey(), v, v.length));
        }
        EarlyStopping.State es = c.earlyStopping();
        if (es != null) {
            t.add(TensorFile.Entry.of("early_stopping/state", new double[] {es.epochsWaited(), es.best(),
                    es.bestEpoch()}, 3));
            if (es.bestWeights() != null) {
                numbered(t, "early_stopping/best/", es.bestWeights());
            }
        }
        ReduceLrOnPlateau.State rl = c.reduceLr();
        if (rl != null) {
            t.add(TensorFile.Entry.of("reduce_lr/state", new double[] {rl.epochsWaited(), rl.best(),
                    rl.cooldownCounter(), rl.learningRate()}, 4));
        }
        ModelCheckpoint.State mc = c.bestCheckpoint();
        if (mc != null) {
            t.add(TensorFile.Entry.of("model_checkpoint/state", new double[] {mc.best(), mc.bestEpoch()}, 2));
            if (mc.bestWeights() != null) {
                numbered(t, "model_checkpoint/best/", mc.bestWeights());
            }
        }
        store.putTensors(Store.Collection.JOBS, jobId, BLOB, t);
    }

    /** The last checkpoint, or null when the job has none. Damage is an error, never silently a fresh start. */
    Checkpoint load(String jobId) throws IOException {
        Map<String, TensorFile.Entry> t;
        try {
            t = store.getTensors(Store.Collection.JOBS, jobId, BLOB);
        } catch (NoSuchFileException e) {
            return null;
        }
        List<float[]> weights = numbered(t, "weights/");
        List<float[]> slots = numbered(t, "optimizer/slot/");
        Map<String, List<Double>> history = new LinkedHashMap<>();
        t.forEach((name, e) -> {
            if (name.startsWith("history/")) {
                history.put(name.substring(8), java.util.Arrays.stream(e.doubles()).boxed().toList());
            }
        });
        EarlyStopping.State es = null;
        if (t.containsKey("early_stopping/state")) {
            double[] s = t.get("early_stopping/state").doubles();
            List<float[]> best = numbered(t, "early_stopping/best/");
            es = new EarlyStopping.State((int) s[0], s[1], (int) s[2], best.isEmpty() ? null : best);
        }
        ReduceLrOnPlateau.State rl = null;
        if (t.containsKey("reduce_lr/state")) {
            double[] s = t.get("reduce_lr/state").doubles();
            rl = new ReduceLrOnPlateau.State((int) s[0], s[1], (int) s[2], s[3]);
        }
        ModelCheckpoint.State mc = null;
        if (t.containsKey("model_checkpoint/state")) {
            double[] s = t.get("model_checkpoint/state").doubles();
            List<float[]> best = numbered(t, "model_checkpoint/best/");
            mc = new ModelCheckpoint.State(s[0], (int) s[1], best.isEmpty() ? null : best);
        }
        return new Checkpoint((int) t.get("epochs").doubles()[0], weights,
                new Optimizer.State((long) t.get("optimizer/iterations").doubles()[0], slots), history, es, rl, mc);
    }

    private static void numbered(List<TensorFile.Entry> t, String prefix, List<float[]> arrays) {
        for (int i = 0; i < arrays.size(); i++) {
            t.add(TensorFile.Entry.of(prefix + i, arrays.get(i), arrays.get(i).length));
        }
    }

    private static List<float[]> numbered(Map<String, TensorFile.Entry> t, String prefix) {
        List<float[]> out = new ArrayList<>();
        for (int i = 0; t.containsKey(prefix + i); i++) {
            out.add(t.get(prefix + i).floats());
        }
        return out;
    }

    void delete(String jobId) throws IOException {
        store.deleteTensors(Store.Collection.JOBS, jobId, BLOB);
    }
}
