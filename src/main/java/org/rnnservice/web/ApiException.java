package org.rnnservice.web;

import java.util.List;
import org.springframework.http.HttpStatus;

/**
 * A request we refuse, with the status, a detail the user can act on, and the fields at fault; rendered as RFC 9457
 * {@code application/problem+json} by {@link ProblemHandler}.
 */
public class ApiException extends RuntimeException {

    /** One offending field, named by its JSON path ({@code layers[0].units}, {@code x[3]}). */
    public record FieldError(String field, String message) {
    }

    private final HttpStatus status;
    private final List<FieldError> errors;
    private final Long retryAfterSeconds;

    public ApiException(HttpStatus status, String detail, List<FieldError> errors, Long retryAfterSeconds) {
        super(detail);
        this.status = status;
        this.errors = List.copyOf(errors);
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public static ApiException notFound(String what, String id) {
        return new ApiException(HttpStatus.NOT_FOUND, "no " + what + " with id '" + id + "'", List.of(), null);
    }

    public static ApiException badRequest(String field, String detail) {
        return new ApiException(HttpStatus.BAD_REQUEST, detail, List.of(new FieldError(field, detail)), null);
    }

    public static ApiException unprocessable(String field, String detail) {
        return new ApiException(HttpStatus.UNPROCESSABLE_CONTENT, detail, List.of(new FieldError(field, detail)), null);
    }

    public static ApiException conflict(String detail) {
        return new ApiException(HttpStatus.CONFLICT, detail, List.of(), null);
    }

    public static ApiException tooLarge(String detail) {
        return new ApiException(HttpStatus.CONTENT_TOO_LARGE, detail, List.of(), null);
    }

    public static ApiException busy(String detail, long retryAfterSeconds) {
        return new ApiException(HttpStatus.TOO_MANY_REQUESTS, detail, List.of(), retryAfterSeconds);
    }

    public HttpStatus status() {
        return status;
    }

    public List<FieldError> errors() {
        return errors;
    }

    public Long retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
