package org.rnnservice.web;

import org.rnnservice.RnnProperties;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.jackson.autoconfigure.JsonMapperBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Scope;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.databind.json.JsonMapper;

/**
 * The JSON mapper every body is read with, its stream-read constraints bounded by {@code rnn.limits.json-depth}: a
 * 10,000-deep array is refused while it is read, before it costs a stack or a heap.
 */
@Configuration(proxyBeanMethods = false)
class JsonLimits {

    @Bean
    @Scope("prototype")
    JsonMapper.Builder jsonMapperBuilder(ObjectProvider<JsonMapperBuilderCustomizer> customizers,
                                         RnnProperties properties) {
        JsonFactory factory = JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder()
                        .maxNestingDepth(properties.limits().jsonDepth())
                        .build())
                .build();
        JsonMapper.Builder builder = JsonMapper.builder(factory);
        customizers.orderedStream().forEach(c -> c.customize(builder));
        return builder;
    }
}
