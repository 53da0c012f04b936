package org.rnnservice.engine.train;

/**
 * Training or evaluation data as the trainer sees it: {@link #count} samples of {@link #steps} time steps of
 * {@link #features} values, each with {@link #targetSize} target values. Samples are copied batch by batch, so a
 * source may keep a compact form (token ids) and expand it only for the batch at hand.
 */
public interface Samples {

    int count();

    /** Time steps per sample; 0 for flat (non-sequence) inputs. */
    int steps();

    int features();

    /** Target values per sample: outputs (times steps for sequence outputs), or class indices for sparse losses. */
    int targetSize();

    /** Copies the inputs of samples {@code order[from .. from+n)} batch-major into {@code dst}. */
    void inputs(int[] order, int from, int n, float[] dst);

    /** Copies the targets of samples {@code order[from .. from+n)} into {@code dst}. */
    void targets(int[] order, int from, int n, float[] dst);

    /** Whether each sample carries a weight: Keras' {@code sample_weight}. */
    default boolean weighted() {
        return false;
    }

    /** For {@link #weighted} samples: the weights of samples {@code order[from .. from+n)} into {@code dst}. */
    default void sampleWeights(int[] order, int from, int n, float[] dst) {
        throw new UnsupportedOperationException("these samples carry no weights");
    }

    /** Dense samples held as float arrays: {@code x} is {@code [count, steps, features]}, {@code y} {@code [count, targetSize]}. */
    static Samples of(float[] x, float[] y, int count, int steps, int features, int targetSize) {
        return new ArraySamples(x, y, count, steps, features, targetSize, null);
    }

    /** As {@link #of(float[], float[], int, int, int, int)} with a weight per sample ({@code sample_weight}). */
    static Samples of(float[] x, float[] y, int count, int steps, int features, int targetSize, float[] weights) {
        return new ArraySamples(x, y, count, steps, features, targetSize, weights);
    }

    /** Samples {@code [from, to)} of this source, in order, without copying. */
    default Samples slice(int from, int to) {
        Samples base = this;
        return new Samples() {
            public int count() {
                return to - from;
            }

            public int steps() {
                return base.steps();
            }

            public int features() {
                return base.features();
            }

            public int targetSize() {
                return base.targetSize();
            }

            public void inputs(int[] order, int start, int n, float[] dst) {
                base.inputs(shift(order, start, n), 0, n, dst);
            }

            public void targets(int[] order, int start, int n, float[] dst) {
                base.targets(shift(order, start, n), 0, n, dst);
            }

            public boolean weighted() {
                return base.weighted();
            }

            public void sampleWeights(int[] order, int start, int n, float[] dst) {
                base.sampleWeights(shift(order, start, n), 0, n, dst);
            }

            private int[] shift(int[] order, int start, int n) {
                int[] idx = new int[n];
                for (int i = 0; i < n; i++) {
                    idx[i] = order[start + i] + from;
                }
                return idx;
            }
        };
    }
}
