package org.rnnservice.engine.layers;

/**
 * A batch flowing between layers: {@code [batch, features]} when {@code steps == 0}, else a sequence stored
 * time-major as {@code [steps, batch, features]}, so that one time step of the whole batch is a contiguous block.
 * The array may be longer than the tensor and belongs to the layer that produced it until its next call.
 */
public record Tensor(float[] data, int batch, int steps, int features) {

    /** Whether this tensor has a time axis. */
    public boolean isSequence() {
        return steps > 0;
    }

    /** Rows of {@code features} values: batch times steps (or just batch). */
    public int rows() {
        return isSequence() ? batch * steps : batch;
    }

    /** Number of values in the tensor. */
    public int size() {
        return rows() * features;
    }

    /** Converts batch-major {@code [batch, steps, features]} into the time-major layout used inside the engine. */
    public static Tensor fromBatchMajor(float[] src, int srcOff, int batch, int steps, int features, float[] dst) {
        if (steps == 0) {
            System.arraycopy(src, srcOff, dst, 0, batch * features);
            return new Tensor(dst, batch, 0, features);
        }
        for (int b = 0; b < batch; b++) {
            for (int t = 0; t < steps; t++) {
                System.arraycopy(src, srcOff + (b * steps + t) * features, dst, (t * batch + b) * features, features);
            }
        }
        return new Tensor(dst, batch, steps, features);
    }

    /** Copies this tensor into {@code dst} in batch-major order ({@code [batch, steps, features]}). */
    public float[] toBatchMajor(float[] dst) {
        if (!isSequence()) {
            System.arraycopy(data, 0, dst, 0, size());
            return dst;
        }
        for (int b = 0; b < batch; b++) {
            for (int t = 0; t < steps; t++) {
                System.arraycopy(data, (t * batch + b) * features, dst, (b * steps + t) * features, features);
            }
        }
        return dst;
    }
}
