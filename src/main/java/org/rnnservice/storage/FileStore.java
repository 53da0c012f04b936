package org.rnnservice.storage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The embedded {@link Store}: plain files a person can read, under one data directory.
 * <pre>
 * format.json                      which layout version wrote this directory
 * models/{id}/model.json           definition and metadata; models/{id}/weights/v{n}.bin weight versions
 * datasets/{id}/dataset.json       metadata; datasets/{id}/data.bin the arrays
 * jobs/{id}.json                   a job with its progress and history; jobs/{id}.checkpoint.bin its last checkpoint
 * </pre>
 */
public final class FileStore implements Store {

    @Override
    public boolean shared() {
        return false;
    }

    /** The layout version this code writes and reads. */
    public static final int FORMAT_VERSION = 1;

    private static final Logger LOG = LoggerFactory.getLogger(FileStore.class);
    private static final Pattern SAFE_ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    private static final Pattern SAFE_BLOB = Pattern.compile("[A-Za-z0-9_-]{1,64}(/[A-Za-z0-9_-]{1,64})?");

    private final Path root;
    private final JsonMapper mapper;
    private final Object indexes = new Object();
    /** Per collection, the id of each name, read from the documents on first use and kept here after: guarded by indexes. */
    private final Map<Collection, Map<String, String>> nameIndex = new java.util.EnumMap<>(Collection.class);
    /** Per collection, its ids newest first, likewise. */
    private final Map<Collection, CreationOrder> creationOrders = new java.util.EnumMap<>(Collection.class);
    private final Map<String, Object> documentLocks = new java.util.concurrent.ConcurrentHashMap<>();
    private final Map<String, java.util.Set<Ref>> holds = new java.util.HashMap<>();

    /**
     * Opens (creating if new) the data directory. Refuses, without touching anything, a directory it cannot read
     * or write, or one written by a newer format; removes temp files a crash left behind.
     */
    public FileStore(Path root, JsonMapper mapper) throws IOException {
        this.root = root.toAbsolutePath().normalize();
        // documents written by an older build of the same format may lack or carry fields: read them leniently
        this.mapper = mapper.rebuild().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();
        Files.createDirectories(this.root);
        if (!Files.isReadable(this.root) || !Files.isWritable(this.root)) {
            throw new IOException("data directory " + this.root + " is not readable and writable");
        }
        Path format = this.root.resolve("format.json");
        if (Files.exists(format)) {
            int version;
            try {
                version = mapper.readTree(format.toFile()).path("version").asInt(-1);
            } catch (JacksonException e) {
                throw new IOException("cannot read " + format + ": " + e.getOriginalMessage(), e);
            }
            if (version < 1 || version > FORMAT_VERSION) {
                throw new IOException("data directory " + this.root + " has format version " + version
                        + "; this build reads version " + FORMAT_VERSION + ". Use a newer rnn-service");
            }
        } else {
            AtomicFiles.write(format, mapper.writeValueAsBytes(
                    Map.of("format", "rnn-service-data", "version", FORMAT_VERSION)));
        }
        int cleaned = AtomicFiles.cleanLeftovers(this.root);
        if (cleaned > 0) {
            LOG.info("Removed {} unfinished temp files from {}", cleaned, this.root);
        }
    }

    public Path root() {
        return root;
    }

    private Path collectionDir(Collection c) {
        return root.resolve(c.name().toLowerCase(java.util.Locale.ROOT));
    }

    private static String checkId(String id) {
        if (id == null || !SAFE_ID.matcher(id).matches()) {
            throw new IllegalArgumentException("invalid id");
        }
        return id;
    }

    private Path documentPath(Collection c, String id) {
        checkId(id);
        return switch (c) {
            case MODELS -> collectionDir(c).resolve(id).resolve("model.json");
            case DATASETS -> collectionDir(c).resolve(id).resolve("dataset.json");
            case JOBS, CANCELS, TUNING_JOBS, SESSIONS -> collectionDir(c).resolve(id + ".json");
        };
    }

