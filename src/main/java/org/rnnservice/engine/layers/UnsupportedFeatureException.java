package org.rnnservice.engine.layers;

/**
 * A well-formed Keras setting, layer or model that this engine does not implement: refused by name rather than
 * accepted and ignored, so that no model trains differently from what its definition says.
 */
public class UnsupportedFeatureException extends InvalidModelException {

    public UnsupportedFeatureException(String field, String message) {
        super(field, message);
    }
}
