package org.rnnservice.errors;

import java.util.List;

/**
 * A request the service refuses, in the domain's terms: why ({@link Kind}), a detail the user can act on, and the
 * fields at fault. Services throw it without knowing the protocol; the web layer maps each kind to a status in one
 * place.
 */
public class ServiceException extends RuntimeException {

    /** Why a request is refused. */
    public enum Kind {
        /** The request itself is malformed or invalid. */
        INVALID,
        /** What it names does not exist. */
        NOT_FOUND,
        /** It conflicts with the current state (deleting what a job uses, cancelling an ended job). */
        CONFLICT,
        /** It is larger than a configured limit. */
        TOO_LARGE,
        /** It is well-formed but does not fit the model (shapes, labels). */
        UNFIT,
        /** The service cannot take it now; try again later. */
        BUSY,
        /** The service is shutting down. */
        UNAVAILABLE
    }

    /** One offending field, named by its JSON path ({@code layers[0].units}, {@code x[3]}). */
    public record FieldError(String field, String message) {
    }

    private final Kind kind;
    private final List<FieldError> errors;
    private final Long retryAfterSeconds;

    public ServiceException(Kind kind, String detail, List<FieldError> errors, Long retryAfterSeconds) {
        super(detail);
        this.kind = kind;
        this.errors = List.copyOf(errors);
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public static ServiceException notFound(String what, String id) {
        return new ServiceException(Kind.NOT_FOUND, "no " + what + " with id '" + id + "'", List.of(), null);
    }

    public static ServiceException badRequest(String field, String detail) {
        return new ServiceException(Kind.INVALID, detail, List.of(new FieldError(field, detail)), null);
    }

    public static ServiceException unprocessable(String field, String detail) {
        return new ServiceException(Kind.UNFIT, detail, List.of(new FieldError(field, detail)), null);
    }

    public static ServiceException conflict(String detail) {
        return new ServiceException(Kind.CONFLICT, detail, List.of(), null);
    }

    public static ServiceException tooLarge(String detail) {
        return new ServiceException(Kind.TOO_LARGE, detail, List.of(), null);
    }

    public static ServiceException busy(String detail, long retryAfterSeconds) {
        return new ServiceException(Kind.BUSY, detail, List.of(), retryAfterSeconds);
    }

    public static ServiceException unavailable(String detail, long retryAfterSeconds) {
        return new ServiceException(Kind.UNAVAILABLE, detail, List.of(), retryAfterSeconds);
    }

    public Kind kind() {
        return kind;
    }

    public List<FieldError> errors() {
        return errors;
    }

    public Long retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
