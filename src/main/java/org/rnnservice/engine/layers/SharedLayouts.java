package org.rnnservice.engine.layers;

import java.util.function.BiFunction;
import java.util.function.BinaryOperator;
import java.util.function.UnaryOperator;

/**
 * The weight layouts a recurrent layer and its replicas multiply by at every step (the forward steps' and the
 * backward's), laid out once per batch by one of the team's threads instead of once by each replica, and valid until
 * the weights change ({@link #drop}). A layout that is not current is never used: each pass then lays out its own.
 */
final class SharedLayouts {

    /** What the forward steps multiply by: the recurrent kernel alone, or the joint {@code [b; W; U]}. */
    enum Forward { RECURRENT_KERNEL, JOINT }

    /** The forward layout the last training pass used, the one worth laying out; null before the first. */
    private volatile Forward lastUsed;
    private volatile boolean forwardCurrent;
    private volatile boolean backwardCurrent;
    private Forward forwardKind;
    private float[] forward;
    private float[] transposed;
    private float[] backward;

    /** Notes the forward layout a training pass uses. */
    void used(Forward kind) {
        lastUsed = kind;
    }

    /** The shared forward layout if it is current and of this kind, else null. */
    float[] forward(Forward kind) {
        return forwardCurrent && forwardKind == kind ? forward : null;
    }

    boolean backwardCurrent() {
        return backwardCurrent;
    }

    /** The transposed recurrent kernel; valid while {@link #backwardCurrent}. */
    float[] transposed() {
        return transposed;
    }

    /** The transposed recurrent kernel packed for the backward products; valid while {@link #backwardCurrent}. */
    float[] backward() {
        return backward;
    }

    /** Lays out the forward steps' matrix of the kind the last training pass used (none before the first pass). */
    void layOutForward(BiFunction<Forward, float[], float[]> pack) {
        Forward kind = lastUsed;
        if (kind != null) {
            forwardKind = kind;
            forward = pack.apply(kind, forward);
            forwardCurrent = true;
        }
    }

    /** Lays out the backward pass's transposed recurrent kernel and its packing. */
    void layOutBackward(UnaryOperator<float[]> transpose, BinaryOperator<float[]> pack) {
        transposed = transpose.apply(transposed);
        backward = pack.apply(transposed, backward);
        backwardCurrent = true;
    }

    /** Marks every layout stale: the weights are about to change. */
    void drop() {
        forwardCurrent = false;
        backwardCurrent = false;
    }
}
