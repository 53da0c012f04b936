package org.rnnservice.storage.postgres;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
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
import org.rnnservice.storage.Store;
import org.rnnservice.storage.TensorFile;
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

    private static final Logger LOG = LoggerFactory.getLogger(PostgresStore.class);
    /** The data format this build reads and writes; see {@code db/migration}. */
    static final int FORMAT_VERSION = 1;
    /** Bytes per blob row: large weights span rows, each well below PostgreSQL's limits. */
    static final int CHUNK = 8 << 20;

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
        update("INSERT INTO documents (collection, id, body) VALUES (?, ?, ?) ON CONFLICT (collection, id)"
                + " DO UPDATE SET body = excluded.body, updated_at = now()", s -> {
                    s.setString(1, key(c));
                    s.setString(2, id);
                    s.setBytes(3, body);
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
                s -> s.setString(1, key(c)), rs -> {
                    List<Map.Entry<String, byte[]>> out = new ArrayList<>();
                    while (rs.next()) {
                        out.add(Map.entry(rs.getString(1), rs.getBytes(2)));
                    }
                    return out;
                });
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
        transaction(conn -> {
            for (String table : List.of("documents", "blobs")) {
                try (PreparedStatement s = conn.prepareStatement("DELETE FROM " + table
                        + " WHERE collection = ? AND id = ?")) {
                    s.setString(1, key(c));
                    s.setString(2, id);
                    s.executeUpdate();
                }
            }
        });
    }

    @Override
    public void putTensors(Collection c, String id, String blob, List<TensorFile.Entry> tensors) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        TensorFile.write(bytes, tensors);
        byte[] all = bytes.toByteArray();
        transaction(conn -> {
            deleteBlob(conn, c, id, blob);
            try (PreparedStatement s = conn.prepareStatement(
                    "INSERT INTO blobs (collection, id, blob, chunk, data) VALUES (?, ?, ?, ?, ?)")) {
                for (int chunk = 0, from = 0; from < all.length || chunk == 0; chunk++, from += CHUNK) {
                    s.setString(1, key(c));
                    s.setString(2, id);
                    s.setString(3, blob);
                    s.setInt(4, chunk);
                    s.setBytes(5, java.util.Arrays.copyOfRange(all, from, Math.min(all.length, from + CHUNK)));
                    s.executeUpdate();
                }
            }
        });
    }

    @Override
    public Map<String, TensorFile.Entry> getTensors(Collection c, String id, String blob) throws IOException {
        String where = key(c) + "/" + id + "/" + blob;
        byte[] all = query("SELECT data FROM blobs WHERE collection = ? AND id = ? AND blob = ? ORDER BY chunk", s -> {
            s.setString(1, key(c));
            s.setString(2, id);
            s.setString(3, blob);
        }, rs -> {
            ByteArrayOutputStream out = null;
            while (rs.next()) {
                out = out == null ? new ByteArrayOutputStream() : out;
                out.writeBytes(rs.getBytes(1));
            }
            return out == null ? null : out.toByteArray();
        });
        if (all == null) {
            throw new NoSuchFileException(where);
        }
        return TensorFile.read(all, where);
    }

    @Override
    public void deleteTensors(Collection c, String id, String blob) throws IOException {
        transaction(conn -> deleteBlob(conn, c, id, blob));
    }

    private static void deleteBlob(Connection conn, Collection c, String id, String blob) throws SQLException {
        try (PreparedStatement s = conn.prepareStatement(
                "DELETE FROM blobs WHERE collection = ? AND id = ? AND blob = ?")) {
            s.setString(1, key(c));
            s.setString(2, id);
            s.setString(3, blob);
            s.executeUpdate();
        }
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
            throw new IOException("database: " + e.getMessage(), e);
        }
    }

    private void update(String sql, Binder binder) throws IOException {
        try (Connection conn = dataSource.getConnection(); PreparedStatement s = conn.prepareStatement(sql)) {
            binder.bind(s);
            s.executeUpdate();
        } catch (SQLException e) {
            throw new IOException("database: " + e.getMessage(), e);
        }
    }

    private void transaction(Work work) throws IOException {
        try (Connection conn = dataSource.getConnection()) {
            boolean auto = conn.getAutoCommit();
            conn.setAutoCommit(false);
            try {
                work.run(conn);
                conn.commit();
            } catch (SQLException | RuntimeException e) {
                conn.rollback();
                throw e;
            } finally {
                conn.setAutoCommit(auto);
            }
        } catch (SQLException e) {
            throw new IOException("database: " + e.getMessage(), e);
        }
    }
}
