package org.rnnservice.models.sessions;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.parameters.RequestBody;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** Streaming sessions: open one on a model, send a stream's next steps, close it. */
@RestController
@Tag(name = "sessions")
public class SessionController {

    private final SessionService sessions;

    SessionController(SessionService sessions) {
        this.sessions = sessions;
    }

    @Operation(operationId = "openSession", summary = "Open a streaming session on a model version (the current one,"
            + " ?version= or ?alias=): its recurrent state is kept between calls; 201 with its id and idle timeout")
    @ResponseStatus(HttpStatus.CREATED)
    @PostMapping("/api/v1/models/{id}/sessions")
    public ResponseEntity<SessionView> open(@PathVariable String id,
                                            @RequestParam(required = false) Integer version,
                                            @RequestParam(required = false) String alias) throws IOException {
        SessionView view = SessionView.of(sessions.open(id, version, alias));
        return ResponseEntity.created(URI.create("/api/v1/sessions/" + view.sessionId())).body(view);
    }

    @Operation(operationId = "getSession", summary = "A session: its model version, steps seen, expiry")
    @GetMapping("/api/v1/sessions/{sid}")
    public SessionView get(@PathVariable String sid) throws IOException {
        return SessionView.of(sessions.get(sid));
    }

    @Operation(operationId = "predictSession", summary = "The outputs of a stream's next steps, as if its whole"
            + " history had been sent at once (per step for a model returning sequences, else after the last step)",
            requestBody = @RequestBody(required = true, description = "{\"instances\": [[...the next steps...]]}:"
                    + " exactly one instance, the stream's next steps",
                    content = @Content(mediaType = MediaType.APPLICATION_JSON_VALUE,
                            schema = @Schema(type = "object"))))
    @PostMapping(value = "/api/v1/sessions/{sid}/predict", consumes = MediaType.APPLICATION_JSON_VALUE)
    public SessionPrediction predict(@PathVariable String sid, @Parameter(hidden = true) InputStream body)
            throws IOException {
        return sessions.predict(sid, body);
    }

    @Operation(operationId = "closeSession", summary = "End a session and drop its state")
    @DeleteMapping("/api/v1/sessions/{sid}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    public void close(@PathVariable String sid) throws IOException {
        sessions.close(sid);
    }
}
