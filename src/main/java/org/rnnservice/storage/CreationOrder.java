package org.rnnservice.storage;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The ids of one collection of the file store, newest first by the time their entity was created (then by id), so
 * that a page of a listing reads only its own documents. Not thread-safe: the store guards it.
 */
final class CreationOrder {

    private record Key(Instant created, String id) {
    }

    private static final Comparator<Key> NEWEST_FIRST = Comparator
            .comparing(Key::created, Comparator.nullsLast(Comparator.<Instant>reverseOrder()))
            .thenComparing(Key::id);

    private final TreeSet<Key> order = new TreeSet<>(NEWEST_FIRST);
    private final Map<String, Key> byId = new HashMap<>();

    boolean contains(String id) {
        return byId.containsKey(id);
    }

    /** Adds a document's id; an entity's creation time never changes, so a known id stays where it is. */
    void add(String id, Instant created) {
        if (!byId.containsKey(id)) {
            Key key = new Key(created, id);
            byId.put(id, key);
            order.add(key);
        }
    }

    void remove(String id) {
        Key key = byId.remove(id);
        if (key != null) {
            order.remove(key);
        }
    }

    int size() {
        return byId.size();
    }

    /** Up to {@code limit} ids from {@code offset}, newest first. */
    List<String> ids(long offset, int limit) {
        List<String> ids = new ArrayList<>(Math.min(limit, order.size()));
        long skip = offset;
        for (Key key : order) {
            if (ids.size() == limit) {
                break;
            }
            if (skip > 0) {
                skip--;
            } else {
                ids.add(key.id());
            }
        }
        return ids;
    }
}
