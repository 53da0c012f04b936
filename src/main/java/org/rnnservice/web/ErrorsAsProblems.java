package org.rnnservice.web;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Map;
import org.springframework.boot.webmvc.error.ErrorController;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The error page of the servlet container (errors raised before a controller, such as a filter's refusal) answered
 * as problem+json, or as {@code {"error"}} under the serving APIs, instead of Spring Boot's own error JSON.
 */
@io.swagger.v3.oas.annotations.Hidden
@RestController
class ErrorsAsProblems implements ErrorController {

    @RequestMapping("${server.error.path:/error}")
    ResponseEntity<Map<String, Object>> error(HttpServletRequest request) {
        Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        int status = code instanceof Integer i && i >= 400 ? i : 500;
        String path = (String) request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI);
        HttpStatus known = HttpStatus.resolve(status);
        String detail = status == 404 ? "no such resource: " + path
                : known == null ? "the request failed" : describe(known);
        return ResponseEntity.status(status).contentType(ErrorBodies.mediaType(path))
                .body(ErrorBodies.body(path, status, detail));
    }

    private static String describe(HttpStatus status) {
        return switch (status) {
            case BAD_REQUEST -> ErrorBodies.REFUSED_BEFORE_THE_API;
            case INTERNAL_SERVER_ERROR -> "an internal error occurred; it has been logged";
            default -> status.getReasonPhrase();
        };
    }
}
