package org.rnnservice.engine.simd;

/** Plain-Java kernels: the reference the vector kernels are tested against, and the fallback without the module. */
final class ScalarKernels implements Kernels {

    @Override
    public String name() {
        return "scalar";
    }

    @Override
    public void gemm(int m, int n, int k, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                     float[] c, int cOff, int ldc, boolean accumulate) {
        broadcastGemm(m, n, k, a, aOff, lda, 1, b, bOff, ldb, c, cOff, ldc, accumulate);
    }

    /** C (+)= A.B with element (i, p) of A at {@code aOff + i*ars + p*acs}: A or A^T alike. */
    void broadcastGemm(int m, int n, int k, float[] a, int aOff, int ars, int acs, float[] b, int bOff, int ldb,
                       float[] c, int cOff, int ldc, boolean accumulate) {
        for (int i = 0; i < m; i++) {
            int ci = cOff + i * ldc;
            if (!accumulate) {
                java.util.Arrays.fill(c, ci, ci + n, 0f);
            }
            int ai = aOff + i * ars;
            for (int p = 0; p < k; p++) {
                float av = a[ai + p * acs];
                int bp = bOff + p * ldb;
                for (int j = 0; j < n; j++) {
                    // fused, in k order from zero, as every vector kernel computes an element: a product's rows
                    // come out the same whichever kernel their shape picks
                    c[ci + j] = Math.fma(av, b[bp + j], c[ci + j]);
                }
            }
        }
    }

    @Override
    public void gemmTransA(int m, int n, int k, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                           float[] c, int cOff, int ldc, boolean accumulate) {
        broadcastGemm(m, n, k, a, aOff, 1, lda, b, bOff, ldb, c, cOff, ldc, accumulate);
    }

    @Override
    public void gemmTransB(int m, int n, int k, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                           float[] c, int cOff, int ldc, boolean accumulate) {
        for (int i = 0; i < m; i++) {
            int ai = aOff + i * lda;
            int ci = cOff + i * ldc;
            for (int j = 0; j < n; j++) {
                int bj = bOff + j * ldb;
                float s = 0f;
                for (int p = 0; p < k; p++) {
                    s += a[ai + p] * b[bj + p];
                }
                c[ci + j] = accumulate ? c[ci + j] + s : s;
            }
        }
    }

    @Override
    public void tanh(float[] x, int xOff, float[] out, int outOff, int len) {
        for (int i = 0; i < len; i++) {
            out[outOff + i] = (float) Math.tanh(x[xOff + i]);
        }
    }

    @Override
    public void sigmoid(float[] x, int xOff, float[] out, int outOff, int len) {
        for (int i = 0; i < len; i++) {
            out[outOff + i] = (float) (1.0 / (1.0 + Math.exp(-x[xOff + i])));
        }
    }

    @Override
    public void axpy(int len, float alpha, float[] x, int xOff, float[] y, int yOff) {
        for (int i = 0; i < len; i++) {
            y[yOff + i] += alpha * x[xOff + i];
        }
    }

    @Override
    public float[] packB(int k, int n, float[] b, int bOff, int ldb, float[] reuse) {
        float[] out = reuse != null && reuse.length >= k * n ? reuse : new float[k * n];
        for (int p = 0; p < k; p++) {
            System.arraycopy(b, bOff + p * ldb, out, p * n, n);
        }
        return out;
    }

    @Override
    public void gemmPacked(int m, int n, int k, float[] a, int aOff, int lda, float[] packedB,
                            float[] c, int cOff, int ldc, boolean accumulate) {
        gemm(m, n, k, a, aOff, lda, packedB, 0, n, c, cOff, ldc, accumulate);
    }

    @Override
    public void lstmForwardStep(int rows, int u, float[] pre, int preOff, float[] act, int actOff,
                                 float[] cellPrev, int prevOff, float[] cell, int cellOff, float[] cellAct,
                                 int cellActOff, float[] h, int hOff) {
        int w = 4 * u;
        for (int b = 0; b < rows; b++) {
            int p = preOff + b * w;
            int a = actOff + b * w;
            sigmoid(pre, p, act, a, 2 * u);
            tanh(pre, p + 2 * u, act, a + 2 * u, u);
            sigmoid(pre, p + 3 * u, act, a + 3 * u, u);
            int c = cellOff + b * u;
            for (int j = 0; j < u; j++) {
                float carried = cellPrev == null ? 0f : act[a + u + j] * cellPrev[prevOff + b * u + j];
                cell[c + j] = carried + act[a + j] * act[a + 2 * u + j];
            }
            tanh(cell, c, cellAct, cellActOff + b * u, u);
            for (int j = 0; j < u; j++) {
                h[hOff + b * u + j] = act[a + 3 * u + j] * cellAct[cellActOff + b * u + j];
            }
        }
    }

    @Override
    public void lstmBackwardStep(int rows, int u, float[] act, int actOff, float[] cellAct, int cellOff,
                                  float[] cellPrev, int prevOff, float[] dh, int dhOff, float[] dhNext,
                                  float[] dcNext, float[] dPre, int dPreOff) {
        for (int b = 0; b < rows; b++) {
            for (int j = 0; j < u; j++) {
                LstmMath.backwardElement(b, j, u, act, actOff, cellAct, cellOff, cellPrev, prevOff, dh, dhOff, dhNext,
                        dcNext, dPre, dPreOff);
            }
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
            for (int j = 0; j < 2 * u; j++) {
                act[a + j] = xz[x + j] + hz[r + j];
            }
            sigmoid(act, a, act, a, 2 * u);
            for (int j = 0; j < u; j++) {
                act[a + 2 * u + j] = xz[x + 2 * u + j] + act[a + u + j] * hz[r + 2 * u + j];
            }
            tanh(act, a + 2 * u, act, a + 2 * u, u);
            for (int j = 0; j < u; j++) {
                float z = act[a + j];
                float candidate = (1f - z) * act[a + 2 * u + j];
                h[hOff + b * u + j] = hPrev == null ? candidate : z * hPrev[prevOff + b * u + j] + candidate;
            }
        }
    }

    @Override
    public void gruBackwardStep(int rows, int u, float[] act, int actOff, float[] hz, int hzOff, float[] hPrev,
                                 int prevOff, float[] dh, int dhOff, float[] dhNext, float[] dxz, float[] dhz) {
        for (int b = 0; b < rows; b++) {
            for (int j = 0; j < u; j++) {
                GruMath.backwardElement(b, j, u, act, actOff, hz, hzOff, hPrev, prevOff, dh, dhOff, dhNext, dxz, dhz);
            }
        }
    }

    @Override
    public void transpose(int rows, int cols, float[] src, int srcOff, int lds, float[] dst, int dstOff, int ldd) {
        final int tile = 16;
        for (int r0 = 0; r0 < rows; r0 += tile) {
            for (int c0 = 0; c0 < cols; c0 += tile) {
                int r1 = Math.min(rows, r0 + tile);
                int c1 = Math.min(cols, c0 + tile);
                for (int r = r0; r < r1; r++) {
                    for (int c = c0; c < c1; c++) {
                        dst[dstOff + c * ldd + r] = src[srcOff + r * lds + c];
                    }
                }
            }
        }
    }
}
