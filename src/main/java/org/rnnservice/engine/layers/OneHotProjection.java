package org.rnnservice.engine.layers;

import java.util.Arrays;
import org.rnnservice.engine.simd.Kernels;

/**
 * The input projection of one-hot rows (characters fed one-hot): multiplying such a row by the kernel selects a
 * kernel row, so the projection is a gather and the kernel's gradient a scatter-add, the same numbers bit for bit for
 * a fraction of the work. The input's gradient stays a product.
 */
final class OneHotProjection extends DenseProjection {

    private int[] hot; // the index of the 1 in each row of the pass

    OneHotProjection(Kernels kernels, Param kernel, int inputDim) {
        super(kernels, kernel, inputDim);
    }

    /** Whether every one of the {@code rows} rows of {@code in} is one-hot; their indexes are then kept. */
    boolean matches(float[] in, int rows) {
        if (inputDim < 8) {
            return false;
        }
        int[] idx = hot != null && hot.length >= rows ? hot : new int[rows];
        for (int r = 0; r < rows; r++) {
            int at = -1;
            int off = r * inputDim;
            for (int j = 0; j < inputDim; j++) {
                float v = in[off + j];
                if (v == 1f && at < 0) {
                    at = j;
                } else if (v != 0f) {
                    return false;
                }
            }
            if (at < 0) {
                return false;
            }
            idx[r] = at;
        }
        hot = idx;
        return true;
    }

    @Override
    protected void projectRows(float[] out, int width) {
        gather(0, steps * batch, width, out);
    }

    /**
     * The projection of step {@code t} alone into {@code out[B, width]}, plus the bias unless it is null: cells that
     * project step by step need no buffer of {@code [T, B, width]}, which for large batches fits in no cache.
     */
    void projectStep(int t, float[] out, int width, float[] bias, int biasOff) {
        gather(t * batch, batch, width, out);
        if (bias != null) {
            kernels.addRowVector(batch, width, bias, biasOff, out, 0, width);
        }
    }

    private void gather(int from, int rows, int width, float[] out) {
        float[] w = kernel.value();
        for (int r = 0; r < rows; r++) {
            System.arraycopy(w, hot[from + r] * width, out, r * width, width);
        }
    }

    @Override
    void kernelGradient(float[] dz, int width, int from, int to) {
        float[] g = kernel.grad();
        for (int r = 0; r < inputDim; r++) {
            Arrays.fill(g, r * width + from, r * width + to, 0f);
        }
        for (int r = 0; r < steps * batch; r++) {
            kernels.axpy(to - from, 1f, dz, r * width + from, g, hot[r] * width + from);
        }
    }
}
