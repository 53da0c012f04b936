package org.rnnservice.storage;

import java.io.IOException;

/** The store cannot be reached for now (its database is down or every connection is busy): retry shortly. */
public final class StoreUnavailableException extends IOException {

    public StoreUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
