package org.rnnservice;

import org.rnnservice.engine.simd.Kernels;
import org.rnnservice.engine.simd.KernelsProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Hands {@code rnn.simd} to the engine before the first model is built, so the kernel choice (and its one log line)
 * follows the service's configuration.
 */
@Configuration(proxyBeanMethods = false)
class EngineConfig {

    @Bean
    Kernels kernels(RnnProperties properties) {
        if (System.getProperty(KernelsProvider.SIMD_PROPERTY) == null) {
            System.setProperty(KernelsProvider.SIMD_PROPERTY, properties.simd());
        }
        return KernelsProvider.get();
    }
}
