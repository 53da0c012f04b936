package org.rnnservice.storage;

import java.io.IOException;

/** A document was to be created under a name another document of its collection has. */
public final class NameTakenException extends IOException {

    private final String name;

    public NameTakenException(String name) {
        super("the name '" + name + "' is taken");
        this.name = name;
    }

    public String name() {
        return name;
    }
}
