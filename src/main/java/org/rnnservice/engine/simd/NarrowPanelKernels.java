package org.rnnservice.engine.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The micro-kernels of {@link VectorGemm} for panels of two vectors, chosen at 256 bits, where x86 has 16 vector
 * registers (AVX2): 6 rows x 2 vectors keep 12 accumulators, two vectors of B and a broadcast of A in registers, as
 * BLIS's 6x16 kernel does; {@link MicroKernels}' 6 x 4 vectors would need 28 and spill. Each column of C is summed in
 * the same order as by the wider kernels.
 */
final class NarrowPanelKernels {

    private static final VectorSpecies<Float> S = VectorWidth.SPECIES;
    private static final int L = S.length();
    /** Columns of a packed panel: two vectors. */
    private static final int WIDE = 2 * L;

    private NarrowPanelKernels() {
    }

    /** 6 rows by 2 vectors of C: 12 accumulators, 2 loads of B and 6 broadcasts of A per step of k. */
    static void k6x2(int k, float[] a, int a0, int ars, int acs, float[] b, int b0,
                     float[] c, int c0, int ldc, boolean acc) {
        FloatVector x00, x01, x10, x11, x20, x21, x30, x31, x40, x41, x50, x51;
        int r1 = c0 + ldc;
        int r2 = r1 + ldc;
        int r3 = r2 + ldc;
        int r4 = r3 + ldc;
        int r5 = r4 + ldc;
        if (acc) {
            x00 = FloatVector.fromArray(S, c, c0); x01 = FloatVector.fromArray(S, c, c0 + L);
            x10 = FloatVector.fromArray(S, c, r1); x11 = FloatVector.fromArray(S, c, r1 + L);
            x20 = FloatVector.fromArray(S, c, r2); x21 = FloatVector.fromArray(S, c, r2 + L);
            x30 = FloatVector.fromArray(S, c, r3); x31 = FloatVector.fromArray(S, c, r3 + L);
            x40 = FloatVector.fromArray(S, c, r4); x41 = FloatVector.fromArray(S, c, r4 + L);
            x50 = FloatVector.fromArray(S, c, r5); x51 = FloatVector.fromArray(S, c, r5 + L);
        } else {
            x00 = x01 = x10 = x11 = x20 = x21 = x30 = x31 = x40 = x41 = x50 = x51 = FloatVector.zero(S);
        }
        for (int p = 0; p < k; p++) {
            int bp = b0 + p * WIDE; // a constant stride: C2 can hoist the bounds checks out of the loop
            FloatVector y0 = FloatVector.fromArray(S, b, bp);
            FloatVector y1 = FloatVector.fromArray(S, b, bp + L);
            int ap = a0 + p * acs;
            FloatVector v = FloatVector.broadcast(S, a[ap]);
            x00 = v.fma(y0, x00); x01 = v.fma(y1, x01);
            v = FloatVector.broadcast(S, a[ap + ars]);
            x10 = v.fma(y0, x10); x11 = v.fma(y1, x11);
            v = FloatVector.broadcast(S, a[ap + 2 * ars]);
            x20 = v.fma(y0, x20); x21 = v.fma(y1, x21);
            v = FloatVector.broadcast(S, a[ap + 3 * ars]);
            x30 = v.fma(y0, x30); x31 = v.fma(y1, x31);
            v = FloatVector.broadcast(S, a[ap + 4 * ars]);
            x40 = v.fma(y0, x40); x41 = v.fma(y1, x41);
            v = FloatVector.broadcast(S, a[ap + 5 * ars]);
            x50 = v.fma(y0, x50); x51 = v.fma(y1, x51);
        }
        x00.intoArray(c, c0); x01.intoArray(c, c0 + L);
        x10.intoArray(c, r1); x11.intoArray(c, r1 + L);
        x20.intoArray(c, r2); x21.intoArray(c, r2 + L);
        x30.intoArray(c, r3); x31.intoArray(c, r3 + L);
        x40.intoArray(c, r4); x41.intoArray(c, r4 + L);
        x50.intoArray(c, r5); x51.intoArray(c, r5 + L);
    }

