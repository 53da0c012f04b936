package org.rnnservice.engine.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/** The fused elementwise work of one LSTM or GRU time step on the Vector API, forward and backward. */
final class VectorCells {

    private static final VectorSpecies<Float> S = VectorWidth.SPECIES;
    private static final int L = S.length();

    private VectorCells() {
    }

    static void lstmForwardStep(int rows, int u, float[] pre, int preOff, float[] act, int actOff,
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
                FloatVector t = VectorActivations.rationalTanh(FloatVector.fromArray(S, x, xOff + i).mul(sv));
                t.fma(sv, FloatVector.fromArray(S, shift, col)).intoArray(out, outOff + i);
                col += L;
                while (col >= w) { // more than once only when a row is shorter than a vector
                    col -= w;
                }
            }
            if (i < len) {
                VectorMask<Float> m = S.indexInRange(i, len);
                FloatVector sv = FloatVector.fromArray(S, scale, col);
                FloatVector t = VectorActivations.rationalTanh(FloatVector.fromArray(S, x, xOff + i, m).mul(sv));
                t.fma(sv, FloatVector.fromArray(S, shift, col)).intoArray(out, outOff + i, m);
            }
            return;
        }
        for (; i < len; i++) {
            out[outOff + i] = VectorActivations.rationalActivation(x[xOff + i], scale[i % w] != 1f);
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
            FloatVector tc = VectorActivations.rationalTanh(cv);
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
            FloatVector tc = VectorActivations.rationalTanh(cv);
            tc.intoArray(cellAct, ca + j, m);
            FloatVector.fromArray(S, act, a + 3 * u + j, m).mul(tc).intoArray(h, hOff + j, m);
        }
    }

    static void lstmBackwardStep(int rows, int u, float[] act, int actOff, float[] cellAct, int cellOff,
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

    static void gruForwardStep(int rows, int u, float[] xz, int xzOff, float[] hz, int hzOff, float[] act,
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
            VectorActivations.rationalTanh(v.mul(0.5f)).fma(0.5f, 0.5f).intoArray(act, a + j);
        }
        if (full < len) {
            VectorMask<Float> m = S.indexInRange(full, len);
            FloatVector v = FloatVector.fromArray(S, xz, x + full, m).add(FloatVector.fromArray(S, hz, r + full, m));
            VectorActivations.rationalTanh(v.mul(0.5f)).fma(0.5f, 0.5f).intoArray(act, a + full, m);
        }
    }

    /** {@code hh = tanh(x_h + r*hz_h)} and {@code h = z*h_prev + (1-z)*hh} for one row. */
    private static void gruCandidateRow(int u, float[] xz, int x, float[] hz, int r, float[] act, int a,
                                        float[] hPrev, int p, float[] h, int hOff) {
        int full = u - u % L;
        for (int j = 0; j < full; j += L) {
            FloatVector reset = FloatVector.fromArray(S, act, a + u + j);
            FloatVector hh = VectorActivations.rationalTanh(FloatVector.fromArray(S, xz, x + 2 * u + j)
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
            FloatVector hh = VectorActivations.rationalTanh(FloatVector.fromArray(S, xz, x + 2 * u + j, m)
                    .add(reset.mul(FloatVector.fromArray(S, hz, r + 2 * u + j, m))));
            hh.intoArray(act, a + 2 * u + j, m);
            FloatVector z = FloatVector.fromArray(S, act, a + j, m);
            FloatVector candidate = FloatVector.broadcast(S, 1f).sub(z).mul(hh);
            (hPrev == null ? candidate : z.mul(FloatVector.fromArray(S, hPrev, p + j, m)).add(candidate))
                    .intoArray(h, hOff + j, m);
        }
    }

    static void gruBackwardStep(int rows, int u, float[] act, int actOff, float[] hz, int hzOff, float[] hPrev,
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
}
