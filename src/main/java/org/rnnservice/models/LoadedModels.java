package org.rnnservice.models;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.rnnservice.RnnProperties;
import org.rnnservice.engine.layers.Param;
import org.rnnservice.engine.model.Sequential;
import org.springframework.stereotype.Component;

/**
 * Built models by id and version, kept for predictions within {@code rnn.model-cache} bytes, the least recently used
 * dropped first: each holds its weights and scratch buffers, so an unbounded cache would let a walk over many models
 * fill the heap. A version's weights never change, so a cached model is never stale.
 */
@Component
class LoadedModels {

    /** Builds a model with its weights; may read them from the store. */
    interface Loader {
        Sequential load() throws IOException;
    }

    private final Cache<String, Sequential> cache;

    LoadedModels(RnnProperties properties) {
        this.cache = Caffeine.newBuilder()
                .maximumWeight(properties.modelCache().toBytes())
                .weigher((String key, Sequential model) -> (int) Math.min(Integer.MAX_VALUE, bytes(model)))
                .build();
    }

    /**
     * What a built model holds, roughly: its weights and as much again for the layouts and buffers of a forward
     * pass (buffers grow with the batch; a prediction's passes are at most 64 rows).
     */
    static long bytes(Sequential model) {
        long weights = 0;
        for (Param p : model.params()) {
            weights += 4L * p.size();
        }
        return 2 * weights;
    }

    Sequential get(String id, int version, Loader loader) throws IOException {
        try {
            return cache.get(key(id, version), k -> {
                try {
                    return loader.load();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    void put(String id, int version, Sequential model) {
        cache.put(key(id, version), model);
    }

    void evict(String id, int version) {
        cache.invalidate(key(id, version));
    }

    void evictAll(String id) {
        cache.asMap().keySet().removeIf(k -> k.startsWith(id + "@"));
    }

    private static String key(String id, int version) {
        return id + "@" + version;
    }
}
