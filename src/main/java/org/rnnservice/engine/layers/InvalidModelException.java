package org.rnnservice.engine.layers;

/** A model definition that cannot be built, naming the offending field (such as {@code layers[0].units}). */
public class InvalidModelException extends IllegalArgumentException {

    private final String field;

    public InvalidModelException(String field, String message) {
        super(message);
        this.field = field;
    }

    /** The path of the field at fault, for error responses. */
    public String field() {
        return field;
    }
}
