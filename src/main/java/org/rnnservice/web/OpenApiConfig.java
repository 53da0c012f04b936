package org.rnnservice.web;

import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.info.License;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The title and description of the OpenAPI document springdoc serves at {@code /v3/api-docs}. */
@Configuration(proxyBeanMethods = false)
class OpenApiConfig {

    @Bean
    OpenAPI rnnServiceApi() {
        return new OpenAPI().info(new Info().title("rnn-service").version("v1")
                .description("Train and serve Keras-style recurrent neural networks (SimpleRNN, LSTM, GRU) over HTTP."
                        + " JSON fields are snake_case, in Keras' own words; errors are RFC 9457 problem details.")
                .license(new License().name("Apache-2.0")));
    }
}
