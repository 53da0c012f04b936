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
import org.rnnservice.models.batching.BatchSettings;
import org.rnnservice.models.batching.PredictionBatcher;
import org.rnnservice.storage.Store;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;

/**
 * Streaming sessions: a stream (a sensor, a user's session) sends its next steps and gets the outputs as if its whole
 * history had been sent, the recurrent state kept by the service between calls; Triton's sequence batcher keeps
 * state per correlation id the same way. Chunks of the same length from different sessions of a model share a
 * forward pass, as predictions do. A session is pinned to a model version, expires when idle, and their number
 * is bounded.
 */
@Service
class SessionService {

    private static final Logger LOG = LoggerFactory.getLogger(SessionService.class);

    private final ModelCatalog catalog;
    private final PredictionService predictions;
    private final SessionStore sessions;
    private final RnnProperties.Sessions settings;
    private final PredictionBatcher batcher;

    SessionService(ModelCatalog catalog, PredictionService predictions, PredictionBatcher batcher, Store store,
                   RnnProperties properties) {
        this.catalog = catalog;
        this.predictions = predictions;
        this.batcher = batcher;
        this.settings = properties.sessions();
        this.sessions = store.shared() ? new StoredSessions(store)
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
        float[][] outputs = new float[1][];
        StreamSession after = sessions.update(id, current -> {
            float[][] r = next(record, model, chunk, current.stepsSeen() == 0 ? null : current.states());
            outputs[0] = r[0];
            return current.advanced(chunk.steps(), java.util.Arrays.copyOfRange(r, 1, r.length), Instant.now());
        });
        if (after == null) {
            get(id); // it expired or was closed meanwhile: 404
        }
        boolean sequence = model.outputShape().sequence();
        int width = model.outputShape().features();
        return new SessionPrediction(id, after.modelVersion(), after.stepsSeen(),
                PredictionService.nest(outputs[0], 0, outputs[0].length, width, sequence));
    }

    /**
     * The outputs of a chunk and the states after it ({@code [outputs, states...]}), in one pass with the chunks of
     * the same length that other sessions of the model send at the same time (when the model is batched).
     */
    private float[][] next(ModelRecord record, Sequential model, PredictionService.StreamChunk chunk,
                           float[][] states) {
        int steps = chunk.steps();
        float[][] inputs = new float[1 + (states == null ? 0 : states.length)][];
        inputs[0] = chunk.x();
        if (states != null) {
            System.arraycopy(states, 0, inputs, 1, states.length);
        }
        BatchSettings settings = predictions.settings(record);
        PredictionBatcher.RowsPass pass = (m, in, rows) -> {
            StreamingPredictor.Result r = new StreamingPredictor(m).next(in[0], rows, steps,
                    in.length == 1 ? null : java.util.Arrays.copyOfRange(in, 1, in.length));
            float[][] out = new float[1 + r.states().length][];
            out[0] = r.outputs();
            System.arraycopy(r.states(), 0, out, 1, r.states().length);
            return out;
        };
        if (!settings.enabled()) {
            synchronized (model) {
                return pass.run(model, inputs, 1);
            }
        }
        return batcher.predictRows(model, record.name(), states == null ? "stream-start" : "stream", inputs, 1,
                steps, settings, pass);
    }

    void close(String id) throws IOException {
        if (!sessions.remove(id)) {
            throw ServiceException.notFound("session", id);
        }
        LOG.info("Session {} closed", id);
    }

}
