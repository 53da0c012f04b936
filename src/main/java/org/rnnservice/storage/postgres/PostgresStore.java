package org.rnnservice.storage.postgres;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.NoSuchFileException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;
import org.rnnservice.storage.CorruptFileException;
import org.rnnservice.storage.NameTakenException;
import org.rnnservice.storage.Store;
import org.rnnservice.storage.StoreUnavailableException;
import org.rnnservice.storage.TensorFile;
import org.rnnservice.storage.WriteFence;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * The {@link Store} on PostgreSQL, for several replicas sharing one database: documents as rows, tensor blobs in the
 * file store's checksummed format cut into {@code bytea} chunks. Every write is one transaction, so a reader sees a
 * blob or a document whole or not at all; a damaged blob fails its checksum as a damaged file does.
 */
public final class PostgresStore implements Store {

    @Override
    public boolean shared() {
        return true;
    }

    private static final Logger LOG = LoggerFactory.getLogger(PostgresStore.class);
    /** The data format this build reads and writes; see {@code db/migration}. */
    static final int FORMAT_VERSION = 1;
    /** PostgreSQL's SQLSTATE for a unique index refusing a row. */
    private static final String UNIQUE_VIOLATION = "23505";

    private final DataSource dataSource;
    private final JsonMapper mapper;

    /** A store on a migrated database; fails if its data is of a newer format than this build reads. */
    public PostgresStore(DataSource dataSource, JsonMapper mapper) throws IOException {
        this.dataSource = dataSource;
        this.mapper = mapper;
        int version = query("SELECT max(version) FROM store_format", s -> { }, rs -> rs.next() ? rs.getInt(1) : 0);
        if (version < 1 || version > FORMAT_VERSION) {
            throw new IOException("the database holds rnn-service data of format version " + version
                    + "; this build reads version " + FORMAT_VERSION + ". Use a newer rnn-service");
        }
    }

    private static String key(Collection c) {
        return c.name().toLowerCase(java.util.Locale.ROOT);
    }

    @Override
    public void put(Collection c, String id, Object document) throws IOException {
        byte[] body = mapper.writerWithDefaultPrettyPrinter().writeValueAsBytes(document);
        transaction(conn -> {
            // an entity's creation time never changes: it is kept from the first write
            try (PreparedStatement s = conn.prepareStatement("INSERT INTO documents (collection, id, body, created_at)"
                    + " VALUES (?, ?, ?, (convert_from(?, 'UTF8')::jsonb ->> ?)::timestamptz)"
                    + " ON CONFLICT (collection, id) DO UPDATE SET body = excluded.body, updated_at = now()")) {
                s.setString(1, key(c));
                s.setString(2, id);
                s.setBytes(3, body);
                s.setBytes(4, body);
                s.setString(5, c.createdField());
                s.executeUpdate();
            }
        });
    }

    @Override
    public <T> Optional<T> get(Collection c, String id, Class<T> type) throws IOException {
        byte[] body = query("SELECT body FROM documents WHERE collection = ? AND id = ?", s -> {
            s.setString(1, key(c));
            s.setString(2, id);
        }, rs -> rs.next() ? rs.getBytes(1) : null);
        return body == null ? Optional.empty() : Optional.of(parse(c, id, body, type));
    }

    private <T> T parse(Collection c, String id, byte[] body, Class<T> type) throws CorruptFileException {
        try {
            return mapper.readValue(body, type);
        } catch (JacksonException e) {
            throw new CorruptFileException(key(c) + "/" + id, e.getOriginalMessage());
        }
    }

    @Override
    public <T> List<T> list(Collection c, Class<T> type) throws IOException {
        List<Map.Entry<String, byte[]>> rows = query("SELECT id, body FROM documents WHERE collection = ? ORDER BY id",
                s -> s.setString(1, key(c)), PostgresStore::idsAndBodies);
        return parseAll(c, rows, type);
    }

    @Override
    public <T> Slice<T> page(Collection c, Class<T> type, long offset, int limit) throws IOException {
        int total = query("SELECT count(*) FROM documents WHERE collection = ?", s -> s.setString(1, key(c)),
                rs -> rs.next() ? rs.getInt(1) : 0);
        List<Map.Entry<String, byte[]>> rows = query("SELECT id, body FROM documents WHERE collection = ?"
                + " ORDER BY created_at DESC NULLS LAST, id LIMIT ? OFFSET ?", s -> {
                    s.setString(1, key(c));
                    s.setInt(2, limit);
                    s.setLong(3, offset);
                }, PostgresStore::idsAndBodies);
        return new Slice<>(parseAll(c, rows, type), total);
    }

    private static List<Map.Entry<String, byte[]>> idsAndBodies(ResultSet rs) throws SQLException {
        List<Map.Entry<String, byte[]>> out = new ArrayList<>();
        while (rs.next()) {
            out.add(Map.entry(rs.getString(1), rs.getBytes(2)));
        }
        return out;
    }

