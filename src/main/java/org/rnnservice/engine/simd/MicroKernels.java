package org.rnnservice.engine.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The register-blocked micro-kernels of {@link VectorGemm}: each computes a small block of C over a slice of k from
 * a packed panel of B, its accumulators in registers. Each is its own small method so that C2 inlines every vector
 * operation inside it (one big method exhausts the inlining budget and boxes the vectors).
 */
final class MicroKernels {

    private static final VectorSpecies<Float> S = VectorWidth.SPECIES;
    private static final int L = S.length();
    /** Columns of a packed panel: four vectors. */
    private static final int WIDE = 4 * L;

    private MicroKernels() {
    }

    /** 6 rows by 4 vectors of C: 24 accumulators, 4 loads of B and 6 broadcasts of A per step of k. */
    static void k6x4(int k, float[] a, int a0, int ars, int acs, float[] b, int b0,
                             float[] c, int c0, int ldc, boolean acc) {
        FloatVector x00, x01, x02, x03, x10, x11, x12, x13, x20, x21, x22, x23;
        FloatVector x30, x31, x32, x33, x40, x41, x42, x43, x50, x51, x52, x53;
        if (acc) {
            x00 = FloatVector.fromArray(S, c, c0); x01 = FloatVector.fromArray(S, c, c0 + L);
            x02 = FloatVector.fromArray(S, c, c0 + 2 * L); x03 = FloatVector.fromArray(S, c, c0 + 3 * L);
            int r = c0 + ldc;
            x10 = FloatVector.fromArray(S, c, r); x11 = FloatVector.fromArray(S, c, r + L);
            x12 = FloatVector.fromArray(S, c, r + 2 * L); x13 = FloatVector.fromArray(S, c, r + 3 * L);
            r += ldc;
            x20 = FloatVector.fromArray(S, c, r); x21 = FloatVector.fromArray(S, c, r + L);
            x22 = FloatVector.fromArray(S, c, r + 2 * L); x23 = FloatVector.fromArray(S, c, r + 3 * L);
            r += ldc;
            x30 = FloatVector.fromArray(S, c, r); x31 = FloatVector.fromArray(S, c, r + L);
            x32 = FloatVector.fromArray(S, c, r + 2 * L); x33 = FloatVector.fromArray(S, c, r + 3 * L);
            r += ldc;
            x40 = FloatVector.fromArray(S, c, r); x41 = FloatVector.fromArray(S, c, r + L);
            x42 = FloatVector.fromArray(S, c, r + 2 * L); x43 = FloatVector.fromArray(S, c, r + 3 * L);
            r += ldc;
            x50 = FloatVector.fromArray(S, c, r); x51 = FloatVector.fromArray(S, c, r + L);
            x52 = FloatVector.fromArray(S, c, r + 2 * L); x53 = FloatVector.fromArray(S, c, r + 3 * L);
        } else {
            x00 = x01 = x02 = x03 = x10 = x11 = x12 = x13 = x20 = x21 = x22 = x23 = FloatVector.zero(S);
            x30 = x31 = x32 = x33 = x40 = x41 = x42 = x43 = x50 = x51 = x52 = x53 = FloatVector.zero(S);
        }
        for (int p = 0; p < k; p++) {
            int bp = b0 + p * WIDE; // a constant stride: C2 can hoist the bounds checks out of the loop
            FloatVector y0 = FloatVector.fromArray(S, b, bp);
            FloatVector y1 = FloatVector.fromArray(S, b, bp + L);
            FloatVector y2 = FloatVector.fromArray(S, b, bp + 2 * L);
            FloatVector y3 = FloatVector.fromArray(S, b, bp + 3 * L);
            int ap = a0 + p * acs;
            FloatVector v = FloatVector.broadcast(S, a[ap]);
            x00 = v.fma(y0, x00); x01 = v.fma(y1, x01); x02 = v.fma(y2, x02); x03 = v.fma(y3, x03);
            v = FloatVector.broadcast(S, a[ap + ars]);
            x10 = v.fma(y0, x10); x11 = v.fma(y1, x11); x12 = v.fma(y2, x12); x13 = v.fma(y3, x13);
            v = FloatVector.broadcast(S, a[ap + 2 * ars]);
            x20 = v.fma(y0, x20); x21 = v.fma(y1, x21); x22 = v.fma(y2, x22); x23 = v.fma(y3, x23);
            v = FloatVector.broadcast(S, a[ap + 3 * ars]);
            x30 = v.fma(y0, x30); x31 = v.fma(y1, x31); x32 = v.fma(y2, x32); x33 = v.fma(y3, x33);
            v = FloatVector.broadcast(S, a[ap + 4 * ars]);
            x40 = v.fma(y0, x40); x41 = v.fma(y1, x41); x42 = v.fma(y2, x42); x43 = v.fma(y3, x43);
            v = FloatVector.broadcast(S, a[ap + 5 * ars]);
            x50 = v.fma(y0, x50); x51 = v.fma(y1, x51); x52 = v.fma(y2, x52); x53 = v.fma(y3, x53);
        }
        x00.intoArray(c, c0); x01.intoArray(c, c0 + L); x02.intoArray(c, c0 + 2 * L); x03.intoArray(c, c0 + 3 * L);
        int r = c0 + ldc;
        x10.intoArray(c, r); x11.intoArray(c, r + L); x12.intoArray(c, r + 2 * L); x13.intoArray(c, r + 3 * L);
        r += ldc;
        x20.intoArray(c, r); x21.intoArray(c, r + L); x22.intoArray(c, r + 2 * L); x23.intoArray(c, r + 3 * L);
        r += ldc;
        x30.intoArray(c, r); x31.intoArray(c, r + L); x32.intoArray(c, r + 2 * L); x33.intoArray(c, r + 3 * L);
        r += ldc;
        x40.intoArray(c, r); x41.intoArray(c, r + L); x42.intoArray(c, r + 2 * L); x43.intoArray(c, r + 3 * L);
        r += ldc;
        x50.intoArray(c, r); x51.intoArray(c, r + L); x52.intoArray(c, r + 2 * L); x53.intoArray(c, r + 3 * L);
    }

