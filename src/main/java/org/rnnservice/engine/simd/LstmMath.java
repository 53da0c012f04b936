package org.rnnservice.engine.simd;

/** The LSTM step's elementwise arithmetic for one unit, shared by the scalar kernels and the vector kernels' tails. */
final class LstmMath {

    private LstmMath() {
    }

    /** Unit {@code j} of row {@code b} of {@link Kernels#lstmBackwardStep}. */
    static void backwardElement(int b, int j, int u, float[] act, int actOff, float[] cellAct, int cellOff,
                                float[] cellPrev, int prevOff, float[] dh, int dhOff, float[] dhNext, float[] dcNext,
                                float[] dPre, int dPreOff) {
        int s = b * u + j;
        int a = actOff + b * 4 * u;
        int d = dPreOff + b * 4 * u;
        float dhv = dh[dhOff + s] + dhNext[s];
        float i = act[a + j];
        float f = act[a + u + j];
        float g = act[a + 2 * u + j];
        float o = act[a + 3 * u + j];
        float tc = cellAct[cellOff + s];
        float dc = dcNext[s] + dhv * o * (1f - tc * tc);
        float prev = cellPrev == null ? 0f : cellPrev[prevOff + s];
        dPre[d + j] = dc * g * i * (1f - i);
        dPre[d + u + j] = dc * prev * f * (1f - f);
        dPre[d + 2 * u + j] = dc * i * (1f - g * g);
        dPre[d + 3 * u + j] = dhv * tc * o * (1f - o);
        dcNext[s] = dc * f;
    }
}
