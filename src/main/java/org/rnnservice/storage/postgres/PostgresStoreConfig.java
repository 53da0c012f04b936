package org.rnnservice.storage.postgres;

import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.rnnservice.storage.Store;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.sql.init.dependency.DependsOnDatabaseInitialization;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code rnn.store=postgres}: the {@link PostgresStore} and db-scheduler's table on the DataSource Spring Boot
 * configures from {@code spring.datasource.*} (a HikariCP pool), once Boot's Flyway has migrated the schema
 * ({@code classpath:db/migration}).
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "rnn.store", havingValue = "postgres")
class PostgresStoreConfig {

    private static final Logger LOG = LoggerFactory.getLogger(PostgresStoreConfig.class);

    @Bean
    @DependsOnDatabaseInitialization
    SchedulerTable schedulerTable(DataSource dataSource) {
        return new SchedulerTable(dataSource);
    }

    @Bean
    @DependsOnDatabaseInitialization
    Store store(DataSource dataSource, JsonMapper mapper) throws IOException {
        String url = url(dataSource);
        if (!url.startsWith("jdbc:postgresql:")) {
            throw new IllegalStateException("rnn.store=postgres needs spring.datasource.url = jdbc:postgresql://host/db"
                    + " (with spring.datasource.username and spring.datasource.password), got " + url);
        }
        PostgresStore store = new PostgresStore(dataSource, mapper);
        LOG.info("Store: PostgreSQL at {}", url);
        return store;
    }

    private static String url(DataSource dataSource) throws IOException {
        try (Connection c = dataSource.getConnection()) {
            return c.getMetaData().getURL();
        } catch (SQLException e) {
            throw new IOException("the database of spring.datasource.url cannot be reached: " + e.getMessage(), e);
        }
    }
}