    /** 4 rows by 4 vectors of C. */
    static void k4x4(int k, float[] a, int a0, int ars, int acs, float[] b, int b0,
                             float[] c, int c0, int ldc, boolean acc) {
        FloatVector x00, x01, x02, x03, x10, x11, x12, x13, x20, x21, x22, x23, x30, x31, x32, x33;
        if (acc) {
            x00 = FloatVector.fromArray(S, c, c0); x01 = FloatVector.fromArray(S, c, c0 + L);
            x02 = FloatVector.fromArray(S, c, c0 + 2 * L); x03 = FloatVector.fromArray(S, c, c0 + 3 * L);
            int r = c0 + ldc;
            x10 = FloatVector.fromArray(S, c, r); x11 = FloatVector.fromArray(S, c, r + L);
            x12 = FloatVector.fromArray(S, c, r + 2 * L); x13 = FloatVector.fromArray(S, c, r + 3 * L);
            r += ldc;
            x20 = FloatVector.fromArray(S, c, r); x21 = FloatVector.fromArray(S, c, r + L);
            x22 = FloatVector.fromArray(S, c, r + 2 * L); x23 = FloatVector.fromArray(S, c, r + 3 * L);
            r += ldc;
            x30 = FloatVector.fromArray(S, c, r); x31 = FloatVector.fromArray(S, c, r + L);
            x32 = FloatVector.fromArray(S, c, r + 2 * L); x33 = FloatVector.fromArray(S, c, r + 3 * L);
        } else {
            x00 = x01 = x02 = x03 = x10 = x11 = x12 = x13 = FloatVector.zero(S);
            x20 = x21 = x22 = x23 = x30 = x31 = x32 = x33 = FloatVector.zero(S);
        }
        for (int p = 0; p < k; p++) {
            int bp = b0 + p * WIDE; // a constant stride: C2 can hoist the bounds checks out of the loop
            FloatVector y0 = FloatVector.fromArray(S, b, bp);
            FloatVector y1 = FloatVector.fromArray(S, b, bp + L);
            FloatVector y2 = FloatVector.fromArray(S, b, bp + 2 * L);
            FloatVector y3 = FloatVector.fromArray(S, b, bp + 3 * L);
            int ap = a0 + p * acs;
            FloatVector v = FloatVector.broadcast(S, a[ap]);
            x00 = v.fma(y0, x00); x01 = v.fma(y1, x01); x02 = v.fma(y2, x02); x03 = v.fma(y3, x03);
            v = FloatVector.broadcast(S, a[ap + ars]);
            x10 = v.fma(y0, x10); x11 = v.fma(y1, x11); x12 = v.fma(y2, x12); x13 = v.fma(y3, x13);
            v = FloatVector.broadcast(S, a[ap + 2 * ars]);
            x20 = v.fma(y0, x20); x21 = v.fma(y1, x21); x22 = v.fma(y2, x22); x23 = v.fma(y3, x23);
            v = FloatVector.broadcast(S, a[ap + 3 * ars]);
            x30 = v.fma(y0, x30); x31 = v.fma(y1, x31); x32 = v.fma(y2, x32); x33 = v.fma(y3, x33);
        }
        x00.intoArray(c, c0); x01.intoArray(c, c0 + L); x02.intoArray(c, c0 + 2 * L); x03.intoArray(c, c0 + 3 * L);
        int r = c0 + ldc;
        x10.intoArray(c, r); x11.intoArray(c, r + L); x12.intoArray(c, r + 2 * L); x13.intoArray(c, r + 3 * L);
        r += ldc;
        x20.intoArray(c, r); x21.intoArray(c, r + L); x22.intoArray(c, r + 2 * L); x23.intoArray(c, r + 3 * L);
        r += ldc;
        x30.intoArray(c, r); x31.intoArray(c, r + L); x32.intoArray(c, r + 2 * L); x33.intoArray(c, r + 3 * L);
    }

