package org.rnnservice.engine.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Kernels on the Vector API. Loaded by name from {@link KernelsProvider} only when the incubator module is present,
 * so the scalar path never links these classes.
 *
 * <p>Vectors never cross a method boundary in the hot loops: a {@code FloatVector} that escapes an un-inlined call is
 * boxed, and the products fall from hundreds of GFLOP/s to tens (see {@code shared/notes/vector-api.md}).
 */
final class VectorKernels implements Kernels {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    @Override
    public String name() {
        return "vector-" + S.vectorBitSize();
    }

    @Override
    public void gemm(int m, int n, int k, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                     float[] c, int cOff, int ldc, boolean accumulate) {
        broadcastGemm(m, n, k, a, aOff, lda, 1, b, bOff, ldb, c, cOff, ldc, accumulate);
    }

    @Override
    public void gemmTransA(int m, int n, int k, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                           float[] c, int cOff, int ldc, boolean accumulate) {
        broadcastGemm(m, n, k, a, aOff, 1, lda, b, bOff, ldb, c, cOff, ldc, accumulate);
    }

    /**
     * C += A.B where element (i, p) of A sits at {@code aOff + i*ars + p*acs}: one loop serves A and A^T because A is
     * only ever broadcast, never loaded as a vector. Blocks of 4 rows by 2 vectors keep 8 accumulators in registers.
     */
    private static void broadcastGemm(int m, int n, int k, float[] a, int aOff, int ars, int acs,
                                      float[] b, int bOff, int ldb, float[] c, int cOff, int ldc, boolean accumulate) {
        int i = 0;
        // main: 4 rows at a time
        for (; i + 4 <= m; i += 4) {
            int a0 = aOff + i * ars, a1 = a0 + ars, a2 = a1 + ars, a3 = a2 + ars;
            int c0 = cOff + i * ldc, c1 = c0 + ldc, c2 = c1 + ldc, c3 = c2 + ldc;
            int j = 0;
            for (; j + 2 * L <= n; j += 2 * L) {
                FloatVector x00, x01, x10, x11, x20, x21, x30, x31;
                if (accumulate) {
                    x00 = FloatVector.fromArray(S, c, c0 + j); x01 = FloatVector.fromArray(S, c, c0 + j + L);
                    x10 = FloatVector.fromArray(S, c, c1 + j); x11 = FloatVector.fromArray(S, c, c1 + j + L);
                    x20 = FloatVector.fromArray(S, c, c2 + j); x21 = FloatVector.fromArray(S, c, c2 + j + L);
                    x30 = FloatVector.fromArray(S, c, c3 + j); x31 = FloatVector.fromArray(S, c, c3 + j + L);
                } else {
                    x00 = x01 = x10 = x11 = x20 = x21 = x30 = x31 = FloatVector.zero(S);
                }
                for (int p = 0; p < k; p++) {
                    int bp = bOff + p * ldb + j;
                    FloatVector b0 = FloatVector.fromArray(S, b, bp);
                    FloatVector b1 = FloatVector.fromArray(S, b, bp + L);
                    int ap = p * acs;
                    FloatVector v = FloatVector.broadcast(S, a[a0 + ap]);
                    x00 = v.fma(b0, x00); x01 = v.fma(b1, x01);
                    v = FloatVector.broadcast(S, a[a1 + ap]);
                    x10 = v.fma(b0, x10); x11 = v.fma(b1, x11);
                    v = FloatVector.broadcast(S, a[a2 + ap]);
                    x20 = v.fma(b0, x20); x21 = v.fma(b1, x21);
                    v = FloatVector.broadcast(S, a[a3 + ap]);
                    x30 = v.fma(b0, x30); x31 = v.fma(b1, x31);
                }
                x00.intoArray(c, c0 + j); x01.intoArray(c, c0 + j + L);
                x10.intoArray(c, c1 + j); x11.intoArray(c, c1 + j + L);
                x20.intoArray(c, c2 + j); x21.intoArray(c, c2 + j + L);
                x30.intoArray(c, c3 + j); x31.intoArray(c, c3 + j + L);
            }
            // column tail: one (possibly masked) vector at a time
            for (; j < n; j += L) {
                VectorMask<Float> mask = S.indexInRange(j, n);
                FloatVector x0, x1, x2, x3;
                if (accumulate) {
                    x0 = FloatVector.fromArray(S, c, c0 + j, mask); x1 = FloatVector.fromArray(S, c, c1 + j, mask);
                    x2 = FloatVector.fromArray(S, c, c2 + j, mask); x3 = FloatVector.fromArray(S, c, c3 + j, mask);
                } else {
                    x0 = x1 = x2 = x3 = FloatVector.zero(S);
                }
                for (int p = 0; p < k; p++) {
                    FloatVector bv = FloatVector.fromArray(S, b, bOff + p * ldb + j, mask);
                    int ap = p * acs;
                    x0 = FloatVector.broadcast(S, a[a0 + ap]).fma(bv, x0);
                    x1 = FloatVector.broadcast(S, a[a1 + ap]).fma(bv, x1);
                    x2 = FloatVector.broadcast(S, a[a2 + ap]).fma(bv, x2);
                    x3 = FloatVector.broadcast(S, a[a3 + ap]).fma(bv, x3);
                }
                x0.intoArray(c, c0 + j, mask); x1.intoArray(c, c1 + j, mask);
                x2.intoArray(c, c2 + j, mask); x3.intoArray(c, c3 + j, mask);
            }
        }
        // row tail: one row at a time
        for (; i < m; i++) {
            int ai = aOff + i * ars;
            int ci = cOff + i * ldc;
            for (int j = 0; j < n; j += L) {
                VectorMask<Float> mask = S.indexInRange(j, n);
                FloatVector x = accumulate ? FloatVector.fromArray(S, c, ci + j, mask) : FloatVector.zero(S);
                for (int p = 0; p < k; p++) {
                    FloatVector bv = FloatVector.fromArray(S, b, bOff + p * ldb + j, mask);
                    x = FloatVector.broadcast(S, a[ai + p * acs]).fma(bv, x);
                }
                x.intoArray(c, ci + j, mask);
            }
        }
    }

