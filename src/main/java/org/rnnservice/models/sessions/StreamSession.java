package org.rnnservice.models.sessions;

import java.time.Duration;
import java.time.Instant;

/**
 * One stream's session: the model version it is pinned to, how many steps it has seen, and the recurrent state
 * after them (one array per state tensor, in {@code StreamingPredictor.stateSizes()} order; null before any step).
 */
record StreamSession(String id, String modelId, int modelVersion, Instant createdAt, Instant lastUsedAt,
                     Duration idleTimeout, long stepsSeen, float[][] states) {

    Instant expiresAt() {
        return lastUsedAt.plus(idleTimeout);
    }

    boolean expired(Instant now) {
        return !expiresAt().isAfter(now);
    }

    StreamSession advanced(int steps, float[][] next, Instant now) {
        return new StreamSession(id, modelId, modelVersion, createdAt, now, idleTimeout, stepsSeen + steps, next);
    }
}
