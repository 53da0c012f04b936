package org.rnnservice.storage;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where everything a user created lives: JSON documents (model definitions, dataset and job metadata with history)
 * and tensor blobs (weights, dataset arrays, checkpoints), by collection and id. Every write is durable when it
 * returns; a document is written last, so its presence means the entity exists whole. The embedded default keeps
 * files on local disk ({@link FileStore}); PostgreSQL's store is shared by several replicas.
 */
public interface Store {

    /**
     * Whether other processes (replicas) write to this store too, so that what this one holds in memory may be stale
     * and state they share must live here.
     */
    boolean shared();

    /**
     * The kinds of entity stored; {@code CANCELS} are requests to cancel jobs that another replica trains,
     * {@code TUNING_JOBS} searches over hyperparameters, {@code SESSIONS} the state of streams shared by replicas.
     */
    enum Collection {
        MODELS("created_at"), DATASETS("created_at"), JOBS("submitted_at"), CANCELS(null),
        TUNING_JOBS("submitted_at"), SESSIONS(null);

        private final String createdField;

        Collection(String createdField) {
            this.createdField = createdField;
        }

        /** Whether each document is one flat file with its blobs beside it, rather than a directory. */
        public boolean flat() {
            return this != MODELS && this != DATASETS;
        }

        /** The document's field that says when its entity was created, which {@link #page} orders by; or null. */
        public String createdField() {
            return createdField;
        }
    }

    /** One page of a collection: its documents and how many the collection holds. */
    record Slice<T>(List<T> items, int total) {
    }

    void put(Collection collection, String id, Object document) throws IOException;

    <T> Optional<T> get(Collection collection, String id, Class<T> type) throws IOException;

    /** Every document of a collection; damaged ones are skipped with a log line rather than failing the listing. */
    <T> List<T> list(Collection collection, Class<T> type) throws IOException;

    /**
     * Up to {@code limit} documents of a collection from {@code offset}, newest first by their
     * {@link Collection#createdField} (then by id), read without reading the others.
     */
    <T> Slice<T> page(Collection collection, Class<T> type, long offset, int limit) throws IOException;

    /** Removes the document and its blobs; the entity is gone as a whole or not at all. */
    void delete(Collection collection, String id) throws IOException;

    void putTensors(Collection collection, String id, String blob, List<TensorFile.Entry> tensors) throws IOException;

    /** The tensors of a blob; {@link CorruptFileException} if damaged, {@code NoSuchFileException} if absent. */
    Map<String, TensorFile.Entry> getTensors(Collection collection, String id, String blob) throws IOException;

    void deleteTensors(Collection collection, String id, String blob) throws IOException;

    /**
     * Stores a new document under a name no other document of the collection has, on every replica at once;
     * {@link NameTakenException} when another has it.
     */
    void create(Collection collection, String id, String name, Object document) throws IOException;

    /** The id of the document {@link #create}d under {@code name}, found through an index, not a listing. */
    Optional<String> idNamed(Collection collection, String name) throws IOException;

    /**
     * Reads a document, changes it and writes it back as one step that no other update of the same document, on any
     * replica, interleaves with; blobs the change writes land with the document. Returns the document written.
     * {@code NoSuchFileException} when the document does not exist.
     */
    <T> T update(Collection collection, String id, Class<T> type, Change<T> change) throws IOException;

    /** A change of one document: the new document from the current one, with the blobs it writes or drops. */
    @FunctionalInterface
    interface Change<T> {
        T apply(T current, Blobs blobs) throws IOException;
    }

    /** The blobs of the document an {@link #update} changes. */
    interface Blobs {
        void put(String blob, List<TensorFile.Entry> tensors) throws IOException;

        void delete(String blob) throws IOException;
    }

    /** An entity by collection and id. */
    record Ref(Collection collection, String id) {
    }

    /**
     * Marks entities as used by {@code holder} (a job), so that {@link #deleteUnlessHeld} refuses them until
     * {@link #release}; false, holding nothing, when one of them no longer exists. Holding again is harmless.
     */
    boolean hold(String holder, List<Ref> entities) throws IOException;

    /** Lets go of everything {@code holder} holds. */
    void release(String holder) throws IOException;

    /** Deletes an entity, as {@link #delete}, unless a holder holds it; false (deleting nothing) when one does. */
    boolean deleteUnlessHeld(Collection collection, String id) throws IOException;
}
