package org.rnnservice.engine.layers;

/**
 * The shape of one sample as a layer sees it, batch axis left out: {@code (steps, features)} for a sequence, where
 * {@code steps} may be unknown ({@code null}, Keras' {@code None}), or {@code (features)} for a flat vector.
 */
public record LayerShape(boolean sequence, Integer steps, int features) {

    /** A sequence shape; {@code steps} null when the length varies. */
    public static LayerShape sequence(Integer steps, int features) {
        return new LayerShape(true, steps, features);
    }

    /** A flat (per-sample vector) shape. */
    public static LayerShape flat(int features) {
        return new LayerShape(false, null, features);
    }

    /** The shape with a leading batch axis as Keras prints it, e.g. {@code (None, None, 10)}. */
    public String toKeras() {
        if (sequence) {
            return "(None, " + (steps == null ? "None" : steps) + ", " + features + ")";
        }
        return "(None, " + features + ")";
    }

    /** The shape with its batch axis as a list, {@code null} for unknown sizes: {@code [null, 10]}. */
    public java.util.List<Integer> toList() {
        java.util.List<Integer> dims = new java.util.ArrayList<>();
        dims.add(null);
        if (sequence) {
            dims.add(steps);
        }
        dims.add(features);
        return dims;
    }
}
