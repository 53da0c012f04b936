package org.rnnservice.engine.layers;

/**
 * Engine-internal: what a layer does, beyond Keras' meaning, so that the parts of a batch train on several threads
 * at once without repeating work. Only layers with such work implement it; {@code Sequential} aggregates over them
 * and the data-parallel step drives them. The units of work are named in {@code engine.parallel}'s package doc.
 */
public interface DataParallelLayer {

    /**
     * Makes this replica (its weights already shared with {@code source}'s) use the layouts {@code source} and its
     * other replicas share.
     */
    void shareLayoutsWith(DataParallelLayer source);

    /**
     * Layout tasks that lay out this layer's weights once for it and all its replicas before the parts of a batch
     * run, instead of once per replica; 0 when there are none.
     */
    int layoutTasks();

    /** Runs layout task {@code task} of {@link #layoutTasks()}; tasks may run on any thread, at once. */
    void runLayoutTask(int task);

    /** Stops this layer and its replicas from using the shared layouts: the weights are about to change. */
    void dropSharedLayouts();

    /**
     * Whether the next backward passes may leave their weight gradients as {@link #deferredBlocks} instead of
     * computing them, so that the threads of a batch can share that work as they finish their parts.
     */
    void deferWeightGradients(boolean defer);

    /** Blocks of weight-gradient work the last backward pass left; 0 unless deferring. */
    int deferredBlocks();

    /**
     * Computes block {@code block} of the deferred weight gradients. Blocks may run on any thread and in any order,
     * and give the gradients, bit for bit, of a backward pass that deferred nothing.
     */
    void runDeferredBlock(int block);
}
