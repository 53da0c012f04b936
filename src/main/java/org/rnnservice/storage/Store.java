package org.rnnservice.storage;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where everything a user created lives: JSON documents (model definitions, dataset and job metadata with history)
 * and tensor blobs (weights, dataset arrays, checkpoints), by collection and id. Every write is durable when it
 * returns; a document is written last, so its presence means the entity exists whole. The embedded default keeps
 * files on local disk ({@link FileStore}); a database-backed store for several replicas would implement this too.
 */
public interface Store {

    /** The kinds of entity stored; {@code CANCELS} are requests to cancel jobs that another replica trains. */
    enum Collection { MODELS, DATASETS, JOBS, CANCELS }

    void put(Collection collection, String id, Object document) throws IOException;

    <T> Optional<T> get(Collection collection, String id, Class<T> type) throws IOException;

    /** Every document of a collection; damaged ones are skipped with a log line rather than failing the listing. */
    <T> List<T> list(Collection collection, Class<T> type) throws IOException;

    /** Removes the document and its blobs; the entity is gone as a whole or not at all. */
    void delete(Collection collection, String id) throws IOException;

    void putTensors(Collection collection, String id, String blob, List<TensorFile.Entry> tensors) throws IOException;

    /** The tensors of a blob; {@link CorruptFileException} if damaged, {@code NoSuchFileException} if absent. */
    Map<String, TensorFile.Entry> getTensors(Collection collection, String id, String blob) throws IOException;

    void deleteTensors(Collection collection, String id, String blob) throws IOException;
}
