package org.rnnservice.models;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.rnnservice.engine.model.ModelDefinitions;
import org.rnnservice.engine.model.Sequential;
import org.rnnservice.engine.simd.Kernels;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * Runs the prediction path (reading instances, the recurrent kernels at one and at several rows) on a model of its
 * own before the service reports ready, so that the JIT has compiled it by the time a load balancer sends the first
 * request: Spring Boot keeps readiness at {@code REFUSING_TRAFFIC} until the application runners have run, while
 * liveness is already {@code CORRECT}. Nothing is stored.
 */
@Component
class PredictionWarmup implements ApplicationRunner {

    private static final Logger LOG = LoggerFactory.getLogger(PredictionWarmup.class);
    /** Passes over the warm-up model; each is a few microseconds once compiled. */
    private static final int PASSES = 4000;

    private final Kernels kernels;
    private final JsonMapper mapper;

    PredictionWarmup(Kernels kernels, JsonMapper mapper) {
        this.kernels = kernels;
        this.mapper = mapper;
    }

    @Override
    public void run(ApplicationArguments args) {
        long start = System.nanoTime();
        Map<String, Object> definition = Map.of("input_shape", Arrays.asList(null, 1), "layers", List.of(
                Map.of("type", "LSTM", "units", 32, "return_sequences", true), Map.of("type", "GRU", "units", 16, "return_sequences", true),
                Map.of("type", "SimpleRNN", "units", 8), Map.of("type", "Dense", "units", 1)));
        Sequential model = Sequential.build(ModelDefinitions.parse(definition, 1), Sequential.DEFAULT_MAX_PARAMS,
                kernels);
        byte[] body = "{\"instances\": [[[0.1], [0.2], [0.3], [0.4], [0.5], [0.6], [0.7], [0.8]]]}"
                .getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < PASSES; i++) {
            PredictionInput input = PredictionInput.read(new ByteArrayInputStream(body), mapper, model.inputShape(),
                    null);
            int rows = i % 4 == 0 ? 8 : 1;
            float[] x = new float[rows * 8];
            for (int r = 0; r < rows; r++) {
                System.arraycopy(input.values().get(0), 0, x, r * 8, 8);
            }
            model.predict(x, rows, 8, rows);
        }
        LOG.info("Prediction path warmed in {} ms; ready", (System.nanoTime() - start) / 1_000_000);
    }
}
