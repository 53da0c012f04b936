package org.rnnservice.engine.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/** tanh and sigmoid on the Vector API, as one rational function of exact IEEE operations (deterministic bits). */
final class VectorActivations {

    private static final VectorSpecies<Float> S = VectorWidth.SPECIES;
    private static final int L = S.length();

    private VectorActivations() {
    }

    /*
     * tanh as a rational function, p(x)/q(x) of odd degree 13 over even degree 6 on x clamped to +-7.9053 (the
     * approximation Eigen and XLA use; max abs error ~3e-7). Only adds, multiplies, fmas and one division: exact IEEE
     * operations that give the same bits interpreted, JIT-compiled or vectorized, so training stays deterministic
     * (lanewise TANH and EXP fall back to Math in the interpreter and use other code once compiled).
     */
    private static final float CLAMP = 7.90531110763549805f;
    private static final float A1 = 4.89352455891786e-03f;
    private static final float A3 = 6.37261928875436e-04f;
    private static final float A5 = 1.48572235717979e-05f;
    private static final float A7 = 5.12229709037114e-08f;
    private static final float A9 = -8.60467152213735e-11f;
    private static final float A11 = 2.00018790482477e-13f;
    private static final float A13 = -2.76076847742355e-16f;
    private static final float B0 = 4.89352518554385e-03f;
    private static final float B2 = 2.26843463243900e-03f;
    private static final float B4 = 1.18534705686654e-04f;
    private static final float B6 = 1.19825839466702e-06f;

    /**
     * tanh, or sigmoid(x) = 0.5 + 0.5 * tanh(x / 2) with the same rational tanh. One method for both, called
     * straight from the kernels: every level of calls counts against C2's inlining depth in a recurrent step.
     */
    static void activate(float[] x, int xOff, float[] out, int outOff, int len, boolean sigmoid) {
        float scale = sigmoid ? 0.5f : 1f;
        int i = 0;
        for (; i + L <= len; i += L) {
            FloatVector t = rationalTanh(FloatVector.fromArray(S, x, xOff + i).mul(scale));
            (sigmoid ? t.fma(0.5f, 0.5f) : t).intoArray(out, outOff + i);
        }
        if (i == 0) {
            // shorter than a vector (a SimpleRNN(10), say): plain code, which the interpreter and C1 run far faster
            // than masked vector operations while a short job is still warming up
            for (; i < len; i++) {
                out[outOff + i] = rationalActivation(x[xOff + i], sigmoid);
            }
        } else if (i < len) {
            // the tail under a mask: lane for lane the same IEEE operations as the body, so the same bits
            VectorMask<Float> m = S.indexInRange(i, len);
            FloatVector t = rationalTanh(FloatVector.fromArray(S, x, xOff + i, m).mul(scale));
            (sigmoid ? t.fma(0.5f, 0.5f) : t).intoArray(out, outOff + i, m);
        }
    }

    /** One element of {@link #activate} in scalar code: the identical sequence of IEEE operations, so the same bits. */
    static float rationalActivation(float in, boolean sigmoid) {
        float v = Math.min(Math.max(in * (sigmoid ? 0.5f : 1f), -CLAMP), CLAMP);
        float v2 = v * v;
        float p = Math.fma(v2, A13, A11);
        p = Math.fma(v2, p, A9);
        p = Math.fma(v2, p, A7);
        p = Math.fma(v2, p, A5);
        p = Math.fma(v2, p, A3);
        p = Math.fma(v2, p, A1) * v;
        float q = Math.fma(v2, B6, B4);
        q = Math.fma(v2, q, B2);
        q = Math.fma(v2, q, B0);
        float t = p / q;
        return sigmoid ? Math.fma(t, 0.5f, 0.5f) : t;
    }

    /** The rational tanh of every lane; small enough that C2 inlines it wherever it is used. */
    static FloatVector rationalTanh(FloatVector x) {
        FloatVector v = x.max(-CLAMP).min(CLAMP);
        FloatVector v2 = v.mul(v);
        FloatVector p = v2.fma(A13, A11);
        p = v2.fma(p, FloatVector.broadcast(S, A9));
        p = v2.fma(p, FloatVector.broadcast(S, A7));
        p = v2.fma(p, FloatVector.broadcast(S, A5));
        p = v2.fma(p, FloatVector.broadcast(S, A3));
        p = v2.fma(p, FloatVector.broadcast(S, A1)).mul(v);
        FloatVector q = v2.fma(B6, B4);
        q = v2.fma(q, FloatVector.broadcast(S, B2));
        q = v2.fma(q, FloatVector.broadcast(S, B0));
        return p.div(q);
    }
}
