package org.rnnservice.onnx;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.rnnservice.engine.layers.Activation;
import org.rnnservice.engine.layers.Bidirectional;
import org.rnnservice.engine.layers.Layer;
import org.rnnservice.engine.layers.Param;
import org.rnnservice.engine.layers.UnsupportedFeatureException;

/**
 * SimpleRNN, LSTM, GRU and Bidirectional as ONNX's {@code RNN}, {@code LSTM} and {@code GRU} operators: the weights
 * transposed to ONNX's {@code [directions, gates * units, inputs]} in ONNX's gate order, a mask given as
 * {@code sequence_lens}, and the outputs shaped as Keras returns them (sequences in processing order for
 * {@code go_backwards}, the carried output at masked steps unless {@code zero_output_for_mask}). The operators run
 * time-major ({@code layout=0}) between transposes: ONNX Runtime's CPU kernels refuse the batch-first layout.
 */
final class OnnxRecurrent {

    /** For each ONNX gate, the Keras gate its weights come from: LSTM i,f,c,o becomes ONNX's i,o,f,c. */
    private static final Map<String, int[]> GATES = Map.of("SimpleRNN", new int[] {0}, "GRU", new int[] {0, 1, 2},
            "LSTM", new int[] {0, 3, 1, 2});
    private static final Map<String, String> OPERATORS = Map.of("SimpleRNN", "RNN", "GRU", "GRU", "LSTM", "LSTM");

    private final OnnxGraph g;
    private final Masks masks;

    OnnxRecurrent(OnnxGraph g, Masks masks) {
        this.g = g;
        this.masks = masks;
    }

    /** The layer applied to {@code x} ({@code [batch, time, features]}); {@code lens} the mask's lengths, or null. */
    String apply(Layer layer, String x, String lens) {
        Map<String, Object> config = layer.config();
        List<Layer> directions = layer instanceof Bidirectional b ? List.of(b.forwardLayer(), b.backwardLayer())
                : List.of(layer);
        Layer first = directions.get(0);
        Map<String, Object> cell = first.config();
        String type = first.type();
        if (Boolean.TRUE.equals(cell.get("go_backwards")) && directions.size() == 2) {
            throw new UnsupportedFeatureException("layers." + layer.name(), "layer '" + layer.name() + "': a"
                    + " Bidirectional whose wrapped layer reads backwards has no ONNX form");
        }
        int units = ((Number) cell.get("units")).intValue();
        boolean sequences = Boolean.TRUE.equals(cell.get("return_sequences"));
        boolean backwards = Boolean.TRUE.equals(cell.get("go_backwards"));
        boolean zeroMasked = Boolean.TRUE.equals(cell.get("zero_output_for_mask"));

        String timeMajor = g.op("Transpose", layer.name(), List.of(x), OnnxGraph.ints("perm", 1, 0, 2));
        List<String> inputs = new ArrayList<>(List.of(timeMajor, weights(directions, units, 0, false),
                weights(directions, units, 1, true), bias(directions, units),
                lens == null ? "" : masks.atLeastOne(lens)));
        while (inputs.get(inputs.size() - 1).isEmpty()) {
            inputs.remove(inputs.size() - 1);
        }
        List<String> functions = new ArrayList<>();
        List<Float> alphas = new ArrayList<>();
        List<Float> betas = new ArrayList<>();
        for (Layer d : directions) {
            List<String> names = type.equals("SimpleRNN") ? List.of("activation")
                    : type.equals("GRU") ? List.of("recurrent_activation", "activation")
                    : List.of("recurrent_activation", "activation", "activation");
            for (String argument : names) {
                OnnxActivations.Function f = OnnxActivations.recurrent(Activation.of((String) d.config()
                        .get(argument)), layer.name(), argument);
                functions.add(f.name());
                if (f.alpha() != null) {
                    alphas.add(f.alpha());
                }
                if (f.beta() != null) {
                    betas.add(f.beta());
                }
            }
        }
        List<ai.onnx.proto.OnnxMl.AttributeProto> attributes = new ArrayList<>(List.of(
                OnnxGraph.attr("hidden_size", (long) units),
                OnnxGraph.attr("direction", directions.size() == 2 ? "bidirectional" : backwards ? "reverse"
                        : "forward"),
                OnnxGraph.strings("activations", functions)));
        if (!alphas.isEmpty()) {
            attributes.add(OnnxGraph.floats("activation_alpha", alphas));
        }
        if (!betas.isEmpty()) {
            attributes.add(OnnxGraph.floats("activation_beta", betas));
        }
        if (type.equals("GRU")) {
            attributes.add(OnnxGraph.attr("linear_before_reset", Boolean.FALSE.equals(cell.get("reset_after"))
                    ? 0L : 1L));
        }
        List<String> timeMajorOut = g.node(OPERATORS.get(type), layer.name(), inputs, 2,
                attributes.toArray(ai.onnx.proto.OnnxMl.AttributeProto[]::new));
        // batch first again: Y [batch, time, directions, units], Y_h [batch, directions, units]
        List<String> out = List.of(
                g.op("Transpose", layer.name(), List.of(timeMajorOut.get(0)), OnnxGraph.ints("perm", 2, 0, 1, 3)),
                g.op("Transpose", layer.name(), List.of(timeMajorOut.get(1)), OnnxGraph.ints("perm", 1, 0, 2)));
        if (lens != null) {
            String zero = g.floats("zero_output", new float[] {0f});
            out = List.of(g.op("Where", layer.name(), List.of(masks.empty(lens, 4), zero, out.get(0))),
                    g.op("Where", layer.name(), List.of(masks.empty(lens, 3), zero, out.get(1))));
        }
        String merge = directions.size() == 2 ? String.valueOf(config.getOrDefault("merge_mode", "concat")) : null;
        if (!sequences) {
            String last = merge == null ? squeeze(out.get(1), 1, layer.name()) : merged(out.get(1), 1, merge,
                    layer.name());
            if (zeroMasked && lens != null) {
                // Keras' last output is that of the last step processed, zeros when that step is masked
                last = g.op("Mul", layer.name(), List.of(last, masks.lastStepKept(x, lens, backwards)));
            }
            return last;
        }
        if (merge != null) {
            return merged(out.get(0), 2, merge, layer.name());
        }
        String y = squeeze(out.get(0), 2, layer.name());
        if (backwards) {
            // ONNX gives a reverse pass's outputs in input order; Keras in the order it read the steps
            return g.op("Slice", layer.name(), List.of(y, g.longs("minus_one", new long[] {-1}, 1),
                    g.longs("far_back", new long[] {Long.MIN_VALUE}, 1), g.longs("time_axis", new long[] {1}, 1),
                    g.longs("minus_one", new long[] {-1}, 1)));
        }
        if (lens != null && !zeroMasked) {
            // ONNX writes zeros after a sequence's end; Keras carries the last output there
            String carried = g.op("Unsqueeze", layer.name(), List.of(squeeze(out.get(1), 1, layer.name()),
                    g.longs("axis1", new long[] {1}, 1)));
            return g.op("Where", layer.name(), List.of(masks.stepsKept(x, lens), y, carried));
        }
        return y;
    }

