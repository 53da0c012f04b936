package org.rnnservice.onnx;

import ai.onnx.proto.OnnxMl;
import java.util.List;

/**
 * Keras' masks in ONNX, for post-padded sequences: a mask becomes each sequence's length (the count of its kept
 * steps), which ONNX's recurrent operators take as {@code sequence_lens}; and the step masks derived from lengths that
 * shape their outputs as Keras does.
 */
final class Masks {

    private final OnnxGraph g;

    Masks(OnnxGraph g) {
        this.g = g;
    }

    /** The lengths ({@code int32 [batch]}) of a mask given as {@code [batch, time]} floats, 1 where a step is kept. */
    String lengths(String kept, String name) {
        String sum = g.op("ReduceSum", name, List.of(kept, g.longs("axis1", new long[] {1}, 1)),
                OnnxGraph.attr("keepdims", 0L));
        return g.op("Cast", name, List.of(sum), OnnxGraph.attr("to", (long) OnnxMl.TensorProto.DataType.INT32
                .getNumber()));
    }

    /**
     * The lengths with 0 raised to 1, for the recurrent operators: ONNX Runtime leaves the outputs of an empty sequence
     * unwritten (whatever memory held), so an all-padding sample reads one step and {@link #empty} zeroes its outputs.
     */
    String atLeastOne(String lens) {
        String asFloat = g.op("Cast", "mask", List.of(lens), OnnxGraph.attr("to", (long) OnnxMl.TensorProto.DataType
                .FLOAT.getNumber()));
        String raised = g.op("Max", "mask", List.of(asFloat, g.floats("one", new float[] {1f})));
        return g.op("Cast", "mask", List.of(raised), OnnxGraph.attr("to", (long) OnnxMl.TensorProto.DataType.INT32
                .getNumber()));
    }

    /**
     * Whether each sample is all padding, as {@code bool [batch, 1, ...]} of {@code rank} to broadcast over an output:
     * Keras answers such a sample with its initial state, zeros.
     */
    String empty(String lens, int rank) {
        String none = g.op("Equal", "mask", List.of(lengths64(lens), g.longs("zero", new long[] {0})));
        long[] axes = new long[rank - 1];
        for (int i = 0; i < axes.length; i++) {
            axes[i] = i + 1;
        }
        return g.op("Unsqueeze", "mask", List.of(none, g.longs("trailing_axes", axes, axes.length)));
    }

    /** Whether each step of {@code x} ({@code [batch, time, ...]}) lies within its sequence: {@code bool [batch, time, 1]}. */
    String stepsKept(String x, String lens) {
        String steps = g.op("Range", "mask", List.of(g.longs("zero", new long[] {0}), time(x),
                g.longs("one", new long[] {1})));
        String row = g.op("Unsqueeze", "mask", List.of(steps, g.longs("axis0", new long[] {0}, 1)));
        String column = g.op("Unsqueeze", "mask", List.of(lengths64(lens), g.longs("axis1", new long[] {1}, 1)));
        String within = g.op("Less", "mask", List.of(row, column));
        return g.op("Unsqueeze", "mask", List.of(within, g.longs("axis2", new long[] {2}, 1)));
    }

    /**
     * 1 where the last step a layer reads is kept, else 0, as {@code float [batch, 1]}: the last step of the sequence,
     * or for a layer reading backwards its first.
     */
    String lastStepKept(String x, String lens, boolean backwards) {
        String kept = backwards ? g.op("Greater", "mask", List.of(lengths64(lens), g.longs("zero", new long[] {0})))
                : g.op("Equal", "mask", List.of(lengths64(lens), time(x)));
        String flt = g.op("Cast", "mask", List.of(kept), OnnxGraph.attr("to", (long) OnnxMl.TensorProto.DataType
                .FLOAT.getNumber()));
        return g.op("Unsqueeze", "mask", List.of(flt, g.longs("axis1", new long[] {1}, 1)));
    }

    private String lengths64(String lens) {
        return g.op("Cast", "mask", List.of(lens), OnnxGraph.attr("to", (long) OnnxMl.TensorProto.DataType.INT64
                .getNumber()));
    }

    /** The length of {@code x}'s time axis, as an {@code int64} scalar. */
    private String time(String x) {
        String shape = g.op("Shape", "mask", List.of(x));
        return g.op("Gather", "mask", List.of(shape, g.longs("one", new long[] {1})), OnnxGraph.attr("axis", 0L));
    }
}