    /** The documents of {@code rows}; damaged ones are skipped with a log line. */
    private <T> List<T> parseAll(Collection c, List<Map.Entry<String, byte[]>> rows, Class<T> type) {
        List<T> out = new ArrayList<>();
        for (Map.Entry<String, byte[]> row : rows) {
            try {
                out.add(parse(c, row.getKey(), row.getValue(), type));
            } catch (CorruptFileException e) {
                LOG.error("Skipping damaged document: {}", e.getMessage());
            }
        }
        return out;
    }

    @Override
    public void delete(Collection c, String id) throws IOException {
        transaction(conn -> deleteRows(conn, c, id));
    }

    private static void deleteRows(Connection conn, Collection c, String id) throws SQLException {
        for (String table : List.of("documents", "blobs")) {
            try (PreparedStatement s = conn.prepareStatement("DELETE FROM " + table
                    + " WHERE collection = ? AND id = ?")) {
                s.setString(1, key(c));
                s.setString(2, id);
                s.executeUpdate();
            }
        }
    }

    @Override
    public void putTensors(Collection c, String id, String blob, List<TensorFile.Entry> tensors) throws IOException {
        transaction(conn -> {
            try {
                BlobChunks.write(conn, key(c), id, blob, tensors);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    @Override
    public Map<String, TensorFile.Entry> getTensors(Collection c, String id, String blob) throws IOException {
        String where = key(c) + "/" + id + "/" + blob;
        byte[] all;
        try (Connection conn = dataSource.getConnection()) {
            all = BlobChunks.read(conn, key(c), id, blob);
        } catch (SQLException e) {
            throw failure(e);
        }
        if (all == null) {
            throw new NoSuchFileException(where);
        }
        return TensorFile.read(all, where);
    }

    @Override
    public void deleteTensors(Collection c, String id, String blob) throws IOException {
        transaction(conn -> BlobChunks.delete(conn, key(c), id, blob));
    }

    @Override
    public Optional<String> idNamed(Collection c, String name) throws IOException {
        try (Connection conn = dataSource.getConnection();
             PreparedStatement s = conn.prepareStatement(
                     "SELECT id FROM documents WHERE collection = ? AND name = ?")) {
            s.setString(1, key(c));
            s.setString(2, name);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new StoreUnavailableException("cannot look up " + c + " named " + name, e);
        }
    }

    @Override
    public void create(Collection c, String id, String name, Object document) throws IOException {
        byte[] body = mapper.writerWithDefaultPrettyPrinter().writeValueAsBytes(document);
        try {
            execute("INSERT INTO documents (collection, id, body, name) VALUES (?, ?, ?, ?)", s -> {
                s.setString(1, key(c));
                s.setString(2, id);
                s.setBytes(3, body);
                s.setString(4, name);
            });
        } catch (IOException e) {
            if (e.getCause() instanceof SQLException sql && UNIQUE_VIOLATION.equals(sql.getSQLState())) {
                throw new NameTakenException(name);
            }
            throw e;
        }
    }

    /** The document's row locked (FOR UPDATE) for the transaction: no other update of it runs meanwhile. */
    @Override
    public <T> T update(Collection c, String id, Class<T> type, Change<T> change) throws IOException {
        List<T> written = new ArrayList<>(1);
        transaction(conn -> {
            byte[] body;
            try (PreparedStatement s = conn.prepareStatement(
                    "SELECT body FROM documents WHERE collection = ? AND id = ? FOR UPDATE")) {
                s.setString(1, key(c));
                s.setString(2, id);
                try (ResultSet rs = s.executeQuery()) {
                    body = rs.next() ? rs.getBytes(1) : null;
                }
            }
            try {
                if (body == null) {
                    throw new NoSuchFileException(key(c) + "/" + id);
                }
                T next = change.apply(parse(c, id, body, type), new Blobs() {
                    @Override
                    public void put(String blob, List<TensorFile.Entry> tensors) throws IOException {
                        try {
                            BlobChunks.write(conn, key(c), id, blob, tensors);
                        } catch (SQLException e) {
                            throw new IOException("database: " + e.getMessage(), e);
                        }
                    }

                    @Override
                    public void delete(String blob) throws IOException {
                        try {
                            BlobChunks.delete(conn, key(c), id, blob);
                        } catch (SQLException e) {
                            throw new IOException("database: " + e.getMessage(), e);
                        }
                    }
                });
                try (PreparedStatement s = conn.prepareStatement("UPDATE documents SET body = ?, updated_at = now()"
                        + " WHERE collection = ? AND id = ?")) {
                    s.setBytes(1, mapper.writerWithDefaultPrettyPrinter().writeValueAsBytes(next));
                    s.setString(2, key(c));
                    s.setString(3, id);
                    s.executeUpdate();
                }
                written.add(next);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        return written.get(0);
    }

    /**
     * Each entity's row is locked FOR SHARE while its hold is written, so a deletion (which locks the row FOR UPDATE
     * and then looks for holds) either sees the hold or has removed the row first.
     */
    @Override
    public boolean hold(String holder, List<Ref> entities) throws IOException {
        boolean[] held = {true};
        transaction(conn -> {
            for (Ref r : entities) {
                try (PreparedStatement s = conn.prepareStatement(
                        "SELECT 1 FROM documents WHERE collection = ? AND id = ? FOR SHARE")) {
                    s.setString(1, key(r.collection()));
                    s.setString(2, r.id());
                    try (ResultSet rs = s.executeQuery()) {
                        if (!rs.next()) {
                            held[0] = false;
                            conn.rollback();
                            return;
                        }
                    }
                }
                try (PreparedStatement s = conn.prepareStatement("INSERT INTO holds (holder, collection, id)"
                        + " VALUES (?, ?, ?) ON CONFLICT DO NOTHING")) {
                    s.setString(1, holder);
                    s.setString(2, key(r.collection()));
                    s.setString(3, r.id());
                    s.executeUpdate();
                }
            }
        });
        return held[0];
    }

    @Override
    public void release(String holder) throws IOException {
        transaction(conn -> {
            try (PreparedStatement s = conn.prepareStatement("DELETE FROM holds WHERE holder = ?")) {
                s.setString(1, holder);
                s.executeUpdate();
            }
        });
    }

    @Override
    public boolean deleteUnlessHeld(Collection c, String id) throws IOException {
        boolean[] deleted = {false};
        transaction(conn -> {
            try (PreparedStatement lock = conn.prepareStatement(
                    "SELECT 1 FROM documents WHERE collection = ? AND id = ? FOR UPDATE");
                 PreparedStatement held = conn.prepareStatement(
                         "SELECT 1 FROM holds WHERE collection = ? AND id = ? LIMIT 1")) {
                lock.setString(1, key(c));
                lock.setString(2, id);
                lock.executeQuery().close();
                held.setString(1, key(c));
                held.setString(2, id);
                try (ResultSet rs = held.executeQuery()) {
                    if (rs.next()) {
                        return;
                    }
                }
            }
            deleteRows(conn, c, id);
            deleted[0] = true;
        });
        return deleted[0];
    }

    /**
     * Whether the claim still holds: the job's queue row picked by this replica at the version it picked, locked FOR
     * SHARE until the write commits, so that a takeover (which updates the row) comes wholly before or after it.
     */
    private static boolean holds(Connection conn, WriteFence fence) throws SQLException {
        try (PreparedStatement s = conn.prepareStatement("SELECT 1 FROM scheduled_tasks WHERE task_name = ? AND"
                + " task_instance = ? AND picked AND picked_by = ? AND version = ? FOR SHARE")) {
            s.setString(1, fence.task());
            s.setString(2, fence.instance());
            s.setString(3, fence.owner());
            s.setLong(4, fence.version());
            try (ResultSet rs = s.executeQuery()) {
                return rs.next();
            }
        }
    }

    /**
     * A database error as the store reports it: one that says the database cannot be reached now (no connection
     * within the pool's timeout, a connection lost: SQLSTATE class 08) as {@link StoreUnavailableException}.
     */
    private static IOException failure(SQLException e) {
        boolean unreachable = e instanceof java.sql.SQLTransientConnectionException
                || e.getSQLState() != null && e.getSQLState().startsWith("08");
        return unreachable ? new StoreUnavailableException("database unreachable: " + e.getMessage(), e)
                : new IOException("database: " + e.getMessage(), e);
    }

    private interface Binder {
        void bind(PreparedStatement s) throws SQLException;
    }

    private interface Reader<T> {
        T read(ResultSet rs) throws SQLException;
    }

    private interface Work {
        void run(Connection conn) throws SQLException;
    }

    private <T> T query(String sql, Binder binder, Reader<T> reader) throws IOException {
        try (Connection conn = dataSource.getConnection(); PreparedStatement s = conn.prepareStatement(sql)) {
            binder.bind(s);
            try (ResultSet rs = s.executeQuery()) {
                return reader.read(rs);
            }
        } catch (SQLException e) {
            throw failure(e);
        }
    }

    private void execute(String sql, Binder binder) throws IOException {
        try (Connection conn = dataSource.getConnection(); PreparedStatement s = conn.prepareStatement(sql)) {
            binder.bind(s);
            s.executeUpdate();
        } catch (SQLException e) {
            throw failure(e);
        }
    }

    /**
     * Runs {@code work} in one transaction, after checking the {@link WriteFence} bound to this thread, if any, in
     * the same transaction; an {@link IOException} the work wraps unchecked comes out as itself.
     */
    private void transaction(Work work) throws IOException {
        WriteFence fence = WriteFence.current();
        try (Connection conn = dataSource.getConnection()) {
            boolean auto = conn.getAutoCommit();
            conn.setAutoCommit(false);
            try {
                if (fence != null && !holds(conn, fence)) {
                    conn.rollback();
                    throw new UncheckedIOException(new WriteFence.FencedException(fence));
                }
                work.run(conn);
                conn.commit();
            } catch (SQLException | RuntimeException e) {
                conn.rollback();
                throw e;
            } finally {
                conn.setAutoCommit(auto);
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        } catch (SQLException e) {
            throw failure(e);
        }
    }
}
