package org.rnnservice.durability;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** The service as a separate JVM on a data directory, to be killed and restarted like a real deployment. */
final class ServiceProcess implements AutoCloseable {

    private final Process process;
    final int port;
    final Path log;

    private ServiceProcess(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /** Starts the service on {@code dataDir} and a free port; does not wait for it. */
    static ServiceProcess start(Path dataDir, String... extraArgs) throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        // C1 only: the JVM starts faster, and jobs train slowly enough that a test can kill them mid-run
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules=jdk.incubator.vector", "-Xmx1g", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"),
                "org.rnnservice.RnnServiceApplication",
                "--server.port=" + port, "--rnn.data-dir=" + dataDir, "--rnn.threads-per-job=2",
                "--rnn.shutdown-timeout=10s", "--logging.level.root=WARN",
                "--logging.level.org.rnnservice=INFO"));
        cmd.addAll(List.of(extraArgs));
        Path log = dataDir.resolveSibling(dataDir.getFileName() + "-" + port + ".log");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        return new ServiceProcess(p, port, log);
    }

    /** Starts replica {@code i} of several on one PostgreSQL database, with one worker and the given lease. */
    static ServiceProcess replica(Path dir, org.rnnservice.storage.postgres.TestPostgres.Database db, int i,
                                  String lease) throws IOException {
        return start(dir.resolve("data-" + i), "--rnn.store=postgres", "--spring.datasource.url=" + db.url(),
                "--spring.datasource.username=" + db.user(), "--spring.datasource.password=" + db.password(),
                "--rnn.instance-id=replica-" + i, "--rnn.cluster.lease=" + lease, "--rnn.workers=1");
    }

    /** Starts and waits until health answers UP. */
    static ServiceProcess startHealthy(Path dataDir) throws Exception {
        ServiceProcess s = start(dataDir);
        s.awaitHealthy(Duration.ofSeconds(90));
        return s;
    }

    void awaitHealthy(Duration timeout) throws Exception {
        HttpClient client = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("service exited with " + process.exitValue() + "; see " + log);
            }
            try {
                HttpResponse<String> r = client.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + "/actuator/health")).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("service not healthy within " + timeout + "; see " + log);
    }

    /** SIGKILL: no shutdown hook, no flush, nothing. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    /** Sends a signal by name ({@code STOP} freezes the process, {@code CONT} wakes it), as {@code kill -SIG} does. */
    void signal(String name) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start();
        if (kill.waitFor() != 0) {
            throw new IllegalStateException("kill -" + name + " " + process.pid() + " failed");
        }
    }

    /** Waits until the process's log has a line containing {@code text}; returns that line. */
    String awaitLog(String text, Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            for (String line : java.nio.file.Files.readAllLines(log)) {
                if (line.contains(text)) {
                    return line;
                }
            }
            Thread.sleep(50); // the interval of the poll, as Http.awaitJob's
        }
        throw new IllegalStateException("no line with '" + text + "' in " + log + " within " + timeout);
    }

    /** SIGTERM; returns how long the process took to exit, or null if it did not within the timeout. */
    Duration terminate(Duration timeout) throws InterruptedException {
        long t0 = System.nanoTime();
        process.destroy();
        if (!process.waitFor(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
            return null;
        }
        return Duration.ofNanos(System.nanoTime() - t0);
    }

    int waitForExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException("process did not exit within " + timeout);
        }
        return process.exitValue();
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            kill();
        }
    }
}
