package org.rnnservice.web;

import java.util.List;
import org.rnnservice.engine.layers.InvalidModelException;
import org.rnnservice.engine.layers.UnsupportedFeatureException;
import org.rnnservice.errors.ServiceException;
import org.rnnservice.storage.StoreUnavailableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;
import tools.jackson.core.JacksonException;

/**
 * Every error of the {@code /api} endpoints as RFC 9457 {@code application/problem+json}: a status, a title, a detail
 * a user can act on, and {@code errors[]} naming the offending fields. Spring's own errors (415, 405, malformed JSON)
 * go through the same shape.
 */
@RestControllerAdvice
public class ProblemHandler extends ResponseEntityExceptionHandler {

    private static final Logger LOG = LoggerFactory.getLogger(ProblemHandler.class);

    @ExceptionHandler(ServiceException.class)
    ResponseEntity<Object> api(ServiceException e) {
        HttpStatus status = status(e.kind());
        ProblemDetail p = problem(status, e.getMessage(), e.errors());
        HttpHeaders headers = new HttpHeaders();
        if (e.retryAfterSeconds() != null) {
            headers.set(HttpHeaders.RETRY_AFTER, Long.toString(e.retryAfterSeconds()));
        }
        return ResponseEntity.status(status).headers(headers).body(p);
    }

    /** The one place where the domain's reasons for refusing a request become HTTP statuses. */
    public static HttpStatus status(ServiceException.Kind kind) {
        return switch (kind) {
            case INVALID -> HttpStatus.BAD_REQUEST;
            case NOT_FOUND -> HttpStatus.NOT_FOUND;
            case CONFLICT -> HttpStatus.CONFLICT;
            case TOO_LARGE -> HttpStatus.CONTENT_TOO_LARGE;
            case UNFIT -> HttpStatus.UNPROCESSABLE_CONTENT;
            case BUSY -> HttpStatus.TOO_MANY_REQUESTS;
            case UNAVAILABLE -> HttpStatus.SERVICE_UNAVAILABLE;
        };
    }

    @ExceptionHandler(org.springframework.web.multipart.MultipartException.class)
    ResponseEntity<Object> unreadableForm(org.springframework.web.multipart.MultipartException e) {
        PayloadTooLargeException tooLarge = PayloadTooLargeException.findIn(e);
        if (tooLarge != null || e instanceof org.springframework.web.multipart.MaxUploadSizeExceededException) {
            return api(ServiceException.tooLarge(tooLarge != null ? tooLarge.getMessage()
                    : "the upload is larger than rnn.limits.request-size"));
        }
        return api(ServiceException.badRequest("body", "the multipart body cannot be read: send the file as a form"
                + " part named file (curl -F file=@m.keras), or the raw bytes as application/octet-stream"));
    }

    @ExceptionHandler(StoreUnavailableException.class)
    ResponseEntity<Object> storeUnavailable(StoreUnavailableException e) {
        LOG.warn("Store unavailable: {}", e.getMessage());
        return api(ServiceException.unavailable("the service's database cannot be reached right now; retry shortly", 5));
    }

    @ExceptionHandler(InvalidModelException.class)
    ResponseEntity<Object> invalidModel(InvalidModelException e) {
        if (e instanceof UnsupportedFeatureException) {
            return api(ServiceException.unprocessable(e.field(), e.getMessage()));
        }
        return api(ServiceException.badRequest(e.field(), e.getMessage()));
    }

    @ExceptionHandler(PayloadTooLargeException.class)
    ResponseEntity<Object> payloadTooLarge(PayloadTooLargeException e) {
        return api(ServiceException.tooLarge(e.getMessage()));
    }

    @ExceptionHandler(MethodArgumentTypeMismatchException.class)
    ResponseEntity<Object> typeMismatch(MethodArgumentTypeMismatchException e) {
        Class<?> type = e.getRequiredType();
        String expected = type != null && type.isEnum() ? "one of " + java.util.Arrays.toString(type.getEnumConstants())
                : type == Integer.class || type == int.class ? "a whole number" : "a valid value";
        return api(ServiceException.badRequest(e.getName(), e.getName() + " must be " + expected + ", got '"
                + e.getValue() + "'"));
    }

