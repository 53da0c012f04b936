package org.rnnservice.storage.postgres;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * A real PostgreSQL for tests, started by the tests: Zonky's embedded server (binaries from a Maven jar), or, where
 * that cannot run (PostgreSQL refuses to run as root, as CI does), the server {@code RNN_TEST_POSTGRES_URL} names
 * (with {@code RNN_TEST_POSTGRES_USER} and {@code RNN_TEST_POSTGRES_PASSWORD}). Neither is ever silently skipped:
 * without both, the tests fail and say why. Each caller gets a database of its own.
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
            if ("root".equals(System.getProperty("user.name"))) {
                throw new IllegalStateException("PostgreSQL does not run as root, so the embedded server cannot start"
                        + " here: run the tests as another user, or start a PostgreSQL server and set"
                        + " RNN_TEST_POSTGRES_URL (and _USER, _PASSWORD), as .ci/run does");
            }
            try {
                embedded = EmbeddedPostgres.start();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return new Database(embedded.getJdbcUrl("postgres", "postgres"), "postgres", "postgres");
    }
}
