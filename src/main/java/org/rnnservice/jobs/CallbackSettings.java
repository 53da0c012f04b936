package org.rnnservice.jobs;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.rnnservice.engine.layers.Arguments;
import org.rnnservice.engine.layers.InvalidModelException;
import org.rnnservice.engine.train.callbacks.EarlyStopping;
import org.rnnservice.engine.train.callbacks.ModelCheckpoint;
import org.rnnservice.engine.train.callbacks.ReduceLrOnPlateau;
import org.rnnservice.errors.ServiceException;

/**
 * A job's {@code callbacks} list in Keras' words ({@code {"type": "ReduceLROnPlateau", "factor": 0.5, ...}}) as the
 * engine's callback settings, each argument read by its Keras name; an unknown type or argument, or one the service
 * cannot honour, is refused by name.
 */
record CallbackSettings(EarlyStopping.Config earlyStopping, ReduceLrOnPlateau.Config reduceLr,
                        ModelCheckpoint.Config bestCheckpoint) {

    private static final List<String> TYPES = List.of("EarlyStopping", "ReduceLROnPlateau", "ModelCheckpoint");

    static CallbackSettings of(List<Map<String, Object>> callbacks) {
        EarlyStopping.Config es = null;
        ReduceLrOnPlateau.Config rl = null;
        ModelCheckpoint.Config mc = null;
        if (callbacks == null) {
            return new CallbackSettings(null, null, null);
        }
        List<String> seen = new ArrayList<>();
        for (int i = 0; i < callbacks.size(); i++) {
            String path = "callbacks[" + i + "]";
            Map<String, Object> c = callbacks.get(i);
            if (c == null || !(c.get("type") instanceof String type) || !TYPES.contains(type)) {
                throw ServiceException.badRequest(path + ".type", path + ".type must be one of " + TYPES);
            }
            if (seen.contains(type)) {
                throw ServiceException.badRequest(path + ".type", type + " is given twice");
            }
            seen.add(type);
            Arguments a = new Arguments(c, path, type, "type", "verbose");
            try {
                switch (type) {
                    case "EarlyStopping" -> es = new EarlyStopping.Config(a.string("monitor", null),
                            a.number("min_delta", 0), a.whole("patience", 0), a.string("mode", null),
                            a.bool("restore_best_weights", false), a.whole("start_from_epoch", 0),
                            a.optionalNumber("baseline"));
                    case "ReduceLROnPlateau" -> rl = new ReduceLrOnPlateau.Config(a.string("monitor", null),
                            a.number("factor", 0.1), a.whole("patience", 10), a.string("mode", null),
                            a.number("min_delta", 1e-4), a.whole("cooldown", 0), a.number("min_lr", 0));
                    default -> mc = modelCheckpoint(a, path);
                }
            } catch (InvalidModelException e) {
                throw e; // an argument of the wrong type, named
            } catch (IllegalArgumentException e) {
                throw ServiceException.badRequest(path, type + ": " + e.getMessage());
            }
            a.rejectUnknown();
        }
        return new CallbackSettings(es, rl, mc);
    }

    /**
     * ModelCheckpoint: with {@code save_best_only} the best epoch's weights become the published version; without it
     * every epoch is saved and the last is published, which is what a job does anyway. The service keeps the files.
     */
    private static ModelCheckpoint.Config modelCheckpoint(Arguments a, String path) {
        if (a.has("filepath")) {
            throw ServiceException.badRequest(path + ".filepath", "the service keeps checkpoints itself: leave out"
                    + " filepath; with save_best_only the best epoch becomes the published model version");
        }
        Object freq = a.raw("save_freq");
        if (freq != null && !"epoch".equals(freq)) {
            throw ServiceException.badRequest(path + ".save_freq", "save_freq must be \"epoch\": the service saves at"
                    + " the end of epochs");
        }
        a.bool("save_weights_only", false); // either way the weights become a model version
        String monitor = a.string("monitor", null);
        String mode = a.string("mode", null);
        Double threshold = a.optionalNumber("initial_value_threshold");
        return a.bool("save_best_only", false) ? new ModelCheckpoint.Config(monitor, mode, threshold) : null;
    }
}
