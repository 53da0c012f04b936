package org.rnnservice.keras;

import org.rnnservice.engine.layers.InvalidModelException;

/**
 * How many weight values a file may still make us read: checked against each dataset's declared size before its
 * data is read, so a crafted header that claims billions of values costs nothing.
 */
final class WeightBudget {

    private final long max;
    private long left;

    WeightBudget(long max) {
        this.max = max;
        this.left = max;
    }

    void take(long values, String path) {
        if (values < 0 || values > left) {
            throw new InvalidModelException("file", "the file's weights exceed " + max + " values (at " + path
                    + "), more than a model may have here");
        }
        left -= values;
    }
}
