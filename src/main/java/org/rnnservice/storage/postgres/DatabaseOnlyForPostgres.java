package org.rnnservice.storage.postgres;

import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.PropertySource;

/**
 * Spring Boot's DataSource and Flyway auto-configurations apply with {@code rnn.store=postgres} only: in the default
 * file mode there is no database, and Boot would stop for the want of {@code spring.datasource.url}. Adds them to
 * {@code spring.autoconfigure.exclude} (beside any the user excludes) unless the store is PostgreSQL, decided when
 * Boot reads the exclusions, so that a setting added late (a test's dynamic property) counts too.
 */
public class DatabaseOnlyForPostgres implements EnvironmentPostProcessor {

    static final String EXCLUDE = "spring.autoconfigure.exclude";
    static final List<String> DATABASE_AUTO_CONFIGURATIONS = List.of(
            "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration",
            "org.springframework.boot.flyway.autoconfigure.FlywayAutoConfiguration");

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        environment.getPropertySources().addFirst(new Exclusions(environment, this));
    }

    /** {@code spring.autoconfigure.exclude} as the other sources give it, plus the database ones in file mode. */
    static final class Exclusions extends PropertySource<DatabaseOnlyForPostgres> {

        // not this source's "source": Boot walks into a source that is an environment, which holds this one
        private final ConfigurableEnvironment environment;

        Exclusions(ConfigurableEnvironment environment, DatabaseOnlyForPostgres owner) {
            super("rnn-database-only-for-postgres", owner);
            this.environment = environment;
        }

        @Override
        public Object getProperty(String name) {
            if (!EXCLUDE.equals(name) || "postgres".equals(environment.getProperty("rnn.store"))) {
                return null;
            }
            List<String> exclude = new ArrayList<>(givenElsewhere());
            exclude.addAll(DATABASE_AUTO_CONFIGURATIONS);
            return String.join(",", exclude);
        }

        /** The exclusions of the first other source that has any, as one value or as an indexed list. */
        private List<String> givenElsewhere() {
            for (PropertySource<?> source : environment.getPropertySources()) {
                // the attached view of every source would ask this one again
                if (source == this || ConfigurationPropertySources.isAttachedConfigurationPropertySource(source)) {
                    continue;
                }
                Object value = source.getProperty(EXCLUDE);
                if (value != null) {
                    return List.of(value.toString().split("\\s*,\\s*"));
                }
                List<String> indexed = new ArrayList<>();
                for (int i = 0; source.getProperty(EXCLUDE + "[" + i + "]") != null; i++) {
                    indexed.add(source.getProperty(EXCLUDE + "[" + i + "]").toString());
                }
                if (!indexed.isEmpty()) {
                    return indexed;
                }
            }
            return List.of();
        }
    }
}
