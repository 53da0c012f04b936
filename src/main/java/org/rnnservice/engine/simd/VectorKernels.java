package org.rnnservice.engine.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Kernels on the Vector API, at the width {@link VectorWidth} chose for this JVM: products in {@link VectorGemm},
 * activations in {@link VectorActivations}, the recurrent cells' steps in {@link VectorCells}. Loaded by name from
 * {@link KernelsProvider} only when the incubator module is present, so the scalar path never links these classes.
 */
final class VectorKernels implements Kernels {

    private static final VectorSpecies<Float> S = VectorWidth.SPECIES;
    private static final int L = S.length();
    private static final ScalarKernels SCALAR = new ScalarKernels();

    @Override
    public String name() {
        return "vector-" + S.vectorBitSize();
    }

    @Override
    public void gemm(int m, int n, int k, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                     float[] c, int cOff, int ldc, boolean accumulate) {
        VectorGemm.gemm(m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate);
    }

    @Override
    public void gemmTransA(int m, int n, int k, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                           float[] c, int cOff, int ldc, boolean accumulate) {
        VectorGemm.gemmTransA(m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate);
    }

    @Override
    public float[] packB(int k, int n, float[] b, int bOff, int ldb, float[] reuse) {
        return VectorGemm.packB(k, n, b, bOff, ldb, reuse);
    }

    @Override
    public void gemmPacked(int m, int n, int k, float[] a, int aOff, int lda, float[] packedB,
                           float[] c, int cOff, int ldc, boolean accumulate) {
        VectorGemm.gemmPacked(m, n, k, a, aOff, lda, packedB, c, cOff, ldc, accumulate);
    }

    @Override
    public void gemmTransB(int m, int n, int k, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                           float[] c, int cOff, int ldc, boolean accumulate) {
        VectorGemm.gemmTransB(m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate);
    }

    @Override
    public void tanh(float[] x, int xOff, float[] out, int outOff, int len) {
        VectorActivations.activate(x, xOff, out, outOff, len, false);
    }

    @Override
    public void sigmoid(float[] x, int xOff, float[] out, int outOff, int len) {
        VectorActivations.activate(x, xOff, out, outOff, len, true);
    }

    @Override
    public void lstmForwardStep(int rows, int u, float[] pre, int preOff, float[] act, int actOff,
                                float[] cellPrev, int prevOff, float[] cell, int cellOff, float[] cellAct,
                                int cellActOff, float[] h, int hOff) {
        VectorCells.lstmForwardStep(rows, u, pre, preOff, act, actOff, cellPrev, prevOff, cell, cellOff, cellAct, cellActOff, h, hOff);
    }

    @Override
    public void lstmBackwardStep(int rows, int u, float[] act, int actOff, float[] cellAct, int cellOff,
                                 float[] cellPrev, int prevOff, float[] dh, int dhOff, float[] dhNext,
                                 float[] dcNext, float[] dPre, int dPreOff) {
        VectorCells.lstmBackwardStep(rows, u, act, actOff, cellAct, cellOff, cellPrev, prevOff, dh, dhOff, dhNext, dcNext, dPre, dPreOff);
    }

    @Override
    public void gruForwardStep(int rows, int u, float[] xz, int xzOff, float[] hz, int hzOff, float[] act,
                               int actOff, float[] hPrev, int prevOff, float[] h, int hOff) {
        VectorCells.gruForwardStep(rows, u, xz, xzOff, hz, hzOff, act, actOff, hPrev, prevOff, h, hOff);
    }

    @Override
    public void gruBackwardStep(int rows, int u, float[] act, int actOff, float[] hz, int hzOff, float[] hPrev,
                                int prevOff, float[] dh, int dhOff, float[] dhNext, float[] dxz, float[] dhz) {
        VectorCells.gruBackwardStep(rows, u, act, actOff, hz, hzOff, hPrev, prevOff, dh, dhOff, dhNext, dxz, dhz);
    }

    /** Tiles of plain copies; the vector lanes would gain nothing on a gather. */
    @Override
    public void transpose(int rows, int cols, float[] src, int srcOff, int lds, float[] dst, int dstOff, int ldd) {
        SCALAR.transpose(rows, cols, src, srcOff, lds, dst, dstOff, ldd);
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
