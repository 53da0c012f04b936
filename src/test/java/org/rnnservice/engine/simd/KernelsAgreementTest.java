package org.rnnservice.engine.simd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Vector API kernels agree with the scalar ones within float32 rounding on awkward sizes (tails shorter than a
 * vector, single rows, sizes just past a block), for every product form, with offsets and leading dimensions.
 */
class KernelsAgreementTest {

    private static final int[] SIZES = {1, 3, 17, 255, 1000};
    private static Kernels vector;
    private static final Kernels SCALAR = KernelsProvider.scalar();

    @BeforeAll
    static void loadVector() {
        vector = KernelsProvider.vector().orElse(null);
    }

    @Test
    void theVectorApiIsAvailableInTheTestJvm() {
        // surefire adds the module; without it this whole class would silently test nothing
        assertTrue(vector != null, "run with --add-modules jdk.incubator.vector");
    }

    /** CI runs this class at 128, 256 and 512 bits ({@code -Drnn.simd.bits}); each run must be at its width. */
    @Test
    void theVectorKernelsRunAtTheRequestedWidth() {
        assumeTrue(vector != null);
        int bits = Integer.getInteger(KernelsProvider.BITS_PROPERTY, 0);
        String expected = "vector-" + (bits == 0 ? jdk.incubator.vector.FloatVector.SPECIES_PREFERRED.vectorBitSize()
                : bits);
        assertEquals(expected, vector.name());
    }

    @Test
    void productsAgree() {
        assumeTrue(vector != null);
        Random rng = new Random(1);
        for (int m : SIZES) {
            for (int n : SIZES) {
                for (int k : SIZES) {
                    if ((long) m * n * k > 5_000_000L) {
                        continue;
                    }
                    for (boolean acc : new boolean[] {false, true}) {
                        compare("gemm", m, n, k, acc, rng);
                        compare("gemmTransA", m, n, k, acc, rng);
                        compare("gemmTransB", m, n, k, acc, rng);
                        compare("gemmPacked", m, n, k, acc, rng);
                    }
                }
            }
        }
    }

    @Test
    void productsWithNarrowLastPanelsAgree() {
        assumeTrue(vector != null);
        Random rng = new Random(8);
        // last panels of 8, 16, 40, 50 and 36 columns: one, two and three vector strips, and a padded full panel
        for (int m : new int[] {1, 5, 9, 16, 33}) {
            for (int n : new int[] {8, 16, 40, 50, 100, 200}) {
                for (int k : new int[] {1, 50, 130}) {
                    for (boolean acc : new boolean[] {false, true}) {
                        compare("gemm", m, n, k, acc, rng);
                        compare("gemmTransA", m, n, k, acc, rng);
                        compare("gemmPacked", m, n, k, acc, rng);
                    }
                }
            }
        }
    }

    @Test
    void productsOnPackedWeightsAreTheSameBitsAsUnpacked() {
        assumeTrue(vector != null);
        Random rng = new Random(21);
        // a recurrent kernel packed once per pass (up to LSTM(512)'s 4 MB) must give the sums of the product that
        // packs B itself, bit for bit, for every kind of row block: training and prediction use either
        for (int m : new int[] {8, 12, 13, 30, 32, 64}) {
            for (int[] nk : new int[][] {{2048, 545}, {512, 2048}, {1000, 300}, {2048, 130}}) {
                int n = nk[0];
                int k = nk[1];
                float[] a = random(m * k, rng);
                float[] b = random(k * n, rng);
                float[] packed = vector.packB(k, n, b, 0, n, null);
                for (boolean acc : new boolean[] {false, true}) {
                    float[] unpacked = random(m * n, rng);
                    float[] fromPacked = unpacked.clone();
                    vector.gemm(m, n, k, a, 0, k, b, 0, n, unpacked, 0, n, acc);
                    vector.gemmPacked(m, n, k, a, 0, k, packed, fromPacked, 0, n, acc);
                    assertArrayEquals(unpacked, fromPacked, m + "x" + n + "x" + k + " accumulate " + acc);
                }
            }
        }
    }