    /** Dot products of rows of A with rows of B, two rows of C by four columns at a time. */
    @Override
    public void gemmTransB(int m, int n, int k, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                           float[] c, int cOff, int ldc, boolean accumulate) {
        int i = 0;
        for (; i + 2 <= m; i += 2) {
            int a0 = aOff + i * lda, a1 = a0 + lda;
            int c0 = cOff + i * ldc, c1 = c0 + ldc;
            int j = 0;
            for (; j + 4 <= n; j += 4) {
                int b0 = bOff + j * ldb, b1 = b0 + ldb, b2 = b1 + ldb, b3 = b2 + ldb;
                FloatVector s00 = FloatVector.zero(S), s01 = s00, s02 = s00, s03 = s00;
                FloatVector s10 = s00, s11 = s00, s12 = s00, s13 = s00;
                for (int p = 0; p < k; p += L) {
                    VectorMask<Float> mask = S.indexInRange(p, k);
                    FloatVector x0 = FloatVector.fromArray(S, a, a0 + p, mask);
                    FloatVector x1 = FloatVector.fromArray(S, a, a1 + p, mask);
                    FloatVector y = FloatVector.fromArray(S, b, b0 + p, mask);
                    s00 = x0.fma(y, s00); s10 = x1.fma(y, s10);
                    y = FloatVector.fromArray(S, b, b1 + p, mask);
                    s01 = x0.fma(y, s01); s11 = x1.fma(y, s11);
                    y = FloatVector.fromArray(S, b, b2 + p, mask);
                    s02 = x0.fma(y, s02); s12 = x1.fma(y, s12);
                    y = FloatVector.fromArray(S, b, b3 + p, mask);
                    s03 = x0.fma(y, s03); s13 = x1.fma(y, s13);
                }
                float base00 = accumulate ? c[c0 + j] : 0f, base01 = accumulate ? c[c0 + j + 1] : 0f;
                float base02 = accumulate ? c[c0 + j + 2] : 0f, base03 = accumulate ? c[c0 + j + 3] : 0f;
                float base10 = accumulate ? c[c1 + j] : 0f, base11 = accumulate ? c[c1 + j + 1] : 0f;
                float base12 = accumulate ? c[c1 + j + 2] : 0f, base13 = accumulate ? c[c1 + j + 3] : 0f;
                c[c0 + j] = base00 + s00.reduceLanes(VectorOperators.ADD);
                c[c0 + j + 1] = base01 + s01.reduceLanes(VectorOperators.ADD);
                c[c0 + j + 2] = base02 + s02.reduceLanes(VectorOperators.ADD);
                c[c0 + j + 3] = base03 + s03.reduceLanes(VectorOperators.ADD);
                c[c1 + j] = base10 + s10.reduceLanes(VectorOperators.ADD);
                c[c1 + j + 1] = base11 + s11.reduceLanes(VectorOperators.ADD);
                c[c1 + j + 2] = base12 + s12.reduceLanes(VectorOperators.ADD);
                c[c1 + j + 3] = base13 + s13.reduceLanes(VectorOperators.ADD);
            }
            for (; j < n; j++) {
                int bj = bOff + j * ldb;
                FloatVector s0 = FloatVector.zero(S), s1 = s0;
                for (int p = 0; p < k; p += L) {
                    VectorMask<Float> mask = S.indexInRange(p, k);
                    FloatVector y = FloatVector.fromArray(S, b, bj + p, mask);
                    s0 = FloatVector.fromArray(S, a, a0 + p, mask).fma(y, s0);
                    s1 = FloatVector.fromArray(S, a, a1 + p, mask).fma(y, s1);
                }
                c[c0 + j] = (accumulate ? c[c0 + j] : 0f) + s0.reduceLanes(VectorOperators.ADD);
                c[c1 + j] = (accumulate ? c[c1 + j] : 0f) + s1.reduceLanes(VectorOperators.ADD);
            }
        }
        for (; i < m; i++) {
            int ai = aOff + i * lda;
            int ci = cOff + i * ldc;
            for (int j = 0; j < n; j++) {
                int bj = bOff + j * ldb;
                FloatVector s = FloatVector.zero(S);
                for (int p = 0; p < k; p += L) {
                    VectorMask<Float> mask = S.indexInRange(p, k);
                    s = FloatVector.fromArray(S, a, ai + p, mask).fma(FloatVector.fromArray(S, b, bj + p, mask), s);
                }
                c[ci + j] = (accumulate ? c[ci + j] : 0f) + s.reduceLanes(VectorOperators.ADD);
            }
        }
    }

