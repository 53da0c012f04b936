package org.rnnservice.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;

/** The file store's promises: damaged files are refused, never served; newer formats are refused; deletes are whole. */
class FileStoreTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @TempDir
    Path dir;

    @Test
    void tensorsRoundTripAndATornFileIsRefused() throws IOException {
        FileStore store = new FileStore(dir, JSON);
        assertFalse(store.shared(), "one process writes a file store");
        float[] w = {1.5f, -2f, 3.25f, 0f, 7f, 8f};
        store.putTensors(Store.Collection.MODELS, "m1", "weights/v0",
                List.of(TensorFile.Entry.of("dense/kernel", w, 2, 3)));
        Map<String, TensorFile.Entry> back = store.getTensors(Store.Collection.MODELS, "m1", "weights/v0");
        assertArrayEquals(w, back.get("dense/kernel").floats());
        assertArrayEquals(new int[] {2, 3}, back.get("dense/kernel").shape());

        Path file = dir.resolve("models/m1/weights/v0.bin");
        byte[] whole = Files.readAllBytes(file);
        for (int cut : new int[] {0, 3, whole.length / 2, whole.length - 1}) {
            Files.write(file, java.util.Arrays.copyOf(whole, cut)); // a write torn at `cut` bytes
            assertThrows(CorruptFileException.class,
                    () -> store.getTensors(Store.Collection.MODELS, "m1", "weights/v0"), "cut at " + cut);
        }
        byte[] flipped = whole.clone();
        flipped[whole.length / 2] ^= 0x10; // one bit changed on disk
        Files.write(file, flipped);
        assertThrows(CorruptFileException.class, () -> store.getTensors(Store.Collection.MODELS, "m1", "weights/v0"));
    }

    @Test
    void tensorsLargerThanTheReadBufferRoundTripAndAFlippedBitInTheirMiddleIsFound() throws IOException {
        FileStore store = new FileStore(dir, JSON);
        java.util.Random rng = new java.util.Random(5);
        float[] column = new float[100_003];
        int[] tokens = new int[70_001];
        double[] sums = new double[30_000];
        for (int i = 0; i < column.length; i++) {
            column[i] = (float) rng.nextGaussian();
        }
        for (int i = 0; i < tokens.length; i++) {
            tokens[i] = rng.nextInt();
        }
        for (int i = 0; i < sums.length; i++) {
            sums[i] = rng.nextGaussian();
        }
        store.putTensors(Store.Collection.DATASETS, "big", "data", List.of(TensorFile.Entry.of("column_0", column,
                column.length), TensorFile.Entry.of("tokens", tokens, tokens.length),
                TensorFile.Entry.of("sums", sums, sums.length)));
        Map<String, TensorFile.Entry> back = store.getTensors(Store.Collection.DATASETS, "big", "data");
        assertArrayEquals(column, back.get("column_0").floats());
        assertArrayEquals(tokens, back.get("tokens").ints());
        assertArrayEquals(sums, back.get("sums").doubles());

        Path file = dir.resolve("datasets/big/data.bin");
        byte[] flipped = Files.readAllBytes(file);
        flipped[flipped.length / 3] ^= 0x01;
        Files.write(file, flipped);
        assertThrows(CorruptFileException.class, () -> store.getTensors(Store.Collection.DATASETS, "big", "data"));
    }

    @Test
    void aNameFindsItsDocumentThroughTheIndexAndIsFreeAgainOnceDeleted() throws IOException {
        FileStore store = new FileStore(dir, JSON);
        store.create(Store.Collection.MODELS, "m1", "tutorial", Map.of("id", "m1", "name", "tutorial"));
        store.create(Store.Collection.MODELS, "m2", "other", Map.of("id", "m2", "name", "other"));
        assertEquals(java.util.Optional.of("m1"), store.idNamed(Store.Collection.MODELS, "tutorial"));
        assertThrows(NameTakenException.class, () -> store.create(Store.Collection.MODELS, "m3", "tutorial",
                Map.of("id", "m3", "name", "tutorial")));
        // a new process builds the index from the documents on disk
        FileStore reopened = new FileStore(dir, JSON);
        assertEquals(java.util.Optional.of("m2"), reopened.idNamed(Store.Collection.MODELS, "other"));
        reopened.delete(Store.Collection.MODELS, "m1");
        assertEquals(java.util.Optional.empty(), reopened.idNamed(Store.Collection.MODELS, "tutorial"));
        reopened.create(Store.Collection.MODELS, "m4", "tutorial", Map.of("id", "m4", "name", "tutorial"));
        assertEquals(java.util.Optional.of("m4"), reopened.idNamed(Store.Collection.MODELS, "tutorial"));
    }

    @Test
    void pagesAreReadNewestFirstFromTheIndexAndAfterAReopen() throws Exception {
        PagingContract.pagesNewestFirst(new FileStore(dir, JSON));
        Store.Slice<Map> reopened = new FileStore(dir, JSON).page(Store.Collection.MODELS, Map.class, 0, 10);
        assertEquals(List.of("e", "b", "d", "a"), reopened.items().stream().map(m -> m.get("id")).toList());
    }

    record Doc(String id, int value) {
    }

    @Test
    void aTornDocumentIsNotServedAndListingsSkipIt() throws IOException {
        FileStore store = new FileStore(dir, JSON);
        store.put(Store.Collection.JOBS, "a", new Doc("a", 1));
        store.put(Store.Collection.JOBS, "b", new Doc("b", 2));
        Files.writeString(dir.resolve("jobs/b.json"), "{\"id\": \"b\", \"val");
        assertThrows(CorruptFileException.class, () -> store.get(Store.Collection.JOBS, "b", Doc.class));
        assertEquals(List.of(new Doc("a", 1)), store.list(Store.Collection.JOBS, Doc.class));
    }

    @Test
    void leftoverTempFilesAreCleanedAndNewerFormatsRefused() throws IOException {
        new FileStore(dir, JSON);
        Path temp = dir.resolve("models/m/.model.json.1234" + AtomicFiles.TEMP_SUFFIX);
        Files.createDirectories(temp.getParent());
        Files.writeString(temp, "half");
        new FileStore(dir, JSON);
        assertFalse(Files.exists(temp));

        Files.writeString(dir.resolve("format.json"), "{\"format\": \"rnn-service-data\", \"version\": 99}");
        IOException e = assertThrows(IOException.class, () -> new FileStore(dir, JSON));
        assertTrue(e.getMessage().contains("version 99"), e.getMessage());
        assertTrue(Files.exists(dir.resolve("models/m")), "a refused directory is left untouched");
    }

    @Test
    void deletionRemovesTheWholeEntity() throws IOException {
        FileStore store = new FileStore(dir, JSON);
        store.putTensors(Store.Collection.DATASETS, "d1", "data", List.of(TensorFile.Entry.of("x", new float[2], 2)));
        store.put(Store.Collection.DATASETS, "d1", new Doc("d1", 1));
        store.delete(Store.Collection.DATASETS, "d1");
        assertTrue(store.get(Store.Collection.DATASETS, "d1", Doc.class).isEmpty());
        try (var files = Files.list(dir.resolve("datasets"))) {
            assertEquals(0, files.count());
        }
    }
}