    private static void compare(String form, int m, int n, int k, boolean acc, Random rng) {
        int pad = 3; // leading dimensions wider than the matrices, and offsets, as layers use them
        int lda = (form.equals("gemmTransA") ? m : k) + pad;
        int aRows = form.equals("gemmTransA") ? k : m;
        int ldb = (form.equals("gemmTransB") ? k : n) + pad;
        int bRows = form.equals("gemmTransB") ? n : k;
        int ldc = n + pad;
        float[] a = random(5 + aRows * lda, rng);
        float[] b = random(7 + bRows * ldb, rng);
        float[] c1 = random(2 + m * ldc, rng);
        float[] c2 = c1.clone();
        run(SCALAR, form, m, n, k, a, lda, b, ldb, c1, ldc, acc);
        run(vector, form, m, n, k, a, lda, b, ldb, c2, ldc, acc);
        for (int i = 0; i < c1.length; i++) {
            // each entry sums k products of values in [-1, 1]: rounding grows with k
            double bound = 1e-6 * (k + 1) * 4;
            assertTrue(Math.abs(c1[i] - c2[i]) <= bound,
                    form + " " + m + "x" + n + "x" + k + " acc=" + acc + " at " + i + ": " + c1[i] + " vs " + c2[i]);
        }
    }

    private static void run(Kernels kn, String form, int m, int n, int k, float[] a, int lda, float[] b, int ldb,
                            float[] c, int ldc, boolean acc) {
        switch (form) {
            case "gemm" -> kn.gemm(m, n, k, a, 5, lda, b, 7, ldb, c, 2, ldc, acc);
            case "gemmTransA" -> kn.gemmTransA(m, n, k, a, 5, lda, b, 7, ldb, c, 2, ldc, acc);
            case "gemmTransB" -> kn.gemmTransB(m, n, k, a, 5, lda, b, 7, ldb, c, 2, ldc, acc);
            default -> kn.gemmPacked(m, n, k, a, 5, lda, kn.packB(k, n, b, 7, ldb, null), c, 2, ldc, acc);
        }
    }