    @ExceptionHandler(JacksonException.class)
    ResponseEntity<Object> malformedJson(JacksonException e) {
        PayloadTooLargeException tooLarge = PayloadTooLargeException.findIn(e);
        if (tooLarge != null) {
            return api(ServiceException.tooLarge(tooLarge.getMessage()));
        }
        return api(JsonErrors.refusal(e));
    }

    @ExceptionHandler(Exception.class)
    ResponseEntity<Object> unexpected(Exception e) {
        PayloadTooLargeException tooLarge = PayloadTooLargeException.findIn(e);
        if (tooLarge != null) {
            return api(ServiceException.tooLarge(tooLarge.getMessage()));
        }
        LOG.error("Unexpected error", e);
        return ResponseEntity.status(HttpStatus.INTERNAL_SERVER_ERROR)
                .body(problem(HttpStatus.INTERNAL_SERVER_ERROR, "an internal error occurred; it has been logged",
                        List.of()));
    }

    @Override
    protected ResponseEntity<Object> handleHttpMessageNotReadable(HttpMessageNotReadableException ex,
                                                                  HttpHeaders headers, HttpStatusCode status,
                                                                  WebRequest request) {
        PayloadTooLargeException tooLarge = PayloadTooLargeException.findIn(ex);
        if (tooLarge != null) {
            return api(ServiceException.tooLarge(tooLarge.getMessage()));
        }
        if (ex.getMostSpecificCause() instanceof JacksonException jackson) {
            return api(JsonErrors.refusal(jackson));
        }
        return api(ServiceException.badRequest("body", "the request body is missing or unreadable"));
    }

    @Override
    protected ResponseEntity<Object> handleHttpMediaTypeNotSupported(HttpMediaTypeNotSupportedException ex,
                                                                     HttpHeaders headers, HttpStatusCode status,
                                                                     WebRequest request) {
        String sent = ex.getContentType() == null ? "no Content-Type" : "Content-Type " + ex.getContentType();
        String detail = sent + " is not accepted here; send one of " + ex.getSupportedMediaTypes();
        return ResponseEntity.status(HttpStatus.UNSUPPORTED_MEDIA_TYPE).headers(headers)
                .body(problem(HttpStatus.UNSUPPORTED_MEDIA_TYPE, detail,
                        List.of(new ServiceException.FieldError("Content-Type", detail))));
    }

    @Override
    protected ResponseEntity<Object> handleMethodArgumentNotValid(MethodArgumentNotValidException ex,
                                                                  HttpHeaders headers, HttpStatusCode status,
                                                                  WebRequest request) {
        List<ServiceException.FieldError> errors = ex.getBindingResult().getFieldErrors().stream()
                .map(f -> new ServiceException.FieldError(snakeCase(f.getField()),
                        snakeCase(f.getField()) + " " + f.getDefaultMessage()))
                .toList();
        String detail = errors.isEmpty() ? "invalid request" : errors.get(0).message();
        return api(new ServiceException(ServiceException.Kind.INVALID, detail, errors, null));
    }

    /** Jackson's refusal of a body in the API's words (for the serving protocols' own error shape). */
    public static String describe(JacksonException e) {
        return JsonErrors.refusal(e).getMessage();
    }

    /** A Java property path as the API spells it: {@code earlyStopping.minDelta} -> {@code early_stopping.min_delta}. */
    static String snakeCase(String javaPath) {
        return javaPath.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase(java.util.Locale.ROOT);
    }

    static ProblemDetail problem(HttpStatusCode status, String detail, List<ServiceException.FieldError> errors) {
        ProblemDetail p = ProblemDetail.forStatusAndDetail(status, detail);
        if (!errors.isEmpty()) {
            p.setProperty("errors", List.copyOf(errors));
        }
        return p;
    }
}
