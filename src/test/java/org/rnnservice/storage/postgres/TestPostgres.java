package org.rnnservice.storage.postgres;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * A real PostgreSQL for tests, started by the tests: Zonky's embedded server (binaries from a Maven jar; run as root,
 * it starts them in a user namespace with {@code unshare -U}, as PostgreSQL itself refuses root), or the server
 * {@code RNN_TEST_POSTGRES_URL} names (with {@code RNN_TEST_POSTGRES_USER} and {@code RNN_TEST_POSTGRES_PASSWORD}).
 * Neither is ever silently skipped: when the embedded server cannot start, the tests fail and say why. Each caller
 * gets a database of its own.
 */
public final class TestPostgres {

    private static EmbeddedPostgres embedded;

    private TestPostgres() {
    }

    /** A fresh, empty database: its JDBC URL, user and password. */
    public record Database(String url, String user, String password) {

        public PGSimpleDataSource dataSource() {
            PGSimpleDataSource ds = new PGSimpleDataSource();
            ds.setUrl(url);
            ds.setUser(user);
            ds.setPassword(password);
            return ds;
        }
    }

    public static synchronized Database freshDatabase() {
        Database server = server();
        String name = "rnn_" + UUID.randomUUID().toString().replace("-", "");
        try (Connection c = server.dataSource().getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create a test database on " + server.url() + ": " + e.getMessage(),
                    e);
        }
        return new Database(server.url().replaceFirst("/[^/?]*(\\?.*)?$", "/" + name), server.user(),
                server.password());
    }

    private static Database server() {
        String url = System.getenv("RNN_TEST_POSTGRES_URL");
        if (url != null && !url.isBlank()) {
            return new Database(url, System.getenv().getOrDefault("RNN_TEST_POSTGRES_USER", "postgres"),
                    System.getenv().getOrDefault("RNN_TEST_POSTGRES_PASSWORD", "postgres"));
        }
        if (embedded == null) {
            try {
                embedded = EmbeddedPostgres.start();
            } catch (IOException | RuntimeException e) {
                boolean root = "root".equals(System.getProperty("user.name"));
                throw new IllegalStateException("the embedded PostgreSQL did not start" + (root ? " as root (it needs"
                        + " 'unshare -U' to drop root, which this machine refuses)" : "") + ": " + e.getMessage()
                        + ". Start a PostgreSQL server and set RNN_TEST_POSTGRES_URL (and _USER, _PASSWORD)", e);
            }
        }
        return new Database(embedded.getJdbcUrl("postgres", "postgres"), "postgres", "postgres");
    }
}
