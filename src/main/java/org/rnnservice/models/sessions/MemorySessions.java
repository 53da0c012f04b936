package org.rnnservice.models.sessions;

import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Sessions in this process's memory, for one service: expired ones are dropped as they are met and when adding. */
final class MemorySessions implements SessionStore {

    private final Map<String, StreamSession> sessions = new ConcurrentHashMap<>();

    @Override
    public synchronized boolean add(StreamSession session, int max) {
        if (sessions.size() >= max) {
            Instant now = Instant.now();
            sessions.values().removeIf(s -> s.expired(now));
        }
        if (sessions.size() >= max) {
            return false;
        }
        sessions.put(session.id(), session);
        return true;
    }

    @Override
    public StreamSession get(String id) {
        StreamSession s = sessions.get(id);
        if (s != null && s.expired(Instant.now())) {
            sessions.remove(id, s);
            return null;
        }
        return s;
    }

    @Override
    public StreamSession update(String id, Change change) throws java.io.IOException {
        StreamSession[] out = new StreamSession[1];
        java.io.IOException[] failed = new java.io.IOException[1];
        sessions.computeIfPresent(id, (k, current) -> {
            if (current.expired(Instant.now())) {
                return null;
            }
            try {
                out[0] = change.apply(current);
            } catch (java.io.IOException e) {
                failed[0] = e;
                return current;
            }
            return out[0];
        });
        if (failed[0] != null) {
            throw failed[0];
        }
        return out[0];
    }

    @Override
    public boolean remove(String id) {
        return sessions.remove(id) != null;
    }
}
