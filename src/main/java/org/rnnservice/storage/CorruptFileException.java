package org.rnnservice.storage;

import java.io.IOException;
import java.nio.file.Path;

/** A stored file that is torn, altered or of an unknown format: refused rather than served. */
public class CorruptFileException extends IOException {

    public CorruptFileException(Path path, String reason) {
        super(path + ": " + reason);
    }

    /** Damage found in stored data named {@code where} (a database row, say). */
    public CorruptFileException(String where, String reason) {
        super(where + ": " + reason);
    }
}
