package org.rnnservice.storage.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;

/** The database auto-configurations are excluded in file mode only, beside what the user excludes, as Boot reads it. */
class DatabaseOnlyForPostgresTest {

    private static final String DATA_SOURCE = "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration";
    private static final String FLYWAY = "org.springframework.boot.flyway.autoconfigure.FlywayAutoConfiguration";

    /** What Spring Boot's auto-configuration selector reads, with {@code settings} given before and after start-up. */
    private static List<String> excluded(Map<String, Object> early, Map<String, Object> late) {
        StandardEnvironment env = new StandardEnvironment();
        env.getPropertySources().addLast(new MapPropertySource("config", early));
        ConfigurationPropertySources.attach(env);
        new DatabaseOnlyForPostgres().postProcessEnvironment(env, new SpringApplication());
        env.getPropertySources().addLast(new MapPropertySource("late", late));
        return Binder.get(env).bind("spring.autoconfigure.exclude", String[].class).map(List::of).orElse(List.of());
    }

    @Test
    void fileModeExcludesTheDatabaseBesideTheUsersExclusions() {
        assertEquals(List.of(DATA_SOURCE, FLYWAY), excluded(Map.of(), Map.of()));
        assertEquals(List.of("a.B", DATA_SOURCE, FLYWAY),
                excluded(Map.of("spring.autoconfigure.exclude", "a.B"), Map.of()));
        assertEquals(List.of("a.B", "c.D", DATA_SOURCE, FLYWAY), excluded(Map.of(
                "spring.autoconfigure.exclude[0]", "a.B", "spring.autoconfigure.exclude[1]", "c.D"), Map.of()));
    }

    @Test
    void postgresModeKeepsThemEvenWhenSetLate() {
        assertEquals(List.of(), excluded(Map.of("rnn.store", "postgres"), Map.of()));
        assertEquals(List.of("a.B"), excluded(Map.of("spring.autoconfigure.exclude", "a.B"),
                Map.of("rnn.store", "postgres")));
    }
}