    private String squeeze(String t, int axis, String name) {
        return g.op("Squeeze", name, List.of(t, g.longs("axis" + axis, new long[] {axis}, 1)));
    }

    /** The two directions along {@code axis} merged as Keras' {@code merge_mode} merges them. */
    private String merged(String t, int axis, String mode, String name) {
        if (mode.equals("concat")) {
            long[] shape = new long[axis + 1];
            shape[axis] = -1; // leading dimensions copied (0), directions and units flattened
            return g.op("Reshape", name, List.of(t, g.longs("concat_shape", shape, shape.length)));
        }
        List<String> halves = g.node("Split", name, List.of(t), 2, OnnxGraph.attr("axis", (long) axis));
        String a = squeeze(halves.get(0), axis, name);
        String b = squeeze(halves.get(1), axis, name);
        return switch (mode) {
            case "sum" -> g.op("Add", name, List.of(a, b));
            case "mul" -> g.op("Mul", name, List.of(a, b));
            case "ave" -> g.op("Mul", name, List.of(g.op("Add", name, List.of(a, b)), g.floats("half",
                    new float[] {0.5f})));
            default -> throw new UnsupportedFeatureException("layers." + name + ".merge_mode", "layer '" + name
                    + "': merge_mode " + mode + " has no ONNX form");
        };
    }

    /**
     * A kernel ({@code which} 0) or recurrent kernel (1) of every direction as ONNX's {@code [directions, gates *
     * units, inputs]}: Keras' {@code [inputs, gates * units]} transposed, gates reordered.
     */
    private String weights(List<Layer> directions, int units, int which, boolean recurrent) {
        Param first = directions.get(0).params().get(which);
        int rows = first.shape()[0];
        int[] gates = GATES.get(directions.get(0).type());
        int width = gates.length * units;
        float[] out = new float[directions.size() * width * rows];
        for (int d = 0; d < directions.size(); d++) {
            float[] k = directions.get(d).params().get(which).value();
            for (int og = 0; og < gates.length; og++) {
                for (int j = 0; j < units; j++) {
                    int col = gates[og] * units + j;
                    int row = d * width + og * units + j;
                    for (int i = 0; i < rows; i++) {
                        out[row * rows + i] = k[i * width + col];
                    }
                }
            }
        }
        return g.floats(directions.get(0).name() + (recurrent ? "/R" : "/W"), out, directions.size(), width, rows);
    }

    /**
     * ONNX's bias {@code [directions, 2 * gates * units]}: the input bias, then the recurrent bias, which only GRU
     * with {@code reset_after} has apart; "" for a layer without bias.
     */
    private String bias(List<Layer> directions, int units) {
        Layer first = directions.get(0);
        if (first.params().size() < 3) {
            return "";
        }
        int[] gates = GATES.get(first.type());
        int width = gates.length * units;
        float[] out = new float[directions.size() * 2 * width];
        for (int d = 0; d < directions.size(); d++) {
            Param bias = directions.get(d).params().get(2);
            float[] b = bias.value();
            boolean twoRows = bias.shape().length == 2;
            for (int half = 0; half < (twoRows ? 2 : 1); half++) {
                for (int og = 0; og < gates.length; og++) {
                    System.arraycopy(b, half * width + gates[og] * units, out, d * 2 * width + half * width
                            + og * units, units);
                }
            }
        }
        return g.floats(first.name() + "/B", out, directions.size(), 2L * width);
    }
}
