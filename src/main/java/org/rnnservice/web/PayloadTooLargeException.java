package org.rnnservice.web;

import java.io.IOException;

/** The request body grew past {@code rnn.limits.request-size} while it was being read. */
public class PayloadTooLargeException extends IOException {

    public PayloadTooLargeException(long limit) {
        super("the request body exceeds the limit of " + limit + " bytes (rnn.limits.request-size)");
    }

    /** This exception anywhere in the cause chain of {@code e}, or null. */
    public static PayloadTooLargeException findIn(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof PayloadTooLargeException p) {
                return p;
            }
        }
        return null;
    }
}
