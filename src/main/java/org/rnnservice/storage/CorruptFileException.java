package org.rnnservice.storage;

import java.io.IOException;
import java.nio.file.Path;

/** A stored file that is torn, altered or of an unknown format: refused rather than served. */
public class CorruptFileException extends IOException {

    public CorruptFileException(Path path, String reason) {
        super(path + ": " + reason);
    }
}
