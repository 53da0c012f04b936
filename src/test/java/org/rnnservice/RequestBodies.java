package org.rnnservice;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Model and dataset definitions written the way a user writes them, shared by engine and API tests. */
public final class RequestBodies {

    private RequestBodies() {
    }

    /** A layer definition: the Keras type, then alternating argument names and values. */
    public static Map<String, Object> layer(String type, Object... args) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", type);
        for (int i = 0; i < args.length; i += 2) {
            m.put((String) args[i], args[i + 1]);
        }
        return m;
    }

    /** A JSON dataset of sine windows: {@code n} samples of {@code steps} steps, the next value as target. */
    public static Map<String, Object> sineDataset(int n, int steps) {
        List<Object> x = new ArrayList<>();
        List<Object> y = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            List<Object> seq = new ArrayList<>();
            for (int t = 0; t < steps; t++) {
                seq.add(List.of(Math.sin(0.1 * (i + t))));
            }
            x.add(seq);
            y.add(Math.sin(0.1 * (i + steps)));
        }
        return Map.of("name", "sine", "x", x, "y", y);
    }
}