    /** One row by 4 vectors of C. */
    static void k1x4(int k, float[] a, int a0, int acs, float[] b, int b0, float[] c, int c0,
                             boolean acc) {
        FloatVector x0, x1, x2, x3;
        if (acc) {
            x0 = FloatVector.fromArray(S, c, c0); x1 = FloatVector.fromArray(S, c, c0 + L);
            x2 = FloatVector.fromArray(S, c, c0 + 2 * L); x3 = FloatVector.fromArray(S, c, c0 + 3 * L);
        } else {
            x0 = x1 = x2 = x3 = FloatVector.zero(S);
        }
        for (int p = 0; p < k; p++) {
            int bp = b0 + p * WIDE; // a constant stride: C2 can hoist the bounds checks out of the loop
            FloatVector v = FloatVector.broadcast(S, a[a0 + p * acs]);
            x0 = v.fma(FloatVector.fromArray(S, b, bp), x0);
            x1 = v.fma(FloatVector.fromArray(S, b, bp + L), x1);
            x2 = v.fma(FloatVector.fromArray(S, b, bp + 2 * L), x2);
            x3 = v.fma(FloatVector.fromArray(S, b, bp + 3 * L), x3);
        }
        x0.intoArray(c, c0); x1.intoArray(c, c0 + L); x2.intoArray(c, c0 + 2 * L); x3.intoArray(c, c0 + 3 * L);
    }

    /** One row by two panels (8 vectors) of C: the same sums as {@link #k1x4} on each panel, twice the chains. */
    static void k1x8(int k, float[] a, int a0, float[] b, int b0, int b1, float[] c, int c0, boolean acc) {
        FloatVector x0, x1, x2, x3, x4, x5, x6, x7;
        if (acc) {
            x0 = FloatVector.fromArray(S, c, c0); x1 = FloatVector.fromArray(S, c, c0 + L);
            x2 = FloatVector.fromArray(S, c, c0 + 2 * L); x3 = FloatVector.fromArray(S, c, c0 + 3 * L);
            x4 = FloatVector.fromArray(S, c, c0 + 4 * L); x5 = FloatVector.fromArray(S, c, c0 + 5 * L);
            x6 = FloatVector.fromArray(S, c, c0 + 6 * L); x7 = FloatVector.fromArray(S, c, c0 + 7 * L);
        } else {
            x0 = x1 = x2 = x3 = x4 = x5 = x6 = x7 = FloatVector.zero(S);
        }
        for (int p = 0; p < k; p++) {
            FloatVector v = FloatVector.broadcast(S, a[a0 + p]);
            int p0 = b0 + p * WIDE;
            int p1 = b1 + p * WIDE;
            x0 = v.fma(FloatVector.fromArray(S, b, p0), x0);
            x1 = v.fma(FloatVector.fromArray(S, b, p0 + L), x1);
            x2 = v.fma(FloatVector.fromArray(S, b, p0 + 2 * L), x2);
            x3 = v.fma(FloatVector.fromArray(S, b, p0 + 3 * L), x3);
            x4 = v.fma(FloatVector.fromArray(S, b, p1), x4);
            x5 = v.fma(FloatVector.fromArray(S, b, p1 + L), x5);
            x6 = v.fma(FloatVector.fromArray(S, b, p1 + 2 * L), x6);
            x7 = v.fma(FloatVector.fromArray(S, b, p1 + 3 * L), x7);
        }
        x0.intoArray(c, c0); x1.intoArray(c, c0 + L); x2.intoArray(c, c0 + 2 * L); x3.intoArray(c, c0 + 3 * L);
        x4.intoArray(c, c0 + 4 * L); x5.intoArray(c, c0 + 5 * L); x6.intoArray(c, c0 + 6 * L);
        x7.intoArray(c, c0 + 7 * L);
    }

