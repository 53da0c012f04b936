package org.rnnservice.models.sessions;

import java.io.IOException;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Sessions in this process's memory, for one service: expired ones are dropped as they are met and when adding. Each
 * session has its own lock, so chunks of different streams never wait for each other here (they may share a batch).
 */
final class MemorySessions implements SessionStore {

    /** One session, changed under its own monitor; null once it ended. */
    private static final class Slot {
        StreamSession session;

        Slot(StreamSession session) {
            this.session = session;
        }
    }

    private final Map<String, Slot> sessions = new ConcurrentHashMap<>();

    @Override
    public synchronized boolean add(StreamSession session, int max) {
        if (sessions.size() >= max) {
            Instant now = Instant.now();
            sessions.values().removeIf(s -> {
                synchronized (s) {
                    return s.session == null || s.session.expired(now);
                }
            });
        }
        if (sessions.size() >= max) {
            return false;
        }
        sessions.put(session.id(), new Slot(session));
        return true;
    }

    @Override
    public StreamSession get(String id) {
        Slot slot = sessions.get(id);
        if (slot == null) {
            return null;
        }
        synchronized (slot) {
            if (slot.session != null && slot.session.expired(Instant.now())) {
                slot.session = null;
                sessions.remove(id, slot);
            }
            return slot.session;
        }
    }

    @Override
    public StreamSession update(String id, Change change) throws IOException {
        Slot slot = sessions.get(id);
        if (slot == null) {
            return null;
        }
        synchronized (slot) {
            if (slot.session == null || slot.session.expired(Instant.now())) {
                return null;
            }
            slot.session = change.apply(slot.session);
            return slot.session;
        }
    }

    @Override
    public boolean remove(String id) {
        Slot slot = sessions.remove(id);
        if (slot == null) {
            return false;
        }
        synchronized (slot) {
            boolean live = slot.session != null;
            slot.session = null;
            return live;
        }
    }
}
