package org.rnnservice.engine.model;

import org.rnnservice.engine.layers.InvalidModelException;

/** A model that would have more weights than its builder allows, refused before any weight is allocated. */
public class TooManyParamsException extends InvalidModelException {

    public TooManyParamsException(String field, String message) {
        super(field, message);
    }
}