    private Path blobPath(Collection c, String id, String blob) {
        checkId(id);
        if (!SAFE_BLOB.matcher(blob).matches()) {
            throw new IllegalArgumentException("invalid blob name " + blob);
        }
        return c.flat()
                ? collectionDir(c).resolve(id + "." + blob + ".bin")
                : collectionDir(c).resolve(id).resolve(blob + ".bin");
    }

    @Override
    public void put(Collection c, String id, Object document) throws IOException {
        AtomicFiles.write(documentPath(c, id), out -> mapper.writerWithDefaultPrettyPrinter().writeValue(out, document));
        synchronized (indexes) {
            CreationOrder order = creationOrders.get(c);
            if (order != null && !order.contains(id)) {
                order.add(id, created(c, mapper.valueToTree(document)));
            }
        }
    }

    @Override
    public <T> Optional<T> get(Collection c, String id, Class<T> type) throws IOException {
        if (id == null || !SAFE_ID.matcher(id).matches()) {
            return Optional.empty();
        }
        Path path = documentPath(c, id);
        try {
            return Optional.of(mapper.readValue(path.toFile(), type));
        } catch (JacksonException e) {
            if (!Files.exists(path)) {
                return Optional.empty();
            }
            throw new CorruptFileException(path, e.getOriginalMessage());
        }
    }

    @Override
    public <T> List<T> list(Collection c, Class<T> type) throws IOException {
        Path dir = collectionDir(c);
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        List<T> out = new ArrayList<>();
        try (Stream<Path> entries = Files.list(dir)) {
            for (Path p : entries.sorted().toList()) {
                String name = p.getFileName().toString();
                String id = c.flat()
                        ? (name.endsWith(".json") ? name.substring(0, name.length() - 5) : null)
                        : (Files.isDirectory(p) ? name : null);
                if (id == null || !SAFE_ID.matcher(id).matches()) {
                    continue;
                }
                try {
                    get(c, id, type).ifPresent(out::add);
                } catch (CorruptFileException e) {
                    LOG.error("Skipping damaged document: {}", e.getMessage());
                }
            }
        }
        return out;
    }

    @Override
    public <T> Slice<T> page(Collection c, Class<T> type, long offset, int limit) throws IOException {
        List<String> ids;
        int total;
        synchronized (indexes) {
            CreationOrder order = creationOrderOf(c);
            ids = order.ids(offset, limit);
            total = order.size();
        }
        List<T> items = new ArrayList<>(ids.size());
        for (String id : ids) {
            try {
                get(c, id, type).ifPresent(items::add);
            } catch (CorruptFileException e) {
                LOG.error("Skipping damaged document: {}", e.getMessage());
            }
        }
        return new Slice<>(items, total);
    }

    /** The creation order of a collection, built from its documents the first time. */
    private CreationOrder creationOrderOf(Collection c) throws IOException {
        CreationOrder order = creationOrders.get(c);
        if (order == null) {
            order = new CreationOrder();
            for (JsonNode document : list(c, JsonNode.class)) {
                JsonNode id = document.get("id");
                if (id != null && id.isString()) {
                    order.add(id.asString(), created(c, document));
                }
            }
            creationOrders.put(c, order);
        }
        return order;
    }

    /** When a document's entity was created, as its {@link Collection#createdField} says (ISO-8601), or null. */
    private static Instant created(Collection c, JsonNode document) {
        JsonNode value = c.createdField() == null ? null : document.get(c.createdField());
        return value != null && value.isString() ? Instant.parse(value.asString()) : null;
    }

