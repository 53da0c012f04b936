/**
 * Threads that work on one batch together. The engine names its units of work with four words, and only these:
 * <ul>
 *   <li><b>task</b>: one numbered piece of a loop that a {@link org.rnnservice.engine.parallel.Team} runs, on any of
 *       its threads, in any order (laying out a layer's weights, training one part, summing one slice);</li>
 *   <li><b>part</b>: a contiguous share of a batch's samples, trained forward and backward by one replica of the
 *       model (a replica shares the weights and has its own gradients and buffers);</li>
 *   <li><b>block</b>: a range of a recurrent layer's gate columns whose weight gradients a part's backward pass left
 *       for any thread to compute once the part is done;</li>
 *   <li><b>slice</b>: a range of every weight array, for summing the parts' gradients and for the optimizer's
 *       update.</li>
 * </ul>
 * Prediction cuts large inputs into <i>passes</i> of a fixed number of rows, which are forward passes, not a unit of
 * scheduling.
 */
package org.rnnservice.engine.parallel;
