package org.rnnservice.engine.layers;

/**
 * A recurrent layer's weight gradients after a backward pass: computed at once, or left as blocks of gate columns
 * that the threads of a data-parallel batch share as they finish their parts.
 */
final class DeferredGradients {

    /**
     * Gate columns per block: a multiple of every kernel set's panel width (64 at most). The last block takes the
     * rest, so that no block is narrow enough for a kernel to take another path: a block's columns are computed
     * exactly as in the whole product.
     */
    private static final int BLOCK = 256;

    /** Computes gate columns {@code [from, to)} of every weight gradient. */
    interface Columns {
        void compute(int from, int to);
    }

    private boolean defer;
    private int blocks;

    void defer(boolean defer) {
        this.defer = defer;
    }

    /** Blocks the last backward pass left; 0 unless deferring. */
    int blocks() {
        return blocks;
    }

    /** Forgets the blocks left: the next pass overwrites what they read. */
    void clear() {
        blocks = 0;
    }

    /** After a backward pass over {@code width} gate columns: computes them now, or leaves them as blocks. */
    void finish(int width, Columns columns) {
        if (defer) {
            blocks = Math.max(1, width / BLOCK);
        } else {
            columns.compute(0, width);
        }
    }

    void run(int block, int width, Columns columns) {
        if (block < 0 || block >= blocks) {
            throw new IndexOutOfBoundsException("block " + block + " of " + blocks);
        }
        columns.compute(block * BLOCK, block == blocks - 1 ? width : (block + 1) * BLOCK);
    }
}
