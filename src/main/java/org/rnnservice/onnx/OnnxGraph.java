package org.rnnservice.onnx;

import ai.onnx.proto.OnnxMl;
import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * An ONNX graph being written: nodes in order, weights as initializers, every tensor named once. A thin layer over
 * the ONNX protobuf classes, so that the exporter reads as the operators it emits.
 */
final class OnnxGraph {

    /** The operator set the exports declare: batch-first recurrent operators and axes given as inputs. */
    static final long OPSET = 17;

    private final OnnxMl.GraphProto.Builder graph = OnnxMl.GraphProto.newBuilder();
    private final Set<String> names = new HashSet<>();

    OnnxGraph(String name) {
        graph.setName(name);
    }

    /** A tensor name not used yet, from {@code base}. */
    String fresh(String base) {
        String name = base;
        for (int k = 1; !names.add(name); k++) {
            name = base + "_" + k;
        }
        return name;
    }

    /** Adds a node; its outputs are named from {@code name}. Returns the output names. */
    List<String> node(String op, String name, List<String> inputs, int outputs, OnnxMl.AttributeProto... attributes) {
        OnnxMl.NodeProto.Builder node = OnnxMl.NodeProto.newBuilder().setOpType(op).setName(fresh(name + "/" + op))
                .addAllInput(inputs);
        String[] out = new String[outputs];
        for (int i = 0; i < outputs; i++) {
            out[i] = fresh(name + "/" + op + (outputs > 1 ? "_" + i : ""));
            node.addOutput(out[i]);
        }
        for (OnnxMl.AttributeProto a : attributes) {
            node.addAttribute(a);
        }
        graph.addNode(node);
        return List.of(out);
    }

    /** A node of one output. */
    String op(String op, String name, List<String> inputs, OnnxMl.AttributeProto... attributes) {
        return node(op, name, inputs, 1, attributes).get(0);
    }

    /** A float32 weight of {@code shape}, row-major. */
    String floats(String name, float[] values, long... shape) {
        ByteBuffer bytes = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asFloatBuffer().put(values);
        return initializer(name, OnnxMl.TensorProto.DataType.FLOAT, ByteString.copyFrom(bytes.array()), shape);
    }

    /** An int64 constant of {@code shape}. */
    String longs(String name, long[] values, long... shape) {
        ByteBuffer bytes = ByteBuffer.allocate(values.length * Long.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asLongBuffer().put(values);
        return initializer(name, OnnxMl.TensorProto.DataType.INT64, ByteString.copyFrom(bytes.array()), shape);
    }

    private String initializer(String name, OnnxMl.TensorProto.DataType type, ByteString raw, long... shape) {
        String unique = fresh(name);
        OnnxMl.TensorProto.Builder t = OnnxMl.TensorProto.newBuilder().setName(unique).setDataType(type.getNumber())
                .setRawData(raw);
        for (long d : shape) {
            t.addDims(d);
        }
        graph.addInitializer(t);
        return unique;
    }

    /** Declares a graph input or output: dimensions are numbers or, for those of any size, names. */
    void input(String name, OnnxMl.TensorProto.DataType type, Object... dims) {
        names.add(name);
        graph.addInput(valueInfo(name, type, dims));
    }

    /** Makes {@code x} the graph's float32 output under {@code name} (the name kept if it is free). */
    OnnxGraph withOutput(String name, String x, List<Object> dims) {
        String out = fresh(name);
        graph.addNode(OnnxMl.NodeProto.newBuilder().setOpType("Identity").setName(fresh(name + "/Identity"))
                .addInput(x).addOutput(out));
        graph.addOutput(valueInfo(out, OnnxMl.TensorProto.DataType.FLOAT, dims.toArray()));
        return this;
    }

    private static OnnxMl.ValueInfoProto valueInfo(String name, OnnxMl.TensorProto.DataType type, Object... dims) {
        OnnxMl.TensorShapeProto.Builder shape = OnnxMl.TensorShapeProto.newBuilder();
        for (Object d : dims) {
            shape.addDim(d instanceof Number n ? OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimValue(n.longValue())
                    : OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimParam(String.valueOf(d)));
        }
        return OnnxMl.ValueInfoProto.newBuilder().setName(name).setType(OnnxMl.TypeProto.newBuilder().setTensorType(
                OnnxMl.TypeProto.Tensor.newBuilder().setElemType(type.getNumber()).setShape(shape))).build();
    }

    /** The finished model: this graph under the default domain's {@link #OPSET}. */
    byte[] model(String producerVersion, String docString) {
        return OnnxMl.ModelProto.newBuilder()
                .setIrVersion(8)
                .setProducerName("rnn-service")
                .setProducerVersion(producerVersion)
                .setDocString(docString)
                .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET))
                .setGraph(graph)
                .build().toByteArray();
    }

    static OnnxMl.AttributeProto attr(String name, long value) {
        return OnnxMl.AttributeProto.newBuilder().setName(name).setType(OnnxMl.AttributeProto.AttributeType.INT)
                .setI(value).build();
    }

    static OnnxMl.AttributeProto attr(String name, float value) {
        return OnnxMl.AttributeProto.newBuilder().setName(name).setType(OnnxMl.AttributeProto.AttributeType.FLOAT)
                .setF(value).build();
    }

    static OnnxMl.AttributeProto attr(String name, String value) {
        return OnnxMl.AttributeProto.newBuilder().setName(name).setType(OnnxMl.AttributeProto.AttributeType.STRING)
                .setS(ByteString.copyFromUtf8(value)).build();
    }

    static OnnxMl.AttributeProto strings(String name, List<String> values) {
        OnnxMl.AttributeProto.Builder a = OnnxMl.AttributeProto.newBuilder().setName(name)
                .setType(OnnxMl.AttributeProto.AttributeType.STRINGS);
        values.forEach(v -> a.addStrings(ByteString.copyFromUtf8(v)));
        return a.build();
    }

    static OnnxMl.AttributeProto floats(String name, List<Float> values) {
        return OnnxMl.AttributeProto.newBuilder().setName(name).setType(OnnxMl.AttributeProto.AttributeType.FLOATS)
                .addAllFloats(values).build();
    }

    static OnnxMl.AttributeProto ints(String name, long... values) {
        OnnxMl.AttributeProto.Builder a = OnnxMl.AttributeProto.newBuilder().setName(name)
                .setType(OnnxMl.AttributeProto.AttributeType.INTS);
        for (long v : values) {
            a.addInts(v);
        }
        return a.build();
    }
}
