package org.rnnservice.engine.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The matrix products on the Vector API: register-blocked micro-kernels over packed panels of B, in the forms the
 * layers need ({@code A.B}, {@code A^T.B}, {@code A.B^T}, and {@code A.B} with B packed once for many calls).
 *
 * <p>Vectors never cross a method boundary in the hot loops: a {@code FloatVector} that escapes an un-inlined call is
 * boxed, and the products fall from hundreds of GFLOP/s to tens.
 */
final class VectorGemm {

    private static final VectorSpecies<Float> S = VectorWidth.SPECIES;
    private static final int L = S.length();
    /**
     * Vectors per packed panel of B, from the register file: at 256 bits x86 has 16 vector registers (AVX2), where
     * {@link NarrowPanelKernels}' 6 x 2 vectors fit; at 512 bits (AVX-512) and at 128 (ARM's NEON) there are 32,
     * where {@link MicroKernels}' 6 x 4 vectors fit.
     */
    static final int PANEL_VECTORS = L == 8 ? 2 : 4;
    /** Columns of a packed panel of B, which the micro-kernels compute a block of C for. */
    private static final int WIDE = PANEL_VECTORS * L;
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


    private VectorGemm() {
    }

    static void gemm(int m, int n, int k, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                     float[] c, int cOff, int ldc, boolean accumulate) {
        broadcastGemm(m, n, k, a, aOff, lda, 1, b, bOff, ldb, c, cOff, ldc, accumulate);
    }

