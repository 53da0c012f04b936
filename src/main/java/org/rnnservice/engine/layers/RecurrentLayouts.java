package org.rnnservice.engine.layers;

import java.util.function.BiFunction;
import java.util.function.BinaryOperator;
import java.util.function.UnaryOperator;

/**
 * The laid-out weights a recurrent layer's steps multiply by in a pass: those its data-parallel replicas share
 * ({@link SharedLayouts}) when current, else its own, laid out for the pass.
 */
final class RecurrentLayouts {

    private final BiFunction<SharedLayouts.Forward, float[], float[]> packForward;
    private final UnaryOperator<float[]> transpose;
    private final BinaryOperator<float[]> packTransposed;
    private SharedLayouts shared = new SharedLayouts();
    private float[] ownForward;
    private float[] ownTransposed;
    private float[] ownBackward;
    private float[] forward;
    private float[] transposed;
    private float[] backward;

    /**
     * @param packForward lays out what the forward steps multiply by, into the array given when large enough
     * @param transpose transposes the recurrent kernel, into the array given when large enough
     * @param packTransposed lays out the transposed kernel for the backward steps
     */
    RecurrentLayouts(BiFunction<SharedLayouts.Forward, float[], float[]> packForward,
            UnaryOperator<float[]> transpose, BinaryOperator<float[]> packTransposed) {
        this.packForward = packForward;
        this.transpose = transpose;
        this.packTransposed = packTransposed;
    }

    /** Uses the layouts {@code source} and its other replicas share. */
    void shareWith(RecurrentLayouts source) {
        shared = source.shared;
    }

    /** Two tasks for the replicas' team: the forward pass's layout and the backward's. */
    void runTask(int task) {
        if (task == 0) {
            shared.layOutForward(packForward);
        } else {
            shared.layOutBackward(transpose, packTransposed);
        }
    }

    void drop() {
        shared.drop();
    }

    /** Before a forward pass that multiplies by the {@code kind} layout. */
    void startForward(SharedLayouts.Forward kind, boolean training) {
        if (training) {
            shared.used(kind);
        }
        forward = shared.forward(kind);
        if (forward == null) {
            ownForward = packForward.apply(kind, ownForward);
            forward = ownForward;
        }
    }

    /** Before a backward pass. */
    void startBackward() {
        if (shared.backwardCurrent()) {
            transposed = shared.transposed();
            backward = shared.backward();
        } else {
            ownTransposed = transpose.apply(ownTransposed);
            ownBackward = packTransposed.apply(ownTransposed, ownBackward);
            transposed = ownTransposed;
            backward = ownBackward;
        }
    }

    /** What the current forward pass's steps multiply by. */
    float[] forward() {
        return forward;
    }

    /** The recurrent kernel transposed {@code [gates*u, u]}, for the current backward pass. */
    float[] transposed() {
        return transposed;
    }

    /** The transposed recurrent kernel laid out for the current backward pass's products. */
    float[] backward() {
        return backward;
    }
}