    @Test
    void activationsAndAxpyAgree() {
        assumeTrue(vector != null);
        Random rng = new Random(2);
        for (int len : SIZES) {
            float[] x = new float[len + 4];
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) (rng.nextGaussian() * 6);
            }
            float[] s1 = new float[len + 4];
            float[] s2 = new float[len + 4];
            SCALAR.tanh(x, 2, s1, 1, len);
            vector.tanh(x, 2, s2, 1, len);
            assertNear(s1, s2, 1e-6, "tanh");
            SCALAR.sigmoid(x, 2, s1, 1, len);
            vector.sigmoid(x, 2, s2, 1, len);
            assertNear(s1, s2, 1e-6, "sigmoid");
            float[] y1 = random(len + 4, rng);
            float[] y2 = y1.clone();
            SCALAR.axpy(len, 0.3f, x, 2, y1, 1);
            vector.axpy(len, 0.3f, x, 2, y2, 1);
            assertNear(y1, y2, 1e-6, "axpy");
        }
    }

    @Test
    void aRowsProductDoesNotDependOnTheRowsBesideIt() {
        assumeTrue(vector != null);
        Random rng = new Random(14);
        // single rows take their own kernels (two panels at once; a panel and a strip at once): same sums, same bits
        for (int n : new int[] {64, 72, 80, 136, 200, 328}) {
            for (int k : new int[] {1, 50, 130}) {
                int m = 8;
                float[] a = random(m * k, rng);
                float[] packed = vector.packB(k, n, random(k * n, rng), 0, n, null);
                for (boolean acc : new boolean[] {false, true}) {
                    float[] start = random(m * n, rng);
                    float[] all = start.clone();
                    vector.gemmPacked(m, n, k, a, 0, k, packed, all, 0, n, acc);
                    for (int rows = 1; rows <= 3; rows++) {
                        float[] few = start.clone();
                        vector.gemmPacked(rows, n, k, a, 2 * k, k, packed, few, 2 * n, n, acc);
                        assertArrayEquals(java.util.Arrays.copyOfRange(all, 2 * n, (2 + rows) * n),
                                java.util.Arrays.copyOfRange(few, 2 * n, (2 + rows) * n),
                                rows + " rows, n " + n + ", k " + k + ", accumulate " + acc);
                    }
                }
            }
        }
    }

    @Test
    void fusedLstmBackwardStepsAgree() {
        assumeTrue(vector != null);
        Random rng = new Random(5);
        for (int u : new int[] {1, 3, 17, 50}) {
            for (boolean first : new boolean[] {false, true}) {
                int rows = 3;
                float[] act = random(rows * 4 * u + 2, rng);
                float[] cellAct = random(rows * u + 1, rng);
                float[] prev = random(rows * u + 3, rng);
                float[] dh = random(rows * u + 4, rng);
                float[] dhNext = random(rows * u, rng);
                float[] dc1 = random(rows * u, rng);
                float[] dc2 = dc1.clone();
                float[] d1 = new float[rows * 4 * u + 1];
                float[] d2 = new float[rows * 4 * u + 1];
                SCALAR.lstmBackwardStep(rows, u, act, 2, cellAct, 1, first ? null : prev, 3, dh, 4, dhNext, dc1, d1, 1);
                vector.lstmBackwardStep(rows, u, act, 2, cellAct, 1, first ? null : prev, 3, dh, 4, dhNext, dc2, d2, 1);
                assertNear(d1, d2, 1e-6, "dPre u=" + u);
                assertNear(dc1, dc2, 1e-6, "dcNext u=" + u);
            }
        }
    }

    @Test
    void fusedLstmForwardStepsAgree() {
        assumeTrue(vector != null);
        Random rng = new Random(7);
        for (int u : new int[] {1, 3, 17, 50, 128}) {
            for (boolean first : new boolean[] {false, true}) {
                int rows = 5;
                float[] pre = random(rows * 4 * u + 3, rng);
                for (int i = 0; i < pre.length; i++) {
                    pre[i] *= 8f; // into both saturated ends of the gates
                }
                float[] prev = random(rows * u + 2, rng);
                float[][] act = new float[2][rows * 4 * u + 1];
                float[][] cell = new float[2][rows * u + 4];
                float[][] cellAct = new float[2][rows * u + 2];
                float[][] h = new float[2][rows * u + 3];
                Kernels[] both = {SCALAR, vector};
                for (int k = 0; k < 2; k++) {
                    both[k].lstmForwardStep(rows, u, pre, 3, act[k], 1, first ? null : prev, 2, cell[k], 4,
                            cellAct[k], 2, h[k], 3);
                }
                assertNear(act[0], act[1], 1e-6, "gates u=" + u);
                assertNear(cell[0], cell[1], 1e-6, "cell u=" + u);
                assertNear(cellAct[0], cellAct[1], 1e-6, "tanh(cell) u=" + u);
                assertNear(h[0], h[1], 1e-6, "h u=" + u);
                for (int j = 0; j < u; j++) {
                    float i = act[0][1 + j];
                    float g = act[0][1 + 2 * u + j];
                    float c = first ? i * g : act[0][1 + u + j] * prev[2 + j] + i * g;
                    assertEquals(c, cell[0][4 + j], 1e-6f, "c = f*c_prev + i*g at " + j);
                    assertEquals(Math.tanh(c) * act[0][1 + 3 * u + j], h[0][3 + j], 1e-6, "h = o*tanh(c) at " + j);
                }
            }
        }
    }

    @Test
    void fusedGruForwardStepsAgree() {
        assumeTrue(vector != null);
        Random rng = new Random(9);
        for (int u : new int[] {1, 3, 17, 50, 128}) {
            for (boolean first : new boolean[] {false, true}) {
                int rows = 5;
                float[] xz = random(rows * 3 * u + 2, rng);
                float[] hz = random(rows * 3 * u + 1, rng);
                for (int i = 0; i < xz.length; i++) {
                    xz[i] *= 6f; // into both saturated ends of the gates
                }
                float[] prev = random(rows * u + 3, rng);
                float[][] act = new float[2][rows * 3 * u + 4];
                float[][] h = new float[2][rows * u + 2];
                Kernels[] both = {SCALAR, vector};
                for (int k = 0; k < 2; k++) {
                    both[k].gruForwardStep(rows, u, xz, 2, hz, 1, act[k], 4, first ? null : prev, 3, h[k], 2);
                }
                assertNear(act[0], act[1], 1e-6, "z, r, hh u=" + u);
                assertNear(h[0], h[1], 1e-6, "h u=" + u);
                for (int j = 0; j < u; j++) {
                    double z = 1 / (1 + Math.exp(-(xz[2 + j] + hz[1 + j])));
                    double r = 1 / (1 + Math.exp(-(xz[2 + u + j] + hz[1 + u + j])));
                    double hh = Math.tanh(xz[2 + 2 * u + j] + r * hz[1 + 2 * u + j]);
                    double expected = (first ? 0 : z * prev[3 + j]) + (1 - z) * hh;
                    assertEquals(expected, h[0][2 + j], 1e-5, "h = z*h_prev + (1-z)*hh at " + j);
                }
            }
        }
    }

    @Test
    void fusedGruBackwardStepsAgree() {
        assumeTrue(vector != null);
        Random rng = new Random(6);
        for (int u : new int[] {1, 3, 17, 50}) {
            for (boolean first : new boolean[] {false, true}) {
                int rows = 3;
                float[] act = random(rows * 3 * u + 2, rng);
                float[] hz = random(rows * 3 * u + 2, rng);
                float[] prev = random(rows * u + 3, rng);
                float[] dh = random(rows * u + 4, rng);
                float[] next1 = random(rows * u, rng);
                float[] next2 = next1.clone();
                float[] x1 = new float[rows * 3 * u + 2];
                float[] x2 = new float[rows * 3 * u + 2];
                float[] h1 = new float[rows * 3 * u + 2];
                float[] h2 = new float[rows * 3 * u + 2];
                SCALAR.gruBackwardStep(rows, u, act, 2, hz, 2, first ? null : prev, 3, dh, 4, next1, x1, h1);
                vector.gruBackwardStep(rows, u, act, 2, hz, 2, first ? null : prev, 3, dh, 4, next2, x2, h2);
                assertNear(x1, x2, 1e-6, "dxz u=" + u);
                assertNear(h1, h2, 1e-6, "dhz u=" + u);
                assertNear(next1, next2, 1e-6, "dhNext u=" + u);
            }
        }
    }

    @Test
    void vectorTanhAndSigmoidAreAccurateToAMillionth() {
        assumeTrue(vector != null);
        int n = 200_001;
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = -20f + 40f * i / (n - 1); // the whole range, saturation included
        }
        float[] t = new float[n];
        float[] s = new float[n];
        vector.tanh(x, 0, t, 0, n);
        vector.sigmoid(x, 0, s, 0, n);
        double worstTanh = 0;
        double worstSigmoid = 0;
        for (int i = 0; i < n; i++) {
            worstTanh = Math.max(worstTanh, Math.abs(t[i] - Math.tanh(x[i])));
            worstSigmoid = Math.max(worstSigmoid, Math.abs(s[i] - 1 / (1 + Math.exp(-x[i]))));
        }
        // documented in VectorKernels: about 3e-7 absolute, a few float32 ulps near 1
        assertTrue(worstTanh < 1e-6, "tanh error " + worstTanh);
        assertTrue(worstSigmoid < 1e-6, "sigmoid error " + worstSigmoid);
    }

    @Test
    void activationsGiveTheSameBitsInTheVectorBodyAndTheTail() {
        assumeTrue(vector != null);
        float[] x = new float[37];
        for (int i = 0; i < x.length; i++) {
            x[i] = (i - 18) * 0.37f;
        }
        float[] whole = new float[x.length];
        vector.tanh(x, 0, whole, 0, x.length);
        for (int i = 0; i < x.length; i++) {
            float[] one = new float[1];
            vector.tanh(x, i, one, 0, 1); // a single element takes the scalar path
            assertTrue(Float.floatToIntBits(one[0]) == Float.floatToIntBits(whole[i]), "element " + i);
        }
    }

    private static void assertNear(float[] a, float[] b, double tol, String what) {
        for (int i = 0; i < a.length; i++) {
            assertTrue(Math.abs(a[i] - b[i]) <= tol, what + " at " + i + ": " + a[i] + " vs " + b[i]);
        }
    }

    private static float[] random(int n, Random rng) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (rng.nextDouble() * 2 - 1);
        }
        return v;
    }
}
