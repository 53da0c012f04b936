package org.rnnservice;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** Entry point of rnn-service: trains and serves Keras-style recurrent networks over HTTP. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class RnnServiceApplication {

    public static void main(String[] args) {
        SpringApplication.run(RnnServiceApplication.class, args);
    }
}