    /** 4 rows by 2 vectors of C. */
    static void k4x2(int k, float[] a, int a0, int ars, int acs, float[] b, int b0,
                     float[] c, int c0, int ldc, boolean acc) {
        FloatVector x00, x01, x10, x11, x20, x21, x30, x31;
        int r1 = c0 + ldc;
        int r2 = r1 + ldc;
        int r3 = r2 + ldc;
        if (acc) {
            x00 = FloatVector.fromArray(S, c, c0); x01 = FloatVector.fromArray(S, c, c0 + L);
            x10 = FloatVector.fromArray(S, c, r1); x11 = FloatVector.fromArray(S, c, r1 + L);
            x20 = FloatVector.fromArray(S, c, r2); x21 = FloatVector.fromArray(S, c, r2 + L);
            x30 = FloatVector.fromArray(S, c, r3); x31 = FloatVector.fromArray(S, c, r3 + L);
        } else {
            x00 = x01 = x10 = x11 = x20 = x21 = x30 = x31 = FloatVector.zero(S);
        }
        for (int p = 0; p < k; p++) {
            int bp = b0 + p * WIDE;
            FloatVector y0 = FloatVector.fromArray(S, b, bp);
            FloatVector y1 = FloatVector.fromArray(S, b, bp + L);
            int ap = a0 + p * acs;
            FloatVector v = FloatVector.broadcast(S, a[ap]);
            x00 = v.fma(y0, x00); x01 = v.fma(y1, x01);
            v = FloatVector.broadcast(S, a[ap + ars]);
            x10 = v.fma(y0, x10); x11 = v.fma(y1, x11);
            v = FloatVector.broadcast(S, a[ap + 2 * ars]);
            x20 = v.fma(y0, x20); x21 = v.fma(y1, x21);
            v = FloatVector.broadcast(S, a[ap + 3 * ars]);
            x30 = v.fma(y0, x30); x31 = v.fma(y1, x31);
        }
        x00.intoArray(c, c0); x01.intoArray(c, c0 + L);
        x10.intoArray(c, r1); x11.intoArray(c, r1 + L);
        x20.intoArray(c, r2); x21.intoArray(c, r2 + L);
        x30.intoArray(c, r3); x31.intoArray(c, r3 + L);
    }

    /** One row by 2 vectors of C. */
    static void k1x2(int k, float[] a, int a0, int acs, float[] b, int b0, float[] c, int c0, boolean acc) {
        FloatVector x0;
        FloatVector x1;
        if (acc) {
            x0 = FloatVector.fromArray(S, c, c0);
            x1 = FloatVector.fromArray(S, c, c0 + L);
        } else {
            x0 = x1 = FloatVector.zero(S);
        }
        for (int p = 0; p < k; p++) {
            int bp = b0 + p * WIDE;
            FloatVector v = FloatVector.broadcast(S, a[a0 + p * acs]);
            x0 = v.fma(FloatVector.fromArray(S, b, bp), x0);
            x1 = v.fma(FloatVector.fromArray(S, b, bp + L), x1);
        }
        x0.intoArray(c, c0);
        x1.intoArray(c, c0 + L);
    }

    /**
     * One row by four consecutive panels (8 vectors) of C: a row alone is bound by the latency of its FMA chains, so
     * it runs eight at once, each column summed as in {@link #k1x2}.
     */
    static void k1x8(int k, float[] a, int a0, float[] b, int b0, float[] c, int c0, boolean acc) {
        int panel = k * WIDE;
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
            x0 = v.fma(FloatVector.fromArray(S, b, p0), x0);
            x1 = v.fma(FloatVector.fromArray(S, b, p0 + L), x1);
            x2 = v.fma(FloatVector.fromArray(S, b, p0 + panel), x2);
            x3 = v.fma(FloatVector.fromArray(S, b, p0 + panel + L), x3);
            x4 = v.fma(FloatVector.fromArray(S, b, p0 + 2 * panel), x4);
            x5 = v.fma(FloatVector.fromArray(S, b, p0 + 2 * panel + L), x5);
            x6 = v.fma(FloatVector.fromArray(S, b, p0 + 3 * panel), x6);
            x7 = v.fma(FloatVector.fromArray(S, b, p0 + 3 * panel + L), x7);
        }
        x0.intoArray(c, c0); x1.intoArray(c, c0 + L); x2.intoArray(c, c0 + 2 * L); x3.intoArray(c, c0 + 3 * L);
        x4.intoArray(c, c0 + 4 * L); x5.intoArray(c, c0 + 5 * L); x6.intoArray(c, c0 + 6 * L);
        x7.intoArray(c, c0 + 7 * L);
    }
}
