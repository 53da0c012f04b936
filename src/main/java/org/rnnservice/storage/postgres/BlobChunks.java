package org.rnnservice.storage.postgres;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.List;
import org.rnnservice.storage.TensorFile;

/**
 * Tensor blobs in the {@code blobs} table: the file store's checksummed format cut in chunks of {@link #CHUNK}
 * bytes, so that no single value approaches PostgreSQL's 1 GB limit; written, read and deleted whole, within the
 * caller's transaction.
 */
final class BlobChunks {

    static final int CHUNK = 8 << 20;

    private BlobChunks() {
    }

    /** Replaces blob {@code blob} of document {@code collection/id} with {@code tensors}. */
    static void write(Connection conn, String collection, String id, String blob, List<TensorFile.Entry> tensors)
            throws SQLException, IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        TensorFile.write(bytes, tensors);
        byte[] all = bytes.toByteArray();
        delete(conn, collection, id, blob);
        try (PreparedStatement s = conn.prepareStatement(
                "INSERT INTO blobs (collection, id, blob, chunk, data) VALUES (?, ?, ?, ?, ?)")) {
            for (int chunk = 0, from = 0; from < all.length || chunk == 0; chunk++, from += CHUNK) {
                s.setString(1, collection);
                s.setString(2, id);
                s.setString(3, blob);
                s.setInt(4, chunk);
                s.setBytes(5, Arrays.copyOfRange(all, from, Math.min(all.length, from + CHUNK)));
                s.executeUpdate();
            }
        }
    }

    /** The blob's bytes, its chunks in order, or null when there is none. */
    static byte[] read(Connection conn, String collection, String id, String blob) throws SQLException {
        try (PreparedStatement s = conn.prepareStatement(
                "SELECT data FROM blobs WHERE collection = ? AND id = ? AND blob = ? ORDER BY chunk")) {
            s.setString(1, collection);
            s.setString(2, id);
            s.setString(3, blob);
            try (ResultSet rs = s.executeQuery()) {
                ByteArrayOutputStream out = null;
                while (rs.next()) {
                    out = out == null ? new ByteArrayOutputStream() : out;
                    out.writeBytes(rs.getBytes(1));
                }
                return out == null ? null : out.toByteArray();
            }
        }
    }

    static void delete(Connection conn, String collection, String id, String blob) throws SQLException {
        try (PreparedStatement s = conn.prepareStatement(
                "DELETE FROM blobs WHERE collection = ? AND id = ? AND blob = ?")) {
            s.setString(1, collection);
            s.setString(2, id);
            s.setString(3, blob);
            s.executeUpdate();
        }
    }
}
