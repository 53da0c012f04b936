package org.rnnservice.storage.postgres;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import org.flywaydb.core.Flyway;
import org.rnnservice.storage.Store;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code rnn.store=postgres}: a HikariCP pool on Spring's standard {@code spring.datasource.*} settings
 * ({@code url}, {@code username}, {@code password}, {@code hikari.*}), the schema migrated by Flyway at start-up, and
 * the {@link PostgresStore} on it.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "rnn.store", havingValue = "postgres")
class PostgresStoreConfig {

    private static final Logger LOG = LoggerFactory.getLogger(PostgresStoreConfig.class);

    /** {@code spring.datasource.*}, as Spring Boot names them. */
    record DataSourceSettings(String url, String username, String password) {
    }

    @Bean(destroyMethod = "close")
    HikariDataSource rnnDataSource(Environment env) {
        Binder binder = Binder.get(env);
        DataSourceSettings settings = binder.bind("spring.datasource", DataSourceSettings.class)
                .orElse(new DataSourceSettings(null, null, null));
        if (settings.url() == null || !settings.url().startsWith("jdbc:postgresql:")) {
            throw new IllegalStateException("rnn.store=postgres needs spring.datasource.url = jdbc:postgresql://host/db"
                    + " (with spring.datasource.username and spring.datasource.password), got " + settings.url());
        }
        HikariConfig config = new HikariConfig();
        config.setPoolName("rnn-store");
        config.setJdbcUrl(settings.url());
        config.setUsername(settings.username());
        config.setPassword(settings.password());
        binder.bind("spring.datasource.hikari", org.springframework.boot.context.properties.bind.Bindable
                .ofInstance(config));
        return new HikariDataSource(config);
    }

    @Bean
    SchedulerTable schedulerTable(HikariDataSource dataSource) {
        return new SchedulerTable(dataSource);
    }

    @Bean
    Store store(HikariDataSource dataSource, JsonMapper mapper) throws IOException {
        int applied = Flyway.configure().dataSource(dataSource).locations("classpath:db/migration").load()
                .migrate().migrationsExecuted;
        PostgresStore store = new PostgresStore(dataSource, mapper);
        LOG.info("Store: PostgreSQL at {} ({} migrations applied now)", dataSource.getJdbcUrl(), applied);
        return store;
    }
}
