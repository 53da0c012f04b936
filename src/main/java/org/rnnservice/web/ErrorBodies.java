package org.rnnservice.web;

import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;

/**
 * The error body for a path, for errors raised outside the controllers (the servlet container, the security filters,
 * the error page): RFC 9457 problem+json as {@link ProblemHandler} writes it, or {@code {"error": "..."}} under the
 * serving protocols' {@code /v1/} and {@code /v2/}.
 */
public final class ErrorBodies {

    /** The detail of a 400 the container answers before the API sees the request. */
    static final String REFUSED_BEFORE_THE_API = "the request was refused before it reached the API: a malformed or"
            + " unsafe URL (such as an encoded '/' or '..') or header";

    private ErrorBodies() {
    }

    /** Whether a path belongs to TF Serving's or KServe's API, whose errors are {@code {"error": ...}}. */
    public static boolean serving(String path) {
        return path != null && (path.startsWith("/v1/") || path.startsWith("/v2/") || path.equals("/v2"));
    }

    public static MediaType mediaType(String path) {
        return serving(path) ? MediaType.APPLICATION_JSON : MediaType.APPLICATION_PROBLEM_JSON;
    }

    public static Map<String, Object> body(String path, int status, String detail) {
        Map<String, Object> body = new LinkedHashMap<>();
        if (serving(path)) {
            body.put("error", detail);
            return body;
        }
        HttpStatus known = HttpStatus.resolve(status);
        body.put("type", "about:blank");
        body.put("title", known == null ? "Error" : known.getReasonPhrase());
        body.put("status", status);
        body.put("detail", detail);
        if (path != null) {
            body.put("instance", path);
        }
        return body;
    }
}
