package org.rnnservice.engine.simd;

/** The GRU step's elementwise backward arithmetic for one unit, shared by both kernel sets. */
final class GruMath {

    private GruMath() {
    }

    /** Unit {@code j} of row {@code b} of {@link Kernels#gruBackwardStep}. */
    static void backwardElement(int b, int j, int u, float[] act, int actOff, float[] hz, int hzOff, float[] hPrev,
                                int prevOff, float[] dh, int dhOff, float[] dhNext, float[] dxz, float[] dhz) {
        int s = b * u + j;
        int row = b * 3 * u;
        int a = actOff + row;
        float d = dh[dhOff + s] + dhNext[s];
        float z = act[a + j];
        float r = act[a + u + j];
        float hh = act[a + 2 * u + j];
        float prev = hPrev == null ? 0f : hPrev[prevOff + s];
        float dCand = d * (1f - z) * (1f - hh * hh);
        float dZ = d * (prev - hh) * z * (1f - z);
        float dR = dCand * hz[hzOff + row + 2 * u + j] * r * (1f - r);
        dxz[a + j] = dZ;
        dxz[a + u + j] = dR;
        dxz[a + 2 * u + j] = dCand;
        dhz[a + j] = dZ;
        dhz[a + u + j] = dR;
        dhz[a + 2 * u + j] = dCand * r;
        dhNext[s] = d * z;
    }
}
