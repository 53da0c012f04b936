package org.rnnservice.serving;

import java.util.Map;
import org.rnnservice.errors.ServiceException;
import org.rnnservice.storage.StoreUnavailableException;
import org.rnnservice.web.PayloadTooLargeException;
import org.rnnservice.web.ProblemHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import tools.jackson.core.JacksonException;

/**
 * The errors of the serving protocols in their own shape, {@code {"error": "..."}} (TF Serving and KServe v2 alike),
 * with the statuses the rest of the API uses for the same refusals.
 */
@RestControllerAdvice(assignableTypes = {TfServingController.class, KServeController.class})
@Order(Ordered.HIGHEST_PRECEDENCE)
class ServingErrors {

    private static final Logger LOG = LoggerFactory.getLogger(ServingErrors.class);

    @ExceptionHandler(ServiceException.class)
    ResponseEntity<Map<String, String>> refused(ServiceException e) {
        return error(ProblemHandler.status(e.kind()), e.getMessage());
    }

    @ExceptionHandler(StoreUnavailableException.class)
    ResponseEntity<Map<String, String>> storeUnavailable(StoreUnavailableException e) {
        return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE).header("Retry-After", "5")
                .contentType(MediaType.APPLICATION_JSON)
                .body(Map.of("error", "the service's database cannot be reached right now; retry shortly"));
    }

    @ExceptionHandler({HttpMessageNotReadableException.class, JacksonException.class})
    ResponseEntity<Map<String, String>> malformed(Exception e) {
        PayloadTooLargeException tooLarge = PayloadTooLargeException.findIn(e);
        if (tooLarge != null) {
            return error(HttpStatus.CONTENT_TOO_LARGE, tooLarge.getMessage());
        }
        Throwable cause = e instanceof HttpMessageNotReadableException h ? h.getMostSpecificCause() : e;
        String detail = cause instanceof JacksonException j ? ProblemHandler.describe(j) : "the body is not JSON";
        return error(HttpStatus.BAD_REQUEST, detail);
    }

    @ExceptionHandler(Exception.class)
    ResponseEntity<Map<String, String>> unexpected(Exception e) {
        PayloadTooLargeException tooLarge = PayloadTooLargeException.findIn(e);
        if (tooLarge != null) {
            return error(HttpStatus.CONTENT_TOO_LARGE, tooLarge.getMessage());
        }
        LOG.error("Unexpected error in a serving API", e);
        return error(HttpStatus.INTERNAL_SERVER_ERROR, "an internal error occurred; it has been logged");
    }

    private static ResponseEntity<Map<String, String>> error(HttpStatus status, String message) {
        return ResponseEntity.status(status).contentType(MediaType.APPLICATION_JSON).body(Map.of("error", message));
    }
}
