package org.rnnservice.models.sessions;

import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.UUID;
import org.rnnservice.RnnProperties;
import org.rnnservice.engine.layers.InvalidModelException;
import org.rnnservice.engine.model.Sequential;
import org.rnnservice.engine.model.StreamingPredictor;
import org.rnnservice.errors.ServiceException;
import org.rnnservice.models.ModelCatalog;
import org.rnnservice.models.ModelRecord;
import org.rnnservice.models.PredictionService;
import org.rnnservice.storage.Store;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;

/**
 * Streaming sessions: a stream (a sensor, a user's session) sends its next steps and gets the outputs as if its whole
 * history had been sent, the recurrent state kept by the service between calls; Triton's sequence batcher keeps
 * state per correlation id the same way. A session is pinned to a model version, expires when idle, and their number
 * is bounded.
 */
@Service
class SessionService {

    private static final Logger LOG = LoggerFactory.getLogger(SessionService.class);

    private final ModelCatalog catalog;
    private final PredictionService predictions;
    private final SessionStore sessions;
    private final RnnProperties.Sessions settings;

    SessionService(ModelCatalog catalog, PredictionService predictions, Store store, RnnProperties properties) {
        this.catalog = catalog;
        this.predictions = predictions;
        this.settings = properties.sessions();
        this.sessions = properties.store() == RnnProperties.StoreKind.POSTGRES ? new StoredSessions(store)
                : new MemorySessions();
    }

    /** Opens a session on a version (or the alias's, or the current one) of a model that can continue streams. */
    StreamSession open(String modelId, Integer version, String alias) throws IOException {
        ModelRecord record = catalog.record(modelId);
        Integer v = ModelCatalog.version(record, version, alias);
        int pinned = v == null ? record.version() : v;
        streaming(catalog.load(record, pinned));
        Instant now = Instant.now();
        StreamSession session = new StreamSession(UUID.randomUUID().toString(), record.id(), pinned, now, now,
                settings.idleTimeout(), 0, null);
        if (!sessions.add(session, settings.max())) {
            throw ServiceException.busy(settings.max() + " sessions are open (rnn.sessions.max); close one with"
                    + " DELETE /api/v1/sessions/{id}, or wait for idle ones to expire", 60);
        }
        LOG.info("Session {} opened on model {} v{}", session.id(), record.id(), pinned);
        return session;
    }

    private static StreamingPredictor streaming(Sequential model) {
        try {
            return new StreamingPredictor(model);
        } catch (InvalidModelException e) {
            throw ServiceException.unprocessable(e.field(), e.getMessage());
        }
    }

    StreamSession get(String id) throws IOException {
        StreamSession s = sessions.get(id);
        if (s == null) {
            throw ServiceException.notFound("session", id + " (sessions expire after rnn.sessions.idle-timeout"
                    + " without use)");
        }
        return s;
    }

    /** The outputs of the stream's next steps, continuing the state of all it was sent before. */
    SessionPrediction predict(String id, InputStream body) throws IOException {
        StreamSession before = get(id);
        ModelRecord record = catalog.record(before.modelId());
        Sequential model = catalog.load(record, before.modelVersion());
        PredictionService.StreamChunk chunk = predictions.readChunk(record, model, body);
        StreamingPredictor stream = streaming(model);
        float[][] outputs = new float[1][];
        StreamSession after = sessions.update(id, current -> {
            StreamingPredictor.Result r;
            synchronized (model) {
                r = stream.next(chunk.x(), 1, chunk.steps(), current.stepsSeen() == 0 ? null : current.states());
            }
            outputs[0] = r.outputs();
            return current.advanced(chunk.steps(), r.states(), Instant.now());
        });
        if (after == null) {
            get(id); // it expired or was closed meanwhile: 404
        }
        boolean sequence = model.outputShape().sequence();
        int width = model.outputShape().features();
        return new SessionPrediction(id, after.modelVersion(), after.stepsSeen(),
                PredictionService.nest(outputs[0], 0, outputs[0].length, width, sequence));
    }

    void close(String id) throws IOException {
        if (!sessions.remove(id)) {
            throw ServiceException.notFound("session", id);
        }
        LOG.info("Session {} closed", id);
    }

}
