package org.rnnservice;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;

/** A setting is applied or refused by name at start-up, never accepted and ignored. */
class SettingsTest {

    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties(RnnProperties.class)
    static class Settings {
    }

    private final ApplicationContextRunner runner = new ApplicationContextRunner().withUserConfiguration(Settings.class);

    @Test
    void knownSettingsBind() {
        runner.withPropertyValues("rnn.workers=3", "rnn.simd.mode=off", "rnn.simd.bits=256", "rnn.model-cache=64MB",
                        "rnn.limits.layers=7", "rnn.limits.request-size=3MB", "rnn.limits.prediction-wait=5s",
                        "rnn.security.api-keys=aaaaaaaaaaaaaaaa:predict,bbbbbbbbbbbbbbbb")
                .run(context -> {
                    RnnProperties p = context.getBean(RnnProperties.class);
                    assertThat(p.workers()).isEqualTo(3);
                    assertThat(p.simd().bits()).isEqualTo(256);
                    assertThat(p.modelCache().toMegabytes()).isEqualTo(64);
                    assertThat(p.limits().layers()).isEqualTo(7);
                    assertThat(p.limits().requestSize().toMegabytes()).isEqualTo(3);
                    assertThat(p.limits().predictionWait().toSeconds()).isEqualTo(5);
                    assertThat(p.limits().params()).isEqualTo(50_000_000L);
                    assertThat(p.security().apiKeys()).hasSize(2);
                });
    }

    @Test
    void anUnknownOrRetiredSettingFailsStartUpNamingIt() {
        runner.withPropertyValues("rnn.loaded-models=16").run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("rnn.loaded-models");
        });
        runner.withPropertyValues("rnn.wrokers=2").run(context -> assertThat(context).hasFailed());
        // the limits moved under rnn.limits.*: the old names are refused, not ignored
        runner.withPropertyValues("rnn.max-params=10").run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("rnn.max-params");
        });
    }
}
