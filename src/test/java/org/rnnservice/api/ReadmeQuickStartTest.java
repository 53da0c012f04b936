package org.rnnservice.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Every curl of the README's quick start runs, as written, against the service: the README cannot drift. */
class ReadmeQuickStartTest extends ApiTestSupport {

    @Test
    void theQuickStartRunsAsWritten() throws Exception {
        Path log = Files.createTempFile("quickstart", ".log");
        ProcessBuilder pb = new ProcessBuilder("bash", "scripts/readme-quickstart")
                .redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("API", "http://127.0.0.1:" + port + "/api/v1");
        Process p = pb.start();
        assertTrue(p.waitFor(10, TimeUnit.MINUTES), "the quick start did not finish");
        String output = Files.readString(log);
        assertEquals(0, p.exitValue(), output);
        // the summary Keras prints, the trained job's state, and the text the char model continues
        assertTrue(output.contains(" simple_rnn (SimpleRNN)      (None, 10)                120       "), output);
        assertTrue(output.contains("\"state\": \"SUCCEEDED\""), output);
        assertTrue(output.contains("\"generated\""), output);
    }
}
