package org.rnnservice.models.sessions;

import java.time.Instant;

/** A session as the API shows it: its model version, the steps it has seen, and when it expires unless used. */
public record SessionView(String sessionId, String modelId, int modelVersion, Instant createdAt, long stepsSeen,
                          long idleTimeoutSeconds, Instant expiresAt) {

    static SessionView of(StreamSession s) {
        return new SessionView(s.id(), s.modelId(), s.modelVersion(), s.createdAt(), s.stepsSeen(),
                s.idleTimeout().toSeconds(), s.expiresAt());
    }
}
