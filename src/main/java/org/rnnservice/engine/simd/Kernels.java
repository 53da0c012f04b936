package org.rnnservice.engine.simd;

/**
 * The numeric kernels every layer runs on: row-major matrix products in the three forms that forward and backward
 * passes need, and the elementwise activations of the recurrent gates. Implementations agree within float32 rounding.
 *
 * <p>Matrices are addressed as (array, offset, leading dimension) so layers can hand over a time step's slice of a
 * larger buffer without copying.
 */
public interface Kernels {

    /** A short name for logs, such as {@code "scalar"} or {@code "vector-512"}. */
    String name();

    /** {@code C[m,n] (+)= A[m,k] . B[k,n]}; overwrites C unless {@code accumulate}. */
    void gemm(int m, int n, int k,
              float[] a, int aOff, int lda,
              float[] b, int bOff, int ldb,
              float[] c, int cOff, int ldc, boolean accumulate);

    /**
     * Lays out {@code B[k,n]} for repeated {@link #gemmPacked} calls (a recurrent kernel used at every time step):
     * the copying that a product would otherwise do on every call happens once. The layout is the implementation's.
     */
    float[] packB(int k, int n, float[] b, int bOff, int ldb, float[] reuse);

    /** {@code C[m,n] (+)= A[m,k] . B} with B as {@link #packB} laid it out. */
    void gemmPacked(int m, int n, int k, float[] a, int aOff, int lda, float[] packedB,
                            float[] c, int cOff, int ldc, boolean accumulate);

    /** {@code C[m,n] (+)= A^T . B} where A is stored as {@code [k,m]}; the weight-gradient product. */
    void gemmTransA(int m, int n, int k,
                    float[] a, int aOff, int lda,
                    float[] b, int bOff, int ldb,
                    float[] c, int cOff, int ldc, boolean accumulate);

    /** {@code C[m,n] (+)= A . B^T} where B is stored as {@code [n,k]}; the input-gradient product. */
    void gemmTransB(int m, int n, int k,
                    float[] a, int aOff, int lda,
                    float[] b, int bOff, int ldb,
                    float[] c, int cOff, int ldc, boolean accumulate);

    /** {@code out[i] = tanh(x[i])} for {@code len} elements; in place when the ranges coincide. */
    void tanh(float[] x, int xOff, float[] out, int outOff, int len);

    /** {@code out[i] = 1 / (1 + exp(-x[i]))} for {@code len} elements; in place when the ranges coincide. */
    void sigmoid(float[] x, int xOff, float[] out, int outOff, int len);

    /** {@code y[i] += alpha * x[i]}. */
    void axpy(int len, float alpha, float[] x, int xOff, float[] y, int yOff);

    /** Adds {@code bias[0..n)} to each of the {@code rows} rows of {@code c} (leading dimension {@code ldc}). */
    default void addRowVector(int rows, int n, float[] bias, int biasOff, float[] c, int cOff, int ldc) {
        for (int r = 0; r < rows; r++) {
            axpy(n, 1f, bias, biasOff, c, cOff + r * ldc);
        }
    }

    /**
     * One time step of the LSTM forward pass for the default activations (sigmoid gates, tanh cell), all elementwise
     * work fused: from the summed gate pre-activations {@code pre} ({@code [i, f, c, o]} rows of {@code 4u}) writes
     * the gate activations {@code act}, the cell {@code c_t = f*c_{t-1} + i*g}, its tanh and {@code h_t = o*tanh(c_t)}.
     * {@code cellPrev} null means t = 0.
     */
    void lstmForwardStep(int rows, int u, float[] pre, int preOff, float[] act, int actOff,
                                 float[] cellPrev, int prevOff, float[] cell, int cellOff, float[] cellAct,
                                 int cellActOff, float[] h, int hOff);

    /**
     * One time step of the LSTM backward pass for the default activations (tanh, sigmoid gates), all elementwise
     * work fused: from the state gradient {@code dh} (plus {@code dhNext}, the part from step t+1) and the cell
     * gradient {@code dcNext}, writes the gate pre-activation gradients into {@code dPre} ({@code [i, f, c, o]} rows
     * of {@code 4u}) and the cell gradient for step t-1 back into {@code dcNext}. {@code cellPrev} null means t = 0.
     */
    void lstmBackwardStep(int rows, int u, float[] act, int actOff, float[] cellAct, int cellOff,
                                  float[] cellPrev, int prevOff, float[] dh, int dhOff, float[] dhNext,
                                  float[] dcNext, float[] dPre, int dPreOff);

    /**
     * One time step of the GRU forward pass ({@code reset_after}, sigmoid gates, tanh candidate), all elementwise
     * work fused: from the input terms {@code xz} and the recurrent terms {@code hz} (bias included; {@code [z, r, h]}
     * rows of {@code 3u}) writes {@code act = [z, r, hh]} with {@code hh = tanh(x_h + r*hz_h)} and
     * {@code h_t = z*h_{t-1} + (1-z)*hh}. {@code hPrev} null means t = 0.
     */
    void gruForwardStep(int rows, int u, float[] xz, int xzOff, float[] hz, int hzOff, float[] act,
                                int actOff, float[] hPrev, int prevOff, float[] h, int hOff);

    /**
     * One time step of the GRU ({@code reset_after}) backward pass for the default activations, elementwise work
     * fused: from {@code dh} plus {@code dhNext} (the part from step t+1), writes the input-side pre-activation
     * gradients {@code dxz} and recurrent-side ones {@code dhz} ({@code [z, r, h]} rows of {@code 3u}) and leaves
     * {@code dhNext = dh_total * z}, the direct part of the gradient for step t-1. {@code hPrev} null means t = 0.
     */
    void gruBackwardStep(int rows, int u, float[] act, int actOff, float[] hz, int hzOff, float[] hPrev,
                                 int prevOff, float[] dh, int dhOff, float[] dhNext, float[] dxz, float[] dhz);

    /**
     * {@code dst[c, r] = src[r, c]} for a {@code rows x cols} matrix, in tiles of 16 x 16: with the power-of-two
     * strides of weight matrices, the 32 lines of a 32-row tile fall into one L1 set and evict each other (a 512 x 2048
     * transpose takes twice as long).
     */
    void transpose(int rows, int cols, float[] src, int srcOff, int lds, float[] dst, int dstOff, int ldd);

    /** {@code out[0..n) (+)= sum over rows of a[r, 0..n)}; the bias-gradient reduction. */
    default void sumRows(int rows, int n, float[] a, int aOff, int lda, float[] out, int outOff, boolean accumulate) {
        if (!accumulate) {
            java.util.Arrays.fill(out, outOff, outOff + n, 0f);
        }
        for (int r = 0; r < rows; r++) {
            axpy(n, 1f, a, aOff + r * lda, out, outOff);
        }
    }
}
