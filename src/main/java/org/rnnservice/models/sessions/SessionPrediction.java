package org.rnnservice.models.sessions;

import io.swagger.v3.oas.annotations.media.Schema;

/** The outputs of a stream's next steps, and how many steps the stream has now seen. */
public record SessionPrediction(String sessionId, int modelVersion, long stepsSeen,
                                @Schema(description = "for a model returning sequences, one row per step sent;"
                                        + " else the output after the last step") Object predictions) {
}
