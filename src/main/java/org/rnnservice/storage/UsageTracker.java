package org.rnnservice.storage;

import java.util.HashMap;
import java.util.Map;
import org.springframework.stereotype.Component;

/**
 * Which models and datasets queued or running jobs hold, so that deleting one of them is refused (409) rather than
 * pulled from under a job. Acquiring and deleting take the same lock, so neither can slip between the other's check
 * and act.
 */
@Component
public class UsageTracker {

    private final Map<String, Integer> holds = new HashMap<>();

    private static String key(Store.Collection c, String id) {
        return c + "/" + id;
    }

    /** Holds the entity if {@code exists} still says it exists; returns whether it was held. */
    public synchronized boolean acquire(Store.Collection c, String id, java.util.function.BooleanSupplier exists) {
        if (!exists.getAsBoolean()) {
            return false;
        }
        holds.merge(key(c, id), 1, Integer::sum);
        return true;
    }

    public synchronized void release(Store.Collection c, String id) {
        holds.computeIfPresent(key(c, id), (k, n) -> n > 1 ? n - 1 : null);
    }

    /** Runs {@code deletion} only if no job holds the entity; returns whether it ran. */
    public synchronized boolean deleteIfUnused(Store.Collection c, String id, IoAction deletion)
            throws java.io.IOException {
        if (holds.containsKey(key(c, id))) {
            return false;
        }
        deletion.run();
        return true;
    }

    /** An action on the store. */
    @FunctionalInterface
    public interface IoAction {
        void run() throws java.io.IOException;
    }
}
