package org.rnnservice;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** Reference output of Keras itself, kept as test resources. */
public final class KerasFixtures {

    private KerasFixtures() {
    }

    /** tf.keras 2.12's {@code model.summary()} of SimpleRNN(10) + Dense(1) on (None, 1), trailing spaces included. */
    public static String simpleRnnSummary() {
        try (InputStream in = KerasFixtures.class.getResourceAsStream("/keras/simple_rnn_dense_summary.txt")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
