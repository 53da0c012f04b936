package org.rnnservice.jobs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rnnservice.engine.train.Checkpoint;
import org.rnnservice.engine.train.callbacks.EarlyStopping;
import org.rnnservice.engine.train.callbacks.ModelCheckpoint;
import org.rnnservice.engine.train.callbacks.ReduceLrOnPlateau;
import org.rnnservice.engine.train.optimizers.Optimizer;
import org.rnnservice.storage.FileStore;
import tools.jackson.databind.json.JsonMapper;

/** A checkpoint written to the store and read back holds every callback's state, or none when none was used. */
class CheckpointStoreTest {

    @TempDir
    Path dir;

    @Test
    void everyCallbackStateComesBackAsItWasSaved() throws Exception {
        CheckpointStore store = new CheckpointStore(new FileStore(dir, JsonMapper.builder().build()));
        List<float[]> weights = List.of(new float[] {1, 2}, new float[] {3});
        List<float[]> best = List.of(new float[] {0.5f, 0.25f}, new float[] {-1});
        Checkpoint saved = new Checkpoint(3, weights, new Optimizer.State(12, List.of(new float[] {7}, new float[] {8})),
                Map.of("loss", List.of(0.5, 0.4, 0.3), "learning_rate", List.of(0.01, 0.01, 0.005)),
                new EarlyStopping.State(1, 0.3, 2, best), new ReduceLrOnPlateau.State(1, 0.31, 2, 0.005),
                new ModelCheckpoint.State(0.3, 2, best));
        store.save("job", saved);
        Checkpoint read = store.load("job");
        assertEquals(3, read.epochs());
        assertArrayEquals(weights.get(0), read.weights().get(0));
        assertEquals(saved.history(), read.history());
        assertEquals(saved.reduceLr(), read.reduceLr());
        assertEquals(0.3, read.bestCheckpoint().best());
        assertEquals(2, read.bestCheckpoint().bestEpoch());
        assertArrayEquals(best.get(0), read.bestCheckpoint().bestWeights().get(0));
        assertArrayEquals(best.get(1), read.bestCheckpoint().bestWeights().get(1));
        assertEquals(2, read.earlyStopping().bestEpoch());

        store.save("plain", new Checkpoint(1, weights, new Optimizer.State(1, List.of()), Map.of(), null));
        Checkpoint plain = store.load("plain");
        assertNull(plain.earlyStopping());
        assertNull(plain.reduceLr());
        assertNull(plain.bestCheckpoint());
    }
}