    /**
     * One row by a full panel (4 vectors of C at {@code c0}) and one strip (a vector of C in {@code tail}, whose valid
     * lanes the caller copies): the sums of {@link #k1x4} and {@link #k1x1}, bit for bit, in one pass.
     */
    static void k1x5(int k, float[] a, int a0, float[] b, int b0, int s0, float[] c, int c0, float[] tail,
                             boolean acc) {
        FloatVector x0, x1, x2, x3, x4;
        if (acc) {
            x0 = FloatVector.fromArray(S, c, c0); x1 = FloatVector.fromArray(S, c, c0 + L);
            x2 = FloatVector.fromArray(S, c, c0 + 2 * L); x3 = FloatVector.fromArray(S, c, c0 + 3 * L);
            x4 = FloatVector.fromArray(S, tail, 0);
        } else {
            x0 = x1 = x2 = x3 = x4 = FloatVector.zero(S);
        }
        for (int p = 0; p < k; p++) {
            FloatVector v = FloatVector.broadcast(S, a[a0 + p]);
            int bp = b0 + p * WIDE;
            x0 = v.fma(FloatVector.fromArray(S, b, bp), x0);
            x1 = v.fma(FloatVector.fromArray(S, b, bp + L), x1);
            x2 = v.fma(FloatVector.fromArray(S, b, bp + 2 * L), x2);
            x3 = v.fma(FloatVector.fromArray(S, b, bp + 3 * L), x3);
            x4 = v.fma(FloatVector.fromArray(S, b, s0 + p * L), x4);
        }
        x0.intoArray(c, c0); x1.intoArray(c, c0 + L); x2.intoArray(c, c0 + 2 * L); x3.intoArray(c, c0 + 3 * L);
        x4.intoArray(tail, 0);
    }

    /** 8 rows by one vector of C: eight accumulators keep both FMA units busy. */
    static void k8x1(int k, float[] a, int a0, int ars, int acs, float[] b, int b0,
                             float[] c, int c0, int ldc, boolean acc) {
        FloatVector x0, x1, x2, x3, x4, x5, x6, x7;
        if (acc) {
            x0 = FloatVector.fromArray(S, c, c0); x1 = FloatVector.fromArray(S, c, c0 + ldc);
            x2 = FloatVector.fromArray(S, c, c0 + 2 * ldc); x3 = FloatVector.fromArray(S, c, c0 + 3 * ldc);
            x4 = FloatVector.fromArray(S, c, c0 + 4 * ldc); x5 = FloatVector.fromArray(S, c, c0 + 5 * ldc);
            x6 = FloatVector.fromArray(S, c, c0 + 6 * ldc); x7 = FloatVector.fromArray(S, c, c0 + 7 * ldc);
        } else {
            x0 = x1 = x2 = x3 = x4 = x5 = x6 = x7 = FloatVector.zero(S);
        }
        for (int p = 0; p < k; p++) {
            FloatVector y = FloatVector.fromArray(S, b, b0 + p * L);
            int ap = a0 + p * acs;
            x0 = FloatVector.broadcast(S, a[ap]).fma(y, x0);
            x1 = FloatVector.broadcast(S, a[ap + ars]).fma(y, x1);
            x2 = FloatVector.broadcast(S, a[ap + 2 * ars]).fma(y, x2);
            x3 = FloatVector.broadcast(S, a[ap + 3 * ars]).fma(y, x3);
            x4 = FloatVector.broadcast(S, a[ap + 4 * ars]).fma(y, x4);
            x5 = FloatVector.broadcast(S, a[ap + 5 * ars]).fma(y, x5);
            x6 = FloatVector.broadcast(S, a[ap + 6 * ars]).fma(y, x6);
            x7 = FloatVector.broadcast(S, a[ap + 7 * ars]).fma(y, x7);
        }
        x0.intoArray(c, c0); x1.intoArray(c, c0 + ldc); x2.intoArray(c, c0 + 2 * ldc); x3.intoArray(c, c0 + 3 * ldc);
        x4.intoArray(c, c0 + 4 * ldc); x5.intoArray(c, c0 + 5 * ldc); x6.intoArray(c, c0 + 6 * ldc);
        x7.intoArray(c, c0 + 7 * ldc);
    }

    /** One row by one vector of C. */
    static void k1x1(int k, float[] a, int a0, int acs, float[] b, int b0, float[] c, int c0, boolean acc) {
        FloatVector x = acc ? FloatVector.fromArray(S, c, c0) : FloatVector.zero(S);
        for (int p = 0; p < k; p++) {
            x = FloatVector.broadcast(S, a[a0 + p * acs]).fma(FloatVector.fromArray(S, b, b0 + p * L), x);
        }
        x.intoArray(c, c0);
    }
}
