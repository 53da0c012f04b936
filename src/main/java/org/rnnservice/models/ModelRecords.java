package org.rnnservice.models;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.rnnservice.errors.ServiceException;
import org.rnnservice.storage.Store;
import org.springframework.stereotype.Component;

/**
 * Model documents as read for every prediction. With the file store this process is the only writer, so a document
 * read once is kept until this process writes the model again (every write of a model goes through
 * {@link ModelCatalog}, which reports it here); with several replicas each read goes to the database.
 */
@Component
class ModelRecords {

    private final Store store;
    private final boolean kept;
    private final Map<String, ModelRecord> records = new ConcurrentHashMap<>();

    ModelRecords(Store store) {
        this.store = store;
        this.kept = !store.shared();
    }

    /** The model's document; 404 if there is none. */
    ModelRecord get(String id) throws IOException {
        ModelRecord record;
        if (!kept) {
            record = store.get(Store.Collection.MODELS, id, ModelRecord.class).orElse(null);
        } else {
            try {
                // a load runs under the entry's lock, so a write reported meanwhile replaces what it read
                record = records.computeIfAbsent(id, k -> {
                    try {
                        return store.get(Store.Collection.MODELS, k, ModelRecord.class).orElse(null);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
            } catch (UncheckedIOException e) {
                throw e.getCause();
            }
        }
        if (record == null) {
            throw ServiceException.notFound("model", id);
        }
        return record;
    }

    /** Reports the document just written for a model; returns it. */
    ModelRecord written(ModelRecord record) {
        if (kept) {
            records.put(record.id(), record);
        }
        return record;
    }

    /** Reports a model deleted. */
    void deleted(String id) {
        records.remove(id);
    }
}
