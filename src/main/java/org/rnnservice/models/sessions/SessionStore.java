package org.rnnservice.models.sessions;

import java.io.IOException;

/**
 * Where open sessions live: in this process's memory with one service, or in the shared store with several
 * replicas, so that any replica behind the load balancer continues any stream.
 */
interface SessionStore {

    /** Adds a session unless {@code max} are open (false). */
    boolean add(StreamSession session, int max) throws IOException;

    /** The session, or null when it does not exist or has expired. */
    StreamSession get(String id) throws IOException;

    /** What a session becomes after a chunk; runs with no other change of the same session in between. */
    interface Change {
        StreamSession apply(StreamSession current) throws IOException;
    }

    /** Applies {@code change} to a live session as one step; null when it does not exist or has expired. */
    StreamSession update(String id, Change change) throws IOException;

    /** Ends a session; false when there was none. */
    boolean remove(String id) throws IOException;
}