    static void gemmTransA(int m, int n, int k, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
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
        int kcMax = Math.min(A_SLICE_DEPTH, k);
        float[] slice = scratch(A_SLICE, kcMax * stride);
        float[] panel = scratch(PANEL, kcMax * WIDE);
        for (int p0 = 0; p0 < k; p0 += A_SLICE_DEPTH) {
            int kc = Math.min(A_SLICE_DEPTH, k - p0);
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
    static float[] packB(int k, int n, float[] b, int bOff, int ldb, float[] reuse) {
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
     * Copies {@code k x w} of B into {@code out}: as {@code k x WIDE} rows, zero-padded, when {@code w} needs all of
     * a panel's vectors; a narrower panel as one {@code k x L} strip per vector, so that a last panel of 8 columns
     * costs one vector per step of k rather than a panel's. Strides stay constant, so the kernels' bounds checks are hoisted.
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

    static void gemmPacked(int m, int n, int k, float[] a, int aOff, int lda, float[] packedB,
                           float[] c, int cOff, int ldc, boolean accumulate) {
        int j = 0;
        if (m < 4 && PANEL_VECTORS == 2) {
            // a row alone is bound by the latency of its FMA chains: four panels at once run eight
            for (; j + 4 * WIDE <= n; j += 4 * WIDE) {
                for (int i = 0; i < m; i++) {
                    NarrowPanelKernels.k1x8(k, a, aOff + i * lda, packedB, (j / WIDE) * k * WIDE, c,
                            cOff + i * ldc + j, accumulate);
                }
            }
        } else if (m < 4) {
            // a row alone is bound by the latency of its FMA chains: two panels at once run twice the chains
            for (; j + 2 * WIDE <= n; j += 2 * WIDE) {
                int panel = (j / WIDE) * k * WIDE;
                for (int i = 0; i < m; i++) {
                    MicroKernels.k1x8(k, a, aOff + i * lda, packedB, panel, panel + k * WIDE, c, cOff + i * ldc + j, accumulate);
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
                    MicroKernels.k1x5(k, a, aOff + i * lda, packedB, panel, panel + k * WIDE, c, row, tail, accumulate);
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
            // all but part of the last vector: the full kernels on the zero-padded panel, into scratch
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

    /**
     * Deepest pass of the row blocks over a panel: up to 1024 x WIDE floats (256 KB at most) stay in L2 while every
     * row block reuses them, and each block loads and stores its part of C once per pass. Deep passes pay because the
     * prefetchers keep the kernels fed from L2: keeping a pass's panel in L1 (128 steps) made a step's product of an
     * LSTM(512), 32x2048x545, 8-13% slower at 512 and at 256 bits, its C going in and out five times.
     */
    private static final int KC = 1024;
    /** Steps of k per slice of A in {@link #transposedGemm}: 128 rows of A stay in L2 over all the panels of B. */
    private static final int A_SLICE_DEPTH = 128;

    /** The depth of each pass when {@code k} steps are cut into as few passes of at most {@link #KC} as fit, evenly. */
    private static int passDepth(int k) {
        int passes = (k + KC - 1) / KC;
        return (k + passes - 1) / passes;
    }

    /**
     * One full-width column block of C over all rows, in blocks of 6, 4 and 1 rows, in passes of at most
     * {@link #KC} steps of k.
     */
    private static void rowBlocks(int m, int k, float[] a, int aOff, int ars, int acs, float[] b, int bOff,
                                  float[] c, int cOff, int ldc, boolean accumulate) {
        int depth = passDepth(k);
        for (int p0 = 0; p0 < k; p0 += depth) {
            int kc = Math.min(depth, k - p0);
            boolean acc = accumulate || p0 > 0;
            int ap = aOff + p0 * acs;
            int bp = bOff + p0 * WIDE;
            int i = 0;
            // a remainder of 2 rows is better as two blocks of 4 than as single rows
            int sixes = m % 6 == 2 && m >= 8 ? m - 8 : m;
            // PANEL_VECTORS is a constant: C2 compiles one kernel of each pair and drops the other
            for (; i + 6 <= sixes; i += 6) {
                if (PANEL_VECTORS == 2) {
                    NarrowPanelKernels.k6x2(kc, a, ap + i * ars, ars, acs, b, bp, c, cOff + i * ldc, ldc, acc);
                } else {
                    MicroKernels.k6x4(kc, a, ap + i * ars, ars, acs, b, bp, c, cOff + i * ldc, ldc, acc);
                }
            }
            for (; i + 4 <= m; i += 4) {
                if (PANEL_VECTORS == 2) {
                    NarrowPanelKernels.k4x2(kc, a, ap + i * ars, ars, acs, b, bp, c, cOff + i * ldc, ldc, acc);
                } else {
                    MicroKernels.k4x4(kc, a, ap + i * ars, ars, acs, b, bp, c, cOff + i * ldc, ldc, acc);
                }
            }
            for (; i < m; i++) {
                if (PANEL_VECTORS == 2) {
                    NarrowPanelKernels.k1x2(kc, a, ap + i * ars, acs, b, bp, c, cOff + i * ldc, acc);
                } else {
                    MicroKernels.k1x4(kc, a, ap + i * ars, acs, b, bp, c, cOff + i * ldc, acc);
                }
            }
        }
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
        int depth = passDepth(k);
        for (int p0 = 0; p0 < k; p0 += depth) {
            int kc = Math.min(depth, k - p0);
            boolean acc = accumulate || p0 > 0;
            int ap = aOff + p0 * acs;
            int bp = bOff + p0 * L;
            int i = 0;
            for (; i + 8 <= m; i += 8) {
                MicroKernels.k8x1(kc, a, ap + i * ars, ars, acs, b, bp, c, cOff + i * ldc, ldc, acc);
            }
            for (; i < m; i++) {
                MicroKernels.k1x1(kc, a, ap + i * ars, acs, b, bp, c, cOff + i * ldc, acc);
            }
        }
    }

    /** Transposes B into per-thread scratch once, then runs the broadcast product: no horizontal reductions. */
    static void gemmTransB(int m, int n, int k, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                           float[] c, int cOff, int ldc, boolean accumulate) {
        if (n < L || (long) m * n * k < SMALL) {
            SCALAR.gemmTransB(m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate);
            return;
        }
        float[] bt = scratch(TRANSPOSED, k * n);
        SCALAR.transpose(n, k, b, bOff, ldb, bt, 0, n);
        broadcastGemm(m, n, k, a, aOff, lda, 1, bt, 0, n, c, cOff, ldc, accumulate);
    }
}
