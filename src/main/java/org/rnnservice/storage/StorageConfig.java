package org.rnnservice.storage;

import java.io.IOException;
import org.rnnservice.RnnProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.databind.json.JsonMapper;

/**
 * The embedded file store under {@code rnn.data-dir}, unless {@code rnn.store=postgres}; start-up fails, with the
 * reason, if it cannot be opened.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "rnn.store", havingValue = "file", matchIfMissing = true)
class StorageConfig {

    private static final Logger LOG = LoggerFactory.getLogger(StorageConfig.class);

    @Bean
    Store store(RnnProperties properties, JsonMapper mapper) throws IOException {
        try {
            FileStore store = new FileStore(properties.dataDir(), mapper);
            LOG.info("Store: files under {}", store.root());
            return store;
        } catch (IOException e) {
            LOG.error("Cannot use the data directory {}: {}", properties.dataDir(), e.getMessage());
            throw e;
        }
    }
}
