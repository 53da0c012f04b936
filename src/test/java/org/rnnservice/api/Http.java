package org.rnnservice.api;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** A small client for tests that talk to the service over real HTTP, as users do. */
final class Http {

    static final JsonMapper JSON = JsonMapper.builder().build();

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;

    Http(int port) {
        this.base = "http://127.0.0.1:" + port;
    }

    /** A response: status, content type and body (parsed as JSON when it is JSON). */
    record Response(int status, String contentType, String body, java.net.http.HttpHeaders headers) {

        JsonNode json() {
            return JSON.readTree(body);
        }

        String header(String name) {
            return headers.firstValue(name).orElse(null);
        }
    }

    Response get(String path) {
        return send(HttpRequest.newBuilder(URI.create(base + path)).GET());
    }

    Response get(String path, String accept) {
        return send(HttpRequest.newBuilder(URI.create(base + path)).header("Accept", accept).GET());
    }

    Response post(String path, Object json) {
        return post(path, "application/json", json instanceof String s ? s : JSON.writeValueAsString(json));
    }

    Response post(String path, String contentType, String body) {
        return send(HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    Response put(String path, String json) {
        return send(HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(json)));
    }

    Response delete(String path) {
        return send(HttpRequest.newBuilder(URI.create(base + path)).DELETE());
    }

    /** Polls a job until it ends (or the deadline passes) and returns its last state. */
    JsonNode awaitJob(String jobId, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        JsonNode job;
        do {
            job = get("/api/v1/jobs/" + jobId).json();
            String state = job.get("state").asString();
            if (state.equals("SUCCEEDED") || state.equals("FAILED") || state.equals("CANCELLED")) {
                return job;
            }
            Thread.sleep(50);
        } while (System.nanoTime() < deadline);
        throw new AssertionError("job " + jobId + " did not end within " + timeout + ": " + job);
    }

    /** Polls a job until it reaches {@code state} (or the deadline passes). */
    void awaitState(String jobId, String state, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!get("/api/v1/jobs/" + jobId).json().get("state").asString().equals(state)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("job " + jobId + " not " + state + " within " + timeout);
            }
            Thread.sleep(20);
        }
    }

    HttpClient client() {
        return client;
    }

    String base() {
        return base;
    }

    private Response send(HttpRequest.Builder request) {
        try {
            HttpResponse<String> r = client.send(request.timeout(Duration.ofSeconds(60)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return new Response(r.statusCode(), r.headers().firstValue("Content-Type").orElse(""), r.body(),
                    r.headers());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
