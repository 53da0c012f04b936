package org.rnnservice.datasets;

import java.util.List;
import org.rnnservice.errors.ServiceException;

/** {@code rnn.limits.dataset-values}, checked before the arrays that would exceed it are allocated. */
final class DatasetValues {

    private DatasetValues() {
    }

    /**
     * Refuses (413, naming {@code field}) a dataset that would hold more than {@code max} values; {@code what} says
     * what would hold them and {@code hint} how to make it smaller (may be empty).
     */
    static void check(long values, long max, String what, String field, String hint) {
        if (values > max) {
            throw new ServiceException(ServiceException.Kind.TOO_LARGE, what + " would hold " + values
                    + " values, more than rnn.limits.dataset-values = " + max + hint,
                    List.of(new ServiceException.FieldError(field, "more than " + max + " values")), null);
        }
    }
}