    @Override
    public void tanh(float[] x, int xOff, float[] out, int outOff, int len) {
        int i = 0;
        for (; i + L <= len; i += L) {
            FloatVector.fromArray(S, x, xOff + i).lanewise(VectorOperators.TANH).intoArray(out, outOff + i);
        }
        for (; i < len; i++) {
            out[outOff + i] = (float) Math.tanh(x[xOff + i]);
        }
    }

    @Override
    public void sigmoid(float[] x, int xOff, float[] out, int outOff, int len) {
        int i = 0;
        FloatVector one = FloatVector.broadcast(S, 1f);
        for (; i + L <= len; i += L) {
            FloatVector e = FloatVector.fromArray(S, x, xOff + i).neg().lanewise(VectorOperators.EXP);
            one.div(one.add(e)).intoArray(out, outOff + i);
        }
        for (; i < len; i++) {
            out[outOff + i] = (float) (1.0 / (1.0 + Math.exp(-x[xOff + i])));
        }
    }

    @Override
    public void axpy(int len, float alpha, float[] x, int xOff, float[] y, int yOff) {
        int i = 0;
        FloatVector va = FloatVector.broadcast(S, alpha);
        for (; i + L <= len; i += L) {
            FloatVector.fromArray(S, x, xOff + i).fma(va, FloatVector.fromArray(S, y, yOff + i))
                    .intoArray(y, yOff + i);
        }
        for (; i < len; i++) {
            y[yOff + i] += alpha * x[xOff + i];
        }
    }
}
