package org.rnnservice.models.sessions;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.time.Instant;
import org.rnnservice.storage.Store;

/**
 * Sessions in the store shared by replicas: each chunk reads, advances and writes the session as one update of its
 * document (a row lock on PostgreSQL), so a stream continues wherever the load balancer sends its next chunk.
 */
final class StoredSessions implements SessionStore {

    private final Store store;

    StoredSessions(Store store) {
        this.store = store;
    }

    @Override
    public synchronized boolean add(StreamSession session, int max) throws IOException {
        Instant now = Instant.now();
        int open = 0;
        for (StreamSession s : store.list(Store.Collection.SESSIONS, StreamSession.class)) {
            if (s.expired(now)) {
                store.delete(Store.Collection.SESSIONS, s.id());
            } else {
                open++;
            }
        }
        if (open >= max) {
            return false;
        }
        store.put(Store.Collection.SESSIONS, session.id(), session);
        return true;
    }

    @Override
    public StreamSession get(String id) throws IOException {
        StreamSession s = store.get(Store.Collection.SESSIONS, id, StreamSession.class).orElse(null);
        return s == null || s.expired(Instant.now()) ? null : s;
    }

    @Override
    public StreamSession update(String id, Change change) throws IOException {
        try {
            return store.update(Store.Collection.SESSIONS, id, StreamSession.class, (current, blobs) -> {
                if (current.expired(Instant.now())) {
                    throw new NoSuchFileException(id);
                }
                return change.apply(current);
            });
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    @Override
    public boolean remove(String id) throws IOException {
        boolean existed = store.get(Store.Collection.SESSIONS, id, StreamSession.class).isPresent();
        store.delete(Store.Collection.SESSIONS, id);
        return existed;
    }
}
