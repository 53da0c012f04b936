package org.rnnservice.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.util.List;
import java.util.Map;

/** What every store's {@link Store#page} does, whichever store: the tests of each store run it on theirs. */
public final class PagingContract {

    private PagingContract() {
    }

    private static void put(Store store, String id, String created) throws IOException {
        store.put(Store.Collection.MODELS, id, Map.of("id", id, "created_at", created, "note", "first"));
    }

    private static List<String> ids(Store store, long offset, int limit, int total) throws IOException {
        Store.Slice<Map> page = store.page(Store.Collection.MODELS, Map.class, offset, limit);
        assertEquals(total, page.total(), "total");
        return page.items().stream().map(m -> (String) m.get("id")).toList();
    }

    /** Newest first by {@code created_at}, ties by id; total counted; puts and deletes seen by the next page. */
    public static void pagesNewestFirst(Store store) throws IOException {
        put(store, "b", "2026-03-01T00:00:00Z");
        put(store, "a", "2026-01-01T00:00:00Z");
        put(store, "d", "2026-02-01T00:00:00.5Z");
        put(store, "c", "2026-02-01T00:00:00.500Z");
        assertEquals(List.of("b", "c"), ids(store, 0, 2, 4));
        assertEquals(List.of("d", "a"), ids(store, 2, 2, 4));
        assertEquals(List.of(), ids(store, 4, 2, 4));
        store.put(Store.Collection.MODELS, "b", Map.of("id", "b", "created_at", "2026-03-01T00:00:00Z", "note", "2"));
        store.delete(Store.Collection.MODELS, "c");
        put(store, "e", "2027-01-01T00:00:00Z");
        assertEquals(List.of("e", "b", "d", "a"), ids(store, 0, 10, 4));
        assertEquals("2", store.page(Store.Collection.MODELS, Map.class, 1, 1).items().get(0).get("note"),
                "a replaced document keeps its place and shows its new content");
        assertEquals(List.of(), store.page(Store.Collection.DATASETS, Map.class, 0, 10).items());
    }
}
