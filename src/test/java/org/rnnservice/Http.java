package org.rnnservice;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.function.Predicate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** A small client for tests that talk to the service over real HTTP, as users do. */
public final class Http {

    public static final JsonMapper JSON = JsonMapper.builder().build();

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;

    public Http(int port) {
        this.base = "http://127.0.0.1:" + port;
    }

    /** A response: status, content type and body (parsed as JSON when it is JSON). */
    public record Response(int status, String contentType, String body, java.net.http.HttpHeaders headers) {

        public JsonNode json() {
            return JSON.readTree(body);
        }

        public String header(String name) {
            return headers.firstValue(name).orElse(null);
        }
    }

    public Response get(String path) {
        return send(HttpRequest.newBuilder(URI.create(base + path)).GET());
    }

    public Response get(String path, String accept) {
        return send(HttpRequest.newBuilder(URI.create(base + path)).header("Accept", accept).GET());
    }

    public Response post(String path, Object json) {
        return post(path, "application/json", json instanceof String s ? s : JSON.writeValueAsString(json));
    }

    public Response post(String path, String contentType, String body) {
        return send(HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    public Response post(String path, String contentType, byte[] body) {
        return send(HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)));
    }

    /** A response whose body is kept as bytes (a file download). */
    public record BytesResponse(int status, String contentType, byte[] body, java.net.http.HttpHeaders headers) {

        public String header(String name) {
            return headers.firstValue(name).orElse(null);
        }
    }

    public BytesResponse getBytes(String path) {
        HttpResponse<byte[]> r = exchange(HttpRequest.newBuilder(URI.create(base + path)).GET(),
                HttpResponse.BodyHandlers.ofByteArray());
        return new BytesResponse(r.statusCode(), r.headers().firstValue("Content-Type").orElse(""), r.body(),
                r.headers());
    }

    public Response put(String path, String json) {
        return send(HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(json)));
    }

    public Response delete(String path) {
        return send(HttpRequest.newBuilder(URI.create(base + path)).DELETE());
    }

    /** Polls a job until it ends (or the deadline passes) and returns its last state. */
    public JsonNode awaitJob(String jobId, Duration timeout) throws InterruptedException {
        return awaitJob(jobId, Http::ended, timeout);
    }

    /** Polls a job until it reaches {@code state} (or the deadline passes). */
    public void awaitState(String jobId, String state, Duration timeout) throws InterruptedException {
        awaitJob(jobId, job -> job.get("state").asString().equals(state), timeout);
    }

    /** Polls a job until {@code done} holds for it (or the deadline passes) and returns that state. */
    public JsonNode awaitJob(String jobId, Predicate<JsonNode> done, Duration timeout) throws InterruptedException {
        return await("/api/v1/jobs/" + jobId, done, timeout);
    }

    /** Polls a resource until {@code done} holds for it (or the deadline passes) and returns that state. */
    public JsonNode await(String path, Predicate<JsonNode> done, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        JsonNode found;
        do {
            found = get(path).json();
            if (done.test(found)) {
                return found;
            }
            Thread.sleep(20);
        } while (System.nanoTime() < deadline);
        throw new AssertionError(path + " not done within " + timeout + ": " + found);
    }

    /** Whether a job has ended: succeeded, failed or cancelled. */
    public static boolean ended(JsonNode job) {
        String state = job.get("state").asString();
        return state.equals("SUCCEEDED") || state.equals("FAILED") || state.equals("CANCELLED");
    }

    /** One Server-Sent Event: its {@code id} (null without one), {@code event} name and {@code data}. */
    public record Event(Long id, String name, String data) {

        public JsonNode json() {
            return JSON.readTree(data);
        }
    }

    /**
     * Reads the events of a stream at {@code path}, resuming after {@code lastEventId} when given, until {@code max}
     * events or the stream's end.
     */
    public java.util.List<Event> events(String path, Long lastEventId, int max) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
                .header("Accept", "text/event-stream").timeout(Duration.ofSeconds(120)).GET();
        if (lastEventId != null) {
            request.header("Last-Event-ID", lastEventId.toString());
        }
        java.util.List<Event> out = new java.util.ArrayList<>();
        HttpResponse<java.io.InputStream> response = exchange(request, HttpResponse.BodyHandlers.ofInputStream());
        try (java.io.BufferedReader reader = new java.io.BufferedReader(new java.io.InputStreamReader(
                response.body(), java.nio.charset.StandardCharsets.UTF_8))) {
            Long id = null;
            String name = null;
            String line;
            while (out.size() < max && (line = reader.readLine()) != null) {
                if (line.startsWith("id:")) {
                    id = Long.parseLong(line.substring(3).trim());
                } else if (line.startsWith("event:")) {
                    name = line.substring(6).trim();
                } else if (line.startsWith("data:")) {
                    out.add(new Event(id, name, line.substring(5)));
                }
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return out;
    }

    public HttpClient client() {
        return client;
    }

    public String base() {
        return base;
    }

    private Response send(HttpRequest.Builder request) {
        HttpResponse<String> r = exchange(request, HttpResponse.BodyHandlers.ofString());
        return new Response(r.statusCode(), r.headers().firstValue("Content-Type").orElse(""), r.body(), r.headers());
    }

    private <T> HttpResponse<T> exchange(HttpRequest.Builder request, HttpResponse.BodyHandler<T> body) {
        try {
            return client.send(request.timeout(Duration.ofSeconds(60)).build(), body);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