    @Override
    public void delete(Collection c, String id) throws IOException {
        synchronized (indexes) {
            Map<String, String> index = nameIndex.get(c);
            if (index != null) {
                index.values().remove(id);
            }
            CreationOrder order = creationOrders.get(c);
            if (order != null) {
                order.remove(id);
            }
        }
        if (c.flat()) {
            // the document goes first: without it the job no longer exists, whatever blobs remain
            AtomicFiles.delete(documentPath(c, id));
            try (Stream<Path> entries = Files.list(collectionDir(c))) {
                for (Path p : entries.filter(p -> p.getFileName().toString().startsWith(id + ".")).toList()) {
                    AtomicFiles.delete(p);
                }
            }
        } else {
            AtomicFiles.deleteTree(collectionDir(c).resolve(checkId(id)));
        }
    }

    @Override
    public void putTensors(Collection c, String id, String blob, List<TensorFile.Entry> tensors) throws IOException {
        TensorFile.write(blobPath(c, id, blob), tensors);
    }

    @Override
    public Map<String, TensorFile.Entry> getTensors(Collection c, String id, String blob) throws IOException {
        Path path = blobPath(c, id, blob);
        if (!Files.exists(path)) {
            throw new NoSuchFileException(path.toString());
        }
        return TensorFile.read(path);
    }

    @Override
    public void deleteTensors(Collection c, String id, String blob) throws IOException {
        AtomicFiles.delete(blobPath(c, id, blob));
    }

    // One process owns a data directory, so the rules that PostgresStore keeps in the database are kept here under
    // this process's locks.

    @Override
    public void create(Collection c, String id, String name, Object document) throws IOException {
        synchronized (indexes) {
            Map<String, String> index = namesOf(c);
            if (index.containsKey(name)) {
                throw new NameTakenException(name);
            }
            put(c, id, document);
            index.put(name, checkId(id));
        }
    }

    @Override
    public Optional<String> idNamed(Collection c, String name) throws IOException {
        synchronized (indexes) {
            return Optional.ofNullable(namesOf(c).get(name));
        }
    }

    /** The name index of a collection, built from its documents' {@code name} and {@code id} the first time. */
    private Map<String, String> namesOf(Collection c) throws IOException {
        Map<String, String> index = nameIndex.get(c);
        if (index == null) {
            index = new java.util.HashMap<>();
            for (Map<?, ?> document : list(c, Map.class)) {
                if (document.get("name") instanceof String n && document.get("id") instanceof String i) {
                    index.put(n, i);
                }
            }
            nameIndex.put(c, index);
        }
        return index;
    }

    @Override
    public <T> T update(Collection c, String id, Class<T> type, Change<T> change) throws IOException {
        synchronized (documentLocks.computeIfAbsent(c + "/" + checkId(id), k -> new Object())) {
            T current = get(c, id, type).orElseThrow(() -> new NoSuchFileException(c + "/" + id));
            T next = change.apply(current, new Blobs() {
                @Override
                public void put(String blob, List<TensorFile.Entry> tensors) throws IOException {
                    putTensors(c, id, blob, tensors);
                }

                @Override
                public void delete(String blob) throws IOException {
                    deleteTensors(c, id, blob);
                }
            });
            put(c, id, next); // last: until the document says so, a new blob is not part of it
            return next;
        }
    }

    @Override
    public boolean hold(String holder, List<Ref> entities) throws IOException {
        synchronized (holds) {
            for (Ref r : entities) {
                if (get(r.collection(), r.id(), Map.class).isEmpty()) {
                    return false;
                }
            }
            holds.computeIfAbsent(holder, k -> new java.util.HashSet<>()).addAll(entities);
            return true;
        }
    }

    @Override
    public void release(String holder) {
        synchronized (holds) {
            holds.remove(holder);
        }
    }

    @Override
    public boolean deleteUnlessHeld(Collection c, String id) throws IOException {
        synchronized (holds) {
            Ref entity = new Ref(c, id);
            if (holds.values().stream().anyMatch(held -> held.contains(entity))) {
                return false;
            }
            delete(c, id);
            return true;
        }
    }
}
