package org.rnnservice.onnx;

import ai.onnx.proto.OnnxMl;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.rnnservice.engine.layers.Activation;
import org.rnnservice.engine.layers.Dense;
import org.rnnservice.engine.layers.Embedding;
import org.rnnservice.engine.layers.Layer;
import org.rnnservice.engine.layers.LayerShape;
import org.rnnservice.engine.layers.Masking;
import org.rnnservice.engine.layers.Normalization;
import org.rnnservice.engine.layers.Reshape;
import org.rnnservice.engine.layers.Param;
import org.rnnservice.engine.layers.TimeDistributed;
import org.rnnservice.engine.layers.UnsupportedFeatureException;
import org.rnnservice.engine.model.Sequential;

/**
 * A model written as a standard ONNX model (opset {@value OnnxGraph#OPSET}) that ONNX Runtime and other ONNX engines
 * run: one input {@value #INPUT} of {@code [batch, time, features]} float32 (token ids {@code [batch, time]} int64
 * before an Embedding) with the batch and time dimensions of any size, and one output named after the last layer.
 * Dropout is gone, as at inference; a mask (Embedding's {@code mask_zero}, Masking) becomes each sequence's length,
 * which is right for post-padded sequences (the padding at the end), as Keras' {@code pad_sequences(padding="post")}
 * writes them.
 */
public final class OnnxExport {

    /** The graph input's name: Keras' default name of a model's input layer. */
    public static final String INPUT = "input_layer";
    /** ONNX files' extension; ONNX has no registered media type, so its files go as plain bytes. */
    public static final String EXTENSION = "onnx";
    public static final String MEDIA_TYPE = "application/octet-stream";

    private OnnxExport() {
    }

    /** The model as ONNX protobuf bytes; 422 naming the layer or setting ONNX cannot express. */
    public static byte[] write(Sequential model, String serviceVersion) {
        OnnxGraph g = new OnnxGraph(model.name());
        Masks masks = new Masks(g);
        OnnxRecurrent recurrent = new OnnxRecurrent(g, masks);
        LayerShape in = model.inputShape();
        boolean tokens = model.layers().get(0) instanceof Embedding;
        if (tokens) {
            g.input(INPUT, OnnxMl.TensorProto.DataType.INT64, "batch", "time");
        } else if (in.sequence()) {
            g.input(INPUT, OnnxMl.TensorProto.DataType.FLOAT, "batch", "time", in.features());
        } else {
            g.input(INPUT, OnnxMl.TensorProto.DataType.FLOAT, "batch", in.features());
        }
        String x = INPUT;
        String lens = null;
        for (Layer layer : model.layers()) {
            String name = layer.name();
            switch (layer.type()) {
                case "Embedding" -> {
                    if (Boolean.TRUE.equals(layer.config().get("mask_zero"))) {
                        String kept = g.op("Cast", name, List.of(g.op("Not", name, List.of(g.op("Equal", name,
                                List.of(x, g.longs(name + "/padding", new long[] {0})))))),
                                castTo(OnnxMl.TensorProto.DataType.FLOAT));
                        lens = masks.lengths(kept, name);
                    }
                    Param table = layer.params().get(0);
                    x = g.op("Gather", name, List.of(g.floats(name + "/embeddings", table.value(),
                            table.shape()[0], table.shape()[1]), x), OnnxGraph.attr("axis", 0L));
                }
                case "Masking" -> {
                    String differs = g.op("Cast", name, List.of(g.op("Not", name, List.of(g.op("Equal", name,
                            List.of(x, g.floats(name + "/mask_value", new float[] {((Masking) layer).maskValue()})))))),
                            castTo(OnnxMl.TensorProto.DataType.FLOAT));
                    String kept = g.op("ReduceMax", name, List.of(differs), OnnxGraph.ints("axes", 2),
                            OnnxGraph.attr("keepdims", 0L));
                    lens = masks.lengths(kept, name);
                    // Keras' Masking zeroes the values of the steps it masks
                    x = g.op("Mul", name, List.of(x, g.op("Unsqueeze", name, List.of(kept,
                            g.longs("axis2", new long[] {2}, 1)))));
                }
                case "Dropout" -> {
                    // identity at inference
                }
                case "Normalization" -> {
                    Normalization n = (Normalization) layer;
                    float[][] stats = n.shiftAndScale();
                    String mean = g.floats(name + "/mean", stats[0], stats[0].length);
                    String scale = g.floats(name + "/scale", stats[1], stats[1].length);
                    x = n.inverts() ? g.op("Add", name, List.of(g.op("Mul", name, List.of(x, scale)), mean))
                            : g.op("Div", name, List.of(g.op("Sub", name, List.of(x, mean)), scale));
                }
                case "Reshape" -> {
                    // 0 keeps the batch axis; Keras' -1 is ONNX's too
                    List<Integer> target = ((Reshape) layer).targetShape();
                    long[] shape = new long[target.size() + 1];
                    for (int d = 0; d < target.size(); d++) {
                        shape[d + 1] = target.get(d);
                    }
                    x = g.op("Reshape", name, List.of(x, g.longs(name + "/shape", shape, shape.length)));
                }
                case "Dense" -> x = dense(g, (Dense) layer, x);
                case "TimeDistributed" -> x = dense(g, ((TimeDistributed) layer).layer(), x);
                case "SimpleRNN", "LSTM", "GRU", "Bidirectional" -> x = recurrent.apply(layer, x, lens);
                default -> throw new UnsupportedFeatureException("layers." + name, "layer '" + name + "' ("
                        + layer.type() + ") cannot be written as ONNX");
            }
        }
        List<Integer> out = model.outputShape().toList();
        String output = model.layers().get(model.layers().size() - 1).name();
        List<Object> dims = new ArrayList<>(List.of("batch"));
        if (model.outputShape().sequence()) {
            dims.add("time");
        }
        dims.add(out.get(out.size() - 1));
        return g.withOutput(output, x, dims).model(serviceVersion, "rnn-service model " + model.name()
                + ", exported as ONNX opset " + OnnxGraph.OPSET);
    }

    /** Keras' Dense on the last axis, of a vector or of every step of a sequence: {@code activation(x W + b)}. */
    private static String dense(OnnxGraph g, Dense dense, String x) {
        String name = dense.name();
        Param kernel = dense.params().get(0);
        String y = g.op("MatMul", name, List.of(x, g.floats(name + "/kernel", kernel.value(), kernel.shape()[0],
                kernel.shape()[1])));
        if (dense.params().size() > 1) {
            Param bias = dense.params().get(1);
            y = g.op("Add", name, List.of(y, g.floats(name + "/bias", bias.value(), bias.shape()[0])));
        }
        Map<String, Object> config = dense.config();
        return OnnxActivations.apply(g, name, y, Activation.of((String) config.get("activation")));
    }

    private static OnnxMl.AttributeProto castTo(OnnxMl.TensorProto.DataType type) {
        return OnnxGraph.attr("to", (long) type.getNumber());
    }
}
