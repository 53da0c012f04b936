package org.rnnservice;

import org.rnnservice.engine.parallel.HelperThreads;
import org.rnnservice.engine.simd.Kernels;
import org.rnnservice.engine.simd.KernelsProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The engine's kernels, chosen from {@code rnn.simd.*}, and its helper threads, for whatever builds or trains models. */
@Configuration(proxyBeanMethods = false)
class EngineConfig {

    @Bean
    Kernels kernels(RnnProperties properties) {
        return KernelsProvider.create(properties.simd().mode(), properties.simd().bits());
    }

    /**
     * Enough helpers for every worker's job to use all its threads and for a prediction per core to take a second
     * thread; more would only queue for the same cores.
     */
    @Bean
    HelperThreads helperThreads(RnnProperties properties) {
        return new HelperThreads(properties.workers() * properties.jobThreads()
                + Runtime.getRuntime().availableProcessors());
    }
}
