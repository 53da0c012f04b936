package org.rnnservice.datasets;

import java.util.List;

/** A table of numeric columns, one row per time step, held column by column: how a series is stored and windowed. */
record Series(List<String> names, float[][] columns, int rows) {

    /** The index of a column given by name, or by index when no column has that name. */
    int column(String ref, String param) {
        int byName = names.indexOf(ref);
        if (byName >= 0) {
            return byName;
        }
        try {
            int c = Integer.parseInt(ref);
            if (c >= 0 && c < names.size()) {
                return c;
            }
        } catch (NumberFormatException ignored) {
            // not an index either
        }
        throw org.rnnservice.errors.ServiceException.badRequest(param, param + " '" + ref
                + "' is neither a numeric column's name (" + names + ") nor an index below " + names.size());
    }
}
