package org.rnnservice.storage.postgres;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.NoSuchFileException;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.rnnservice.storage.CorruptFileException;
import org.rnnservice.storage.Store;
import org.rnnservice.storage.TensorFile;
import tools.jackson.databind.json.JsonMapper;

/** The PostgreSQL store against a real PostgreSQL: the file store's contract, whole writes, checksums and formats. */
class PostgresStoreTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private DataSource dataSource;
    private PostgresStore store;

    record Doc(String name, int n) {
    }

    @BeforeEach
    void database() throws Exception {
        dataSource = TestPostgres.freshDatabase().dataSource();
        Flyway.configure().dataSource(dataSource).locations("classpath:db/migration").load().migrate();
        store = new PostgresStore(dataSource, JSON);
    }

    @Test
    void documentsAreStoredReplacedListedAndDeleted() throws Exception {
        assertTrue(store.shared(), "replicas share a PostgreSQL store");
        store.create(Store.Collection.MODELS, "named", "tutorial", new Doc("named", 0));
        assertEquals(java.util.Optional.of("named"), store.idNamed(Store.Collection.MODELS, "tutorial"));
        assertEquals(java.util.Optional.empty(), store.idNamed(Store.Collection.MODELS, "nobody"));
        store.delete(Store.Collection.MODELS, "named");
        store.put(Store.Collection.MODELS, "a", new Doc("first", 1));
        store.put(Store.Collection.MODELS, "a", new Doc("second", 2));
        store.put(Store.Collection.MODELS, "b", new Doc("other", 3));
        store.put(Store.Collection.JOBS, "a", new Doc("a job", 4));
        assertEquals(new Doc("second", 2), store.get(Store.Collection.MODELS, "a", Doc.class).orElseThrow());
        assertEquals(List.of(new Doc("second", 2), new Doc("other", 3)), store.list(Store.Collection.MODELS, Doc.class));
        assertTrue(store.get(Store.Collection.DATASETS, "a", Doc.class).isEmpty());
        store.putTensors(Store.Collection.MODELS, "a", "weights-1", List.of(TensorFile.Entry.of("w", new float[] {1}, 1)));
        store.delete(Store.Collection.MODELS, "a");
        assertTrue(store.get(Store.Collection.MODELS, "a", Doc.class).isEmpty());
        assertThrows(NoSuchFileException.class, () -> store.getTensors(Store.Collection.MODELS, "a", "weights-1"));
        assertEquals(new Doc("a job", 4), store.get(Store.Collection.JOBS, "a", Doc.class).orElseThrow());
    }

    @Test
    void pagesAreReadNewestFirstByTheDatabase() throws Exception {
        org.rnnservice.storage.PagingContract.pagesNewestFirst(store);
    }

    @Test
    void tensorsComeBackExactlyAcrossChunks() throws Exception {
        // more than two chunks of float data, plus ints and doubles
        float[] big = new float[(BlobChunks.CHUNK / 4) * 2 + 1234];
        for (int i = 0; i < big.length; i++) {
            big[i] = (float) Math.sin(i);
        }
        List<TensorFile.Entry> tensors = List.of(TensorFile.Entry.of("kernel", big, big.length),
                TensorFile.Entry.of("tokens", new int[] {3, 1, 4}, 3),
                TensorFile.Entry.of("history", new double[] {0.5, 0.25}, 2));
        store.putTensors(Store.Collection.DATASETS, "d", "data", tensors);
        Map<String, TensorFile.Entry> back = store.getTensors(Store.Collection.DATASETS, "d", "data");
        assertArrayEquals(big, back.get("kernel").floats());
        assertArrayEquals(new int[] {3, 1, 4}, back.get("tokens").ints());
        assertArrayEquals(new double[] {0.5, 0.25}, back.get("history").doubles());
        store.putTensors(Store.Collection.DATASETS, "d", "data", List.of(TensorFile.Entry.of("x", new float[] {7}, 1)));
        assertEquals(List.of("x"), List.copyOf(store.getTensors(Store.Collection.DATASETS, "d", "data").keySet()),
                "a blob is replaced whole, no chunk of the old one left");
        store.deleteTensors(Store.Collection.DATASETS, "d", "data");
        assertThrows(NoSuchFileException.class, () -> store.getTensors(Store.Collection.DATASETS, "d", "data"));
    }

    @Test
    void aDamagedBlobOrDocumentIsRefusedNotServed() throws Exception {
        store.putTensors(Store.Collection.MODELS, "m", "weights-0", List.of(TensorFile.Entry.of("w",
                new float[] {1, 2, 3}, 3)));
        store.put(Store.Collection.MODELS, "m", new Doc("ok", 1));
        store.put(Store.Collection.MODELS, "n", new Doc("fine", 2));
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.executeUpdate("UPDATE blobs SET data = set_byte(data, 20, get_byte(data, 20) # 1)");
            s.executeUpdate("UPDATE documents SET body = convert_to('{\"name\": ', 'UTF8') WHERE id = 'm'");
        }
        assertThrows(CorruptFileException.class, () -> store.getTensors(Store.Collection.MODELS, "m", "weights-0"));
        assertThrows(CorruptFileException.class, () -> store.get(Store.Collection.MODELS, "m", Doc.class));
        assertEquals(List.of(new Doc("fine", 2)), store.list(Store.Collection.MODELS, Doc.class),
                "a listing skips the damaged document");
    }

    @Test
    void aReaderNeverSeesHalfABlob() throws Exception {
        float[] a = new float[BlobChunks.CHUNK / 2];
        float[] b = new float[BlobChunks.CHUNK / 2];
        java.util.Arrays.fill(a, 1f);
        java.util.Arrays.fill(b, 2f);
        store.putTensors(Store.Collection.MODELS, "m", "w", List.of(TensorFile.Entry.of("w", a, a.length)));
        CountDownLatch writing = new CountDownLatch(1);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread writer = new Thread(() -> {
            try {
                writing.countDown();
                for (int i = 0; i < 10; i++) {
                    float[] v = i % 2 == 0 ? b : a;
                    store.putTensors(Store.Collection.MODELS, "m", "w", List.of(TensorFile.Entry.of("w", v, v.length)));
                }
            } catch (Throwable t) {
                failure.set(t);
            }
        });
        writer.start();
        writing.await();
        List<Float> seen = new ArrayList<>();
        while (writer.isAlive()) {
            float[] read = store.getTensors(Store.Collection.MODELS, "m", "w").get("w").floats();
            assertEquals(read[0], read[read.length - 1], "one whole blob");
            seen.add(read[0]);
        }
        writer.join();
        assertEquals(null, failure.get());
        assertTrue(!seen.isEmpty());
    }

    @Test
    void dataOfANewerFormatIsRefusedByName() throws Exception {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.executeUpdate("UPDATE store_format SET version = 99");
        }
        Exception e = assertThrows(java.io.IOException.class, () -> new PostgresStore(dataSource, JSON));
        assertTrue(e.getMessage().contains("format version 99"), e.getMessage());
    }
}
