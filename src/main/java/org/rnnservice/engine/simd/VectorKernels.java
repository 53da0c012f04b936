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
    /** Columns of C one micro-kernel computes: four vectors. */
    private static final int WIDE = 4 * L;
    /** Below this many multiply-adds (or one vector of columns) the scalar loop wins: no setup, no tails. */
    private static final long SMALL = 4096;
    private static final ScalarKernels SCALAR = new ScalarKernels();
    /** Per-thread scratch for one transposed B in {@link #gemmTransB}. */
    private static final ThreadLocal<float[]> TRANSPOSED = ThreadLocal.withInitial(() -> new float[0]);
    /** Per-thread scratch for one packed column panel of B; grows to the largest k seen, then is reused. */
    private static final ThreadLocal<float[]> PANEL = ThreadLocal.withInitial(() -> new float[0]);
    /** Per-thread scratch for the C block of a zero-padded last panel. */
    private static final ThreadLocal<float[]> TAIL = ThreadLocal.withInitial(() -> new float[0]);
    /** Per-thread scratch for one slice of A^T in {@link #transposedGemm}. */
    private static final ThreadLocal<float[]> A_SLICE = ThreadLocal.withInitial(() -> new float[0]);

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
     * C (+)= A.B where element (i, p) of A sits at {@code aOff + i*ars + p*acs}: one driver serves A and A^T because
     * A is only ever broadcast, never loaded as a vector. The driver passes only scalars; each register-blocked
     * micro-kernel is its own small method, so C2 inlines every vector operation inside it (one big method exhausts
     * the inlining budget and boxes the vectors).
     */
    private static void broadcastGemm(int m, int n, int k, float[] a, int aOff, int ars, int acs,
                                      float[] b, int bOff, int ldb, float[] c, int cOff, int ldc, boolean accumulate) {
        if (n < L || (long) m * n * k < SMALL) {
            SCALAR.broadcastGemm(m, n, k, a, aOff, ars, acs, b, bOff, ldb, c, cOff, ldc, accumulate);
            return;
        }
        if (m < 4) {
            // a row or three: stream B once per row instead of packing it
            for (int i = 0; i < m; i++) {
                rowTimesMatrix(n, k, a, aOff + i * ars, acs, b, bOff, ldb, c, cOff + i * ldc, accumulate);
            }
            return;
        }
        if (acs != 1) {
            transposedGemm(m, n, k, a, aOff, acs, b, bOff, ldb, c, cOff, ldc, accumulate);
            return;
        }
        for (int j = 0; j < n; j += WIDE) {
            int w = Math.min(WIDE, n - j);
            // one column panel of B at a time, copied where the micro-kernels stream it from cache
            float[] panel = scratch(PANEL, k * WIDE);
            packPanel(k, w, b, bOff + j, ldb, panel, 0);
            panel(m, k, a, aOff, ars, acs, panel, 0, w, c, cOff + j, ldc, accumulate);
        }
    }

    /**
     * C (+)= A^T.B with A stored {@code [k, m]}, the weight-gradient product, where A and B are both long (every time
     * step of a batch). Slice by slice of k: the slice of A is copied once to a stride that is not a power of two (a
     * units-wide stride puts every row in the same few L1 sets) and stays in L2 while all panels of B pass over it,
     * instead of all of A coming from L3 again for every panel.
     */
    private static void transposedGemm(int m, int n, int k, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                                       float[] c, int cOff, int ldc, boolean accumulate) {
        int stride = (m + L - 1) / L * L;
        if ((stride / L) % 2 == 0) {
            stride += L;
        }
        int kcMax = Math.min(KC, k);
        float[] slice = scratch(A_SLICE, kcMax * stride);
        float[] panel = scratch(PANEL, kcMax * WIDE);
        for (int p0 = 0; p0 < k; p0 += KC) {
            int kc = Math.min(KC, k - p0);
            boolean acc = accumulate || p0 > 0;
            for (int p = 0; p < kc; p++) {
                System.arraycopy(a, aOff + (p0 + p) * lda, slice, p * stride, m);
            }
            for (int j = 0; j < n; j += WIDE) {
                int w = Math.min(WIDE, n - j);
                packPanel(kc, w, b, bOff + p0 * ldb + j, ldb, panel, 0);
                panel(m, kc, slice, 0, 1, stride, panel, 0, w, c, cOff + j, ldc, acc);
            }
        }
    }

    /**
     * Panels of {@link #WIDE} columns, each {@code k x WIDE} contiguous, and a narrower last panel as
     * {@link #packPanel} lays it out: what the micro-kernels stream.
     */
    @Override
    public float[] packB(int k, int n, float[] b, int bOff, int ldb, float[] reuse) {
        int size = (n / WIDE) * k * WIDE + (n % WIDE == 0 ? 0 : k * panelWidth(n % WIDE));
        float[] out = reuse != null && reuse.length >= size ? reuse : new float[size];
        for (int j = 0; j < n; j += WIDE) {
            packPanel(k, Math.min(WIDE, n - j), b, bOff + j, ldb, out, (j / WIDE) * k * WIDE);
        }
        return out;
    }

    /** Floats per step of k that a packed panel of {@code w} columns takes: whole vectors, or all of WIDE. */
    private static int panelWidth(int w) {
        return w > WIDE - L ? WIDE : (w + L - 1) / L * L;
    }

    /**
     * Copies {@code k x w} of B into {@code out}: as {@code k x WIDE} rows, zero-padded, when {@code w} needs four
     * vectors; a narrower panel as one {@code k x L} strip per vector, so that a last panel of 8 columns costs one
     * vector per step of k rather than four. Strides stay constant, so the kernels' bounds checks are hoisted.
     */
    private static void packPanel(int k, int w, float[] b, int bOff, int ldb, float[] out, int outOff) {
        if (panelWidth(w) == WIDE) {
            for (int p = 0; p < k; p++) {
                System.arraycopy(b, bOff + p * ldb, out, outOff + p * WIDE, w);
                if (w < WIDE) {
                    java.util.Arrays.fill(out, outOff + p * WIDE + w, outOff + (p + 1) * WIDE, 0f);
                }
            }
            return;
        }
        for (int v = 0; v * L < w; v++) {
            int cols = Math.min(L, w - v * L);
            int strip = outOff + v * k * L;
            for (int p = 0; p < k; p++) {
                System.arraycopy(b, bOff + p * ldb + v * L, out, strip + p * L, cols);
                if (cols < L) {
                    java.util.Arrays.fill(out, strip + p * L + cols, strip + (p + 1) * L, 0f);
                }
            }
        }
    }

    @Override
    public void gemmPacked(int m, int n, int k, float[] a, int aOff, int lda, float[] packedB,
                           float[] c, int cOff, int ldc, boolean accumulate) {
        int j = 0;
        if (m < 4) {
            // a row alone is bound by the latency of its FMA chains: two panels at once run twice the chains
            for (; j + 2 * WIDE <= n; j += 2 * WIDE) {
                int panel = (j / WIDE) * k * WIDE;
                for (int i = 0; i < m; i++) {
                    k1x8(k, a, aOff + i * lda, packedB, panel, panel + k * WIDE, c, cOff + i * ldc + j, accumulate);
                }
            }
            int strip = n - j - WIDE;
            if (strip > 0 && strip <= L) {
                // a full panel and one strip left (LSTM(50)'s 200 gate columns): one pass for both, five chains
                int panel = (j / WIDE) * k * WIDE;
                float[] tail = scratch(TAIL, L);
                for (int i = 0; i < m; i++) {
                    int row = cOff + i * ldc + j;
                    if (accumulate) {
                        System.arraycopy(c, row + WIDE, tail, 0, strip);
                    }
                    k1x5(k, a, aOff + i * lda, packedB, panel, panel + k * WIDE, c, row, tail, accumulate);
                    System.arraycopy(tail, 0, c, row + WIDE, strip);
                }
                return;
            }
        }
        for (; j < n; j += WIDE) {
            panel(m, k, a, aOff, lda, 1, packedB, (j / WIDE) * k * WIDE, Math.min(WIDE, n - j), c, cOff + j, ldc,
                    accumulate);
        }
    }

    /** C[:, 0..w) (+)= A . (one packed panel of {@code w} columns). */
    private static void panel(int m, int k, float[] a, int aOff, int ars, int acs, float[] b, int bOff, int w,
                              float[] c, int cOff, int ldc, boolean accumulate) {
        if (w == WIDE) {
            rowBlocks(m, k, a, aOff, ars, acs, b, bOff, c, cOff, ldc, accumulate);
        } else if (panelWidth(w) == WIDE) {
            // more than three vectors: the full kernels on the zero-padded panel, into scratch
            float[] out = scratch(TAIL, m * WIDE);
            if (accumulate) {
                copyColumns(m, w, c, cOff, ldc, out, 0, WIDE);
            }
            rowBlocks(m, k, a, aOff, ars, acs, b, bOff, out, 0, WIDE, accumulate);
            copyColumns(m, w, out, 0, WIDE, c, cOff, ldc);
        } else {
            for (int v = 0; v * L < w; v++) {
                strip(m, k, a, aOff, ars, acs, b, bOff + v * k * L, c, cOff + v * L, ldc, accumulate,
                        Math.min(L, w - v * L));
            }
        }
    }

    /** Copies the first {@code cols} columns of {@code rows} rows: C to and from a block of whole vectors. */
    private static void copyColumns(int rows, int cols, float[] src, int srcOff, int lds, float[] dst, int dstOff,
                                    int ldd) {
        for (int i = 0; i < rows; i++) {
            System.arraycopy(src, srcOff + i * lds, dst, dstOff + i * ldd, cols);
        }
    }

    private static float[] scratch(ThreadLocal<float[]> holder, int size) {
        float[] buf = holder.get();
        if (buf.length < size) {
            buf = new float[size];
            holder.set(buf);
        }
        return buf;
    }

    /** {@code c[0..n) (+)= sum_p a[p*acs] * B[p, 0..n)}: one row of C as a sum of rows of B. */
    private static void rowTimesMatrix(int n, int k, float[] a, int a0, int acs, float[] b, int bOff, int ldb,
                                       float[] c, int c0, boolean accumulate) {
        if (!accumulate) {
            java.util.Arrays.fill(c, c0, c0 + n, 0f);
        }
        int full = n - n % L;
        for (int p = 0; p < k; p++) {
            float av = a[a0 + p * acs];
            int bp = bOff + p * ldb;
            FloatVector v = FloatVector.broadcast(S, av);
            for (int j = 0; j < full; j += L) {
                v.fma(FloatVector.fromArray(S, b, bp + j), FloatVector.fromArray(S, c, c0 + j)).intoArray(c, c0 + j);
            }
            for (int j = full; j < n; j++) {
                c[c0 + j] = Math.fma(av, b[bp + j], c[c0 + j]);
            }
        }
    }

    /** Depth of one pass over a panel: 128 x WIDE floats (32 KB) stay in L1 while every row block reuses them. */
    private static final int KC = 128;

    /**
     * One full-width column block of C over all rows, in blocks of 6, 4 and 1 rows, {@link #KC} steps of k at a time
     * so the slice of the panel being read stays in L1.
     */
    private static void rowBlocks(int m, int k, float[] a, int aOff, int ars, int acs, float[] b, int bOff,
                                  float[] c, int cOff, int ldc, boolean accumulate) {
        for (int p0 = 0; p0 < k; p0 += KC) {
            int kc = Math.min(KC, k - p0);
            boolean acc = accumulate || p0 > 0;
            int ap = aOff + p0 * acs;
            int bp = bOff + p0 * WIDE;
            int i = 0;
            // a remainder of 2 rows is better as two blocks of 4 than as single rows
            int sixes = m % 6 == 2 && m >= 8 ? m - 8 : m;
            for (; i + 6 <= sixes; i += 6) {
                k6x4(kc, a, ap + i * ars, ars, acs, b, bp, c, cOff + i * ldc, ldc, acc);
            }
            for (; i + 4 <= m; i += 4) {
                k4x4(kc, a, ap + i * ars, ars, acs, b, bp, c, cOff + i * ldc, ldc, acc);
            }
            for (; i < m; i++) {
                k1x4(kc, a, ap + i * ars, acs, b, bp, c, cOff + i * ldc, acc);
            }
        }
    }

    /** 6 rows by 4 vectors of C: 24 accumulators, 4 loads of B and 6 broadcasts of A per step of k. */
    private static void k6x4(int k, float[] a, int a0, int ars, int acs, float[] b, int b0,
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
    private static void k4x4(int k, float[] a, int a0, int ars, int acs, float[] b, int b0,
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
    private static void k1x4(int k, float[] a, int a0, int acs, float[] b, int b0, float[] c, int c0,
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
    private static void k1x8(int k, float[] a, int a0, float[] b, int b0, int b1, float[] c, int c0, boolean acc) {
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
    private static void k1x5(int k, float[] a, int a0, float[] b, int b0, int s0, float[] c, int c0, float[] tail,
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

    /**
     * One strip of a narrow panel ({@code k x L}) into {@code valid} columns of C, over all rows. A partial last strip
     * runs on a scratch block of whole vectors: masked loads and stores would make the kernel too big for C2 to
     * inline its vector operations.
     */
    private static void strip(int m, int k, float[] a, int aOff, int ars, int acs, float[] b, int bOff,
                              float[] c, int cOff, int ldc, boolean accumulate, int valid) {
        if (valid < L) {
            float[] out = scratch(TAIL, m * L);
            if (accumulate) {
                copyColumns(m, valid, c, cOff, ldc, out, 0, L);
            }
            strip(m, k, a, aOff, ars, acs, b, bOff, out, 0, L, accumulate, L);
            copyColumns(m, valid, out, 0, L, c, cOff, ldc);
            return;
        }
        for (int p0 = 0; p0 < k; p0 += KC) {
            int kc = Math.min(KC, k - p0);
            boolean acc = accumulate || p0 > 0;
            int ap = aOff + p0 * acs;
            int bp = bOff + p0 * L;
            int i = 0;
            for (; i + 8 <= m; i += 8) {
                k8x1(kc, a, ap + i * ars, ars, acs, b, bp, c, cOff + i * ldc, ldc, acc);
            }
            for (; i < m; i++) {
                k1x1(kc, a, ap + i * ars, acs, b, bp, c, cOff + i * ldc, acc);
            }
        }
    }

    /** 8 rows by one vector of C: eight accumulators keep both FMA units busy. */
    private static void k8x1(int k, float[] a, int a0, int ars, int acs, float[] b, int b0,
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
    private static void k1x1(int k, float[] a, int a0, int acs, float[] b, int b0, float[] c, int c0, boolean acc) {
        FloatVector x = acc ? FloatVector.fromArray(S, c, c0) : FloatVector.zero(S);
        for (int p = 0; p < k; p++) {
            x = FloatVector.broadcast(S, a[a0 + p * acs]).fma(FloatVector.fromArray(S, b, b0 + p * L), x);
        }
        x.intoArray(c, c0);
    }

    /** Transposes B into per-thread scratch once, then runs the broadcast product: no horizontal reductions. */
    @Override
    public void gemmTransB(int m, int n, int k, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                           float[] c, int cOff, int ldc, boolean accumulate) {
        if (n < L || (long) m * n * k < SMALL) {
            SCALAR.gemmTransB(m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate);
            return;
        }
        float[] bt = scratch(TRANSPOSED, k * n);
        transpose(n, k, b, bOff, ldb, bt, 0, n);
        broadcastGemm(m, n, k, a, aOff, lda, 1, bt, 0, n, c, cOff, ldc, accumulate);
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

    @Override
    public void tanh(float[] x, int xOff, float[] out, int outOff, int len) {
        activate(x, xOff, out, outOff, len, false);
    }

    /** sigmoid(x) = 0.5 + 0.5 * tanh(x / 2), with the same rational tanh. */
    @Override
    public void sigmoid(float[] x, int xOff, float[] out, int outOff, int len) {
        activate(x, xOff, out, outOff, len, true);
    }

    private static void activate(float[] x, int xOff, float[] out, int outOff, int len, boolean sigmoid) {
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
    private static FloatVector rationalTanh(FloatVector x) {
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

    @Override
    public void lstmForwardStep(int rows, int u, float[] pre, int preOff, float[] act, int actOff,
                                float[] cellPrev, int prevOff, float[] cell, int cellOff, float[] cellAct,
                                int cellActOff, float[] h, int hOff) {
        int w = 4 * u;
        lstmGates(rows * w, u, pre, preOff, act, actOff);
        for (int b = 0; b < rows; b++) {
            int a = actOff + b * w;
            lstmCellRow(u, act, a, cellPrev, prevOff + b * u, cell, cellOff + b * u, cellAct, cellActOff + b * u,
                    h, hOff + b * u);
        }
    }

    /** Per thread, the lane patterns of {@link #lstmGates} for the last unit count: scales, then offsets. */
    private static final ThreadLocal<float[][]> GATE_PATTERN = ThreadLocal.withInitial(() -> new float[2][0]);

    /**
     * The four gates' activations over a whole step, {@code [B, 4u]} as one flat run: sigmoid is
     * {@code 0.5 + 0.5*tanh(x/2)}, so every lane computes {@code tanh(x*s)*s + o} with (s, o) = (0.5, 0.5) in sigmoid
     * columns and (1, 0) in the candidate's. One pass with one tail per step instead of three short runs per row,
     * each with its own tail; the same IEEE operations as {@link #activate}, so the same bits.
     */
    private static void lstmGates(int len, int u, float[] x, int xOff, float[] out, int outOff) {
        int w = 4 * u;
        float[][] pattern = GATE_PATTERN.get();
        if (pattern[0].length != w + L) {
            pattern = new float[2][w + L];
            for (int j = 0; j < w + L; j++) {
                boolean candidate = j % w >= 2 * u && j % w < 3 * u;
                pattern[0][j] = candidate ? 1f : 0.5f;
                pattern[1][j] = candidate ? 0f : 0.5f;
            }
            GATE_PATTERN.set(pattern);
        }
        float[] scale = pattern[0];
        float[] shift = pattern[1];
        int i = 0;
        int col = 0;
        if (len >= L) {
            for (; i + L <= len; i += L) {
                FloatVector sv = FloatVector.fromArray(S, scale, col);
                FloatVector t = rationalTanh(FloatVector.fromArray(S, x, xOff + i).mul(sv));
                t.fma(sv, FloatVector.fromArray(S, shift, col)).intoArray(out, outOff + i);
                col += L;
                while (col >= w) { // more than once only when a row is shorter than a vector
                    col -= w;
                }
            }
            if (i < len) {
                VectorMask<Float> m = S.indexInRange(i, len);
                FloatVector sv = FloatVector.fromArray(S, scale, col);
                FloatVector t = rationalTanh(FloatVector.fromArray(S, x, xOff + i, m).mul(sv));
                t.fma(sv, FloatVector.fromArray(S, shift, col)).intoArray(out, outOff + i, m);
            }
            return;
        }
        for (; i < len; i++) {
            out[outOff + i] = rationalActivation(x[xOff + i], scale[i % w] != 1f);
        }
    }

    /**
     * {@code c = f*c_prev + i*g}, {@code tanh(c)}, {@code h = o*tanh(c)} for one row: whole vectors, then the last
     * lanes under a mask. A mask on every vector (a masked access checks its bounds lane by lane) made the whole
     * forward step 15-20% slower.
     */
    private static void lstmCellRow(int u, float[] act, int a, float[] cellPrev, int p, float[] cell, int c,
                                    float[] cellAct, int ca, float[] h, int hOff) {
        int full = u - u % L;
        for (int j = 0; j < full; j += L) {
            FloatVector ig = FloatVector.fromArray(S, act, a + j).mul(FloatVector.fromArray(S, act, a + 2 * u + j));
            FloatVector cv = cellPrev == null ? ig
                    : FloatVector.fromArray(S, act, a + u + j).mul(FloatVector.fromArray(S, cellPrev, p + j)).add(ig);
            cv.intoArray(cell, c + j);
            FloatVector tc = rationalTanh(cv);
            tc.intoArray(cellAct, ca + j);
            FloatVector.fromArray(S, act, a + 3 * u + j).mul(tc).intoArray(h, hOff + j);
        }
        if (full < u) {
            int j = full;
            VectorMask<Float> m = S.indexInRange(j, u);
            FloatVector ig = FloatVector.fromArray(S, act, a + j, m)
                    .mul(FloatVector.fromArray(S, act, a + 2 * u + j, m));
            FloatVector cv = cellPrev == null ? ig
                    : FloatVector.fromArray(S, act, a + u + j, m).mul(FloatVector.fromArray(S, cellPrev, p + j, m))
                    .add(ig);
            cv.intoArray(cell, c + j, m);
            FloatVector tc = rationalTanh(cv);
            tc.intoArray(cellAct, ca + j, m);
            FloatVector.fromArray(S, act, a + 3 * u + j, m).mul(tc).intoArray(h, hOff + j, m);
        }
    }

    @Override
    public void lstmBackwardStep(int rows, int u, float[] act, int actOff, float[] cellAct, int cellOff,
                                 float[] cellPrev, int prevOff, float[] dh, int dhOff, float[] dhNext,
                                 float[] dcNext, float[] dPre, int dPreOff) {
        int w = 4 * u;
        int full = u - u % L;
        for (int b = 0; b < rows; b++) {
            lstmBackwardRow(full, u, act, actOff + b * w, cellAct, cellOff + b * u, cellPrev, prevOff + b * u,
                    dh, dhOff + b * u, dhNext, dcNext, b * u, dPre, dPreOff + b * w);
            // the last u % L units: the scalar form of the same arithmetic
            for (int j = full; j < u; j++) {
                LstmMath.backwardElement(b, j, u, act, actOff, cellAct, cellOff, cellPrev, prevOff, dh, dhOff, dhNext,
                        dcNext, dPre, dPreOff);
            }
        }
    }

    private static void lstmBackwardRow(int full, int u, float[] act, int a, float[] cellAct, int c,
                                        float[] cellPrev, int p, float[] dh, int dhOff, float[] dhNext,
                                        float[] dcNext, int s, float[] dPre, int d) {
        FloatVector one = FloatVector.broadcast(S, 1f);
        for (int j = 0; j < full; j += L) {
            FloatVector dhv = FloatVector.fromArray(S, dh, dhOff + j).add(FloatVector.fromArray(S, dhNext, s + j));
            FloatVector i = FloatVector.fromArray(S, act, a + j);
            FloatVector f = FloatVector.fromArray(S, act, a + u + j);
            FloatVector g = FloatVector.fromArray(S, act, a + 2 * u + j);
            FloatVector o = FloatVector.fromArray(S, act, a + 3 * u + j);
            FloatVector tc = FloatVector.fromArray(S, cellAct, c + j);
            FloatVector dc = FloatVector.fromArray(S, dcNext, s + j).add(dhv.mul(o).mul(one.sub(tc.mul(tc))));
            FloatVector prev = cellPrev == null ? FloatVector.zero(S) : FloatVector.fromArray(S, cellPrev, p + j);
            dc.mul(g).mul(i).mul(one.sub(i)).intoArray(dPre, d + j);
            dc.mul(prev).mul(f).mul(one.sub(f)).intoArray(dPre, d + u + j);
            dc.mul(i).mul(one.sub(g.mul(g))).intoArray(dPre, d + 2 * u + j);
            dhv.mul(tc).mul(o).mul(one.sub(o)).intoArray(dPre, d + 3 * u + j);
            dc.mul(f).intoArray(dcNext, s + j);
        }
    }

    @Override
    public void gruForwardStep(int rows, int u, float[] xz, int xzOff, float[] hz, int hzOff, float[] act,
                               int actOff, float[] hPrev, int prevOff, float[] h, int hOff) {
        int w = 3 * u;
        for (int b = 0; b < rows; b++) {
            int x = xzOff + b * w;
            int r = hzOff + b * w;
            int a = actOff + b * w;
            gruGatesRow(2 * u, xz, x, hz, r, act, a);
            gruCandidateRow(u, xz, x, hz, r, act, a, hPrev, prevOff + b * u, h, hOff + b * u);
        }
    }

    /** {@code z, r = sigmoid(xz + hz)} over the first {@code len} columns of a row: whole vectors, then a masked tail. */
    private static void gruGatesRow(int len, float[] xz, int x, float[] hz, int r, float[] act, int a) {
        int full = len - len % L;
        for (int j = 0; j < full; j += L) {
            FloatVector v = FloatVector.fromArray(S, xz, x + j).add(FloatVector.fromArray(S, hz, r + j));
            rationalTanh(v.mul(0.5f)).fma(0.5f, 0.5f).intoArray(act, a + j);
        }
        if (full < len) {
            VectorMask<Float> m = S.indexInRange(full, len);
            FloatVector v = FloatVector.fromArray(S, xz, x + full, m).add(FloatVector.fromArray(S, hz, r + full, m));
            rationalTanh(v.mul(0.5f)).fma(0.5f, 0.5f).intoArray(act, a + full, m);
        }
    }

    /** {@code hh = tanh(x_h + r*hz_h)} and {@code h = z*h_prev + (1-z)*hh} for one row. */
    private static void gruCandidateRow(int u, float[] xz, int x, float[] hz, int r, float[] act, int a,
                                        float[] hPrev, int p, float[] h, int hOff) {
        int full = u - u % L;
        for (int j = 0; j < full; j += L) {
            FloatVector reset = FloatVector.fromArray(S, act, a + u + j);
            FloatVector hh = rationalTanh(FloatVector.fromArray(S, xz, x + 2 * u + j)
                    .add(reset.mul(FloatVector.fromArray(S, hz, r + 2 * u + j))));
            hh.intoArray(act, a + 2 * u + j);
            FloatVector z = FloatVector.fromArray(S, act, a + j);
            FloatVector candidate = FloatVector.broadcast(S, 1f).sub(z).mul(hh);
            (hPrev == null ? candidate : z.mul(FloatVector.fromArray(S, hPrev, p + j)).add(candidate))
                    .intoArray(h, hOff + j);
        }
        if (full < u) {
            int j = full;
            VectorMask<Float> m = S.indexInRange(j, u);
            FloatVector reset = FloatVector.fromArray(S, act, a + u + j, m);
            FloatVector hh = rationalTanh(FloatVector.fromArray(S, xz, x + 2 * u + j, m)
                    .add(reset.mul(FloatVector.fromArray(S, hz, r + 2 * u + j, m))));
            hh.intoArray(act, a + 2 * u + j, m);
            FloatVector z = FloatVector.fromArray(S, act, a + j, m);
            FloatVector candidate = FloatVector.broadcast(S, 1f).sub(z).mul(hh);
            (hPrev == null ? candidate : z.mul(FloatVector.fromArray(S, hPrev, p + j, m)).add(candidate))
                    .intoArray(h, hOff + j, m);
        }
    }

    @Override
    public void gruBackwardStep(int rows, int u, float[] act, int actOff, float[] hz, int hzOff, float[] hPrev,
                                int prevOff, float[] dh, int dhOff, float[] dhNext, float[] dxz, float[] dhz) {
        int full = u - u % L;
        for (int b = 0; b < rows; b++) {
            gruBackwardRow(full, u, act, actOff + b * 3 * u, hz, hzOff + b * 3 * u, hPrev, prevOff + b * u,
                    dh, dhOff + b * u, dhNext, b * u, dxz, dhz);
            for (int j = full; j < u; j++) {
                GruMath.backwardElement(b, j, u, act, actOff, hz, hzOff, hPrev, prevOff, dh, dhOff, dhNext, dxz, dhz);
            }
        }
    }

    private static void gruBackwardRow(int full, int u, float[] act, int a, float[] hz, int h, float[] hPrev, int p,
                                       float[] dh, int dhOff, float[] dhNext, int s, float[] dxz, float[] dhz) {
        FloatVector one = FloatVector.broadcast(S, 1f);
        for (int j = 0; j < full; j += L) {
            FloatVector d = FloatVector.fromArray(S, dh, dhOff + j).add(FloatVector.fromArray(S, dhNext, s + j));
            FloatVector z = FloatVector.fromArray(S, act, a + j);
            FloatVector r = FloatVector.fromArray(S, act, a + u + j);
            FloatVector hh = FloatVector.fromArray(S, act, a + 2 * u + j);
            FloatVector prev = hPrev == null ? FloatVector.zero(S) : FloatVector.fromArray(S, hPrev, p + j);
            FloatVector dCand = d.mul(one.sub(z)).mul(one.sub(hh.mul(hh)));
            FloatVector dZ = d.mul(prev.sub(hh)).mul(z).mul(one.sub(z));
            FloatVector dR = dCand.mul(FloatVector.fromArray(S, hz, h + 2 * u + j)).mul(r).mul(one.sub(r));
            dZ.intoArray(dxz, a + j);
            dR.intoArray(dxz, a + u + j);
            dCand.intoArray(dxz, a + 2 * u + j);
            dZ.intoArray(dhz, a + j);
            dR.intoArray(dhz, a + u + j);
            dCand.mul(r).intoArray(dhz, a + 2 * u + j);
            d.mul(z).intoArray(dhNext, s + j);
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
