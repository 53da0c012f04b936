package org.rnnservice.jobs;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.rnnservice.engine.train.EarlyStopping;
import org.rnnservice.engine.train.ModelCheckpoint;
import org.rnnservice.engine.train.ReduceLrOnPlateau;
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
            Args a = new Args(c, path);
            try {
                switch (type) {
                    case "EarlyStopping" -> es = new EarlyStopping.Config(a.string("monitor"),
                            a.number("min_delta", 0), a.whole("patience", 0), a.string("mode"),
                            a.bool("restore_best_weights", false), a.whole("start_from_epoch", 0),
                            a.optionalNumber("baseline"));
                    case "ReduceLROnPlateau" -> rl = new ReduceLrOnPlateau.Config(a.string("monitor"),
                            a.number("factor", 0.1), a.whole("patience", 10), a.string("mode"),
                            a.number("min_delta", 1e-4), a.whole("cooldown", 0), a.number("min_lr", 0));
                    default -> mc = modelCheckpoint(a, path);
                }
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
    private static ModelCheckpoint.Config modelCheckpoint(Args a, String path) {
        if (a.present("filepath")) {
            throw ServiceException.badRequest(path + ".filepath", "the service keeps checkpoints itself: leave out"
                    + " filepath; with save_best_only the best epoch becomes the published model version");
        }
        Object freq = a.raw("save_freq");
        if (freq != null && !"epoch".equals(freq)) {
            throw ServiceException.badRequest(path + ".save_freq", "save_freq must be \"epoch\": the service saves at"
                    + " the end of epochs");
        }
        a.bool("save_weights_only", false); // either way the weights become a model version
        String monitor = a.string("monitor");
        String mode = a.string("mode");
        Double threshold = a.optionalNumber("initial_value_threshold");
        return a.bool("save_best_only", false) ? new ModelCheckpoint.Config(monitor, mode, threshold) : null;
    }

    /** One callback's arguments, each read once by name, so that the rest can be refused. */
    private static final class Args {
        private final Map<String, Object> values;
        private final String path;
        private final List<String> read = new ArrayList<>(List.of("type", "verbose"));

        Args(Map<String, Object> values, String path) {
            this.values = values;
            this.path = path;
        }

        boolean present(String key) {
            read.add(key);
            return values.get(key) != null;
        }

        Object raw(String key) {
            read.add(key);
            return values.get(key);
        }

        String string(String key) {
            Object v = raw(key);
            if (v != null && !(v instanceof String)) {
                throw ServiceException.badRequest(path + "." + key, key + " must be a string");
            }
            return (String) v;
        }

        double number(String key, double fallback) {
            Double v = optionalNumber(key);
            return v == null ? fallback : v;
        }

        Double optionalNumber(String key) {
            Object v = raw(key);
            if (v == null) {
                return null;
            }
            if (!(v instanceof Number n) || !Double.isFinite(n.doubleValue())) {
                throw ServiceException.badRequest(path + "." + key, key + " must be a number");
            }
            return n.doubleValue();
        }

        int whole(String key, int fallback) {
            Object v = raw(key);
            if (v == null) {
                return fallback;
            }
            if (!(v instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue())
                    || Math.abs(n.doubleValue()) > Integer.MAX_VALUE) {
                throw ServiceException.badRequest(path + "." + key, key + " must be a whole number");
            }
            return n.intValue();
        }

        boolean bool(String key, boolean fallback) {
            Object v = raw(key);
            if (v == null) {
                return fallback;
            }
            if (!(v instanceof Boolean b)) {
                throw ServiceException.badRequest(path + "." + key, key + " must be true or false");
            }
            return b;
        }

        void rejectUnknown() {
            for (String key : values.keySet()) {
                if (!read.contains(key)) {
                    throw ServiceException.badRequest(path + "." + key, "unknown argument '" + key + "' of "
                            + values.get("type") + "; it takes " + read.subList(2, read.size()));
                }
            }
        }
    }
}
