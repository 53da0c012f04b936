package org.rnnservice.engine.train;

/**
 * {@code fit()} settings that cannot train: the field at fault (in Keras' words, such as {@code validation_split}) and
 * whether it is wrong in itself or only for the data at hand.
 */
public class InvalidFitException extends IllegalArgumentException {

    private final String field;
    private final boolean forTheData;

    public InvalidFitException(String field, String message, boolean forTheData) {
        super(message);
        this.field = field;
        this.forTheData = forTheData;
    }

    public String field() {
        return field;
    }

    /** True when the setting is valid but does not fit the data (too few samples for the split, say). */
    public boolean forTheData() {
        return forTheData;
    }
}
