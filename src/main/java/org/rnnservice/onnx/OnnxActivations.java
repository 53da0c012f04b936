package org.rnnservice.onnx;

import java.util.List;
import org.rnnservice.engine.layers.Activation;
import org.rnnservice.engine.layers.UnsupportedFeatureException;

/** Keras' activations in ONNX: as operators on a tensor, and as the function names ONNX's recurrent operators take. */
final class OnnxActivations {

    /** Keras 3's hard_sigmoid is relu6(x + 3) / 6, that is clip(x / 6 + 0.5, 0, 1). */
    private static final float KERAS3_HARD_SIGMOID_SLOPE = 1f / 6f;

    private OnnxActivations() {
    }

    /** {@code activation(x)} as nodes; returns the output's name. */
    static String apply(OnnxGraph g, String name, String x, Activation activation) {
        return switch (activation) {
            case LINEAR -> x;
            case RELU -> g.op("Relu", name, List.of(x));
            case TANH -> g.op("Tanh", name, List.of(x));
            case SIGMOID -> g.op("Sigmoid", name, List.of(x));
            case SOFTMAX -> g.op("Softmax", name, List.of(x), OnnxGraph.attr("axis", -1L));
            case HARD_SIGMOID -> g.op("HardSigmoid", name, List.of(x), OnnxGraph.attr("alpha",
                    KERAS3_HARD_SIGMOID_SLOPE), OnnxGraph.attr("beta", 0.5f));
            case HARD_SIGMOID_KERAS2 -> g.op("HardSigmoid", name, List.of(x), OnnxGraph.attr("alpha", 0.2f),
                    OnnxGraph.attr("beta", 0.5f));
            case ELU -> g.op("Elu", name, List.of(x), OnnxGraph.attr("alpha", 1f));
            case SELU -> g.op("Selu", name, List.of(x));
            case SOFTPLUS -> g.op("Softplus", name, List.of(x));
            case SOFTSIGN -> g.op("Softsign", name, List.of(x));
            case SWISH -> g.op("Mul", name, List.of(x, g.op("Sigmoid", name, List.of(x))));
            case GELU -> {
                // Keras' default gelu is the exact one: 0.5 x (1 + erf(x / sqrt 2))
                String erf = g.op("Erf", name, List.of(g.op("Mul", name, List.of(x, g.floats(name + "/inv_sqrt2",
                        new float[] {(float) (1 / Math.sqrt(2))})))));
                String onePlus = g.op("Add", name, List.of(erf, g.floats(name + "/one", new float[] {1f})));
                yield g.op("Mul", name, List.of(g.op("Mul", name, List.of(x, g.floats(name + "/half",
                        new float[] {0.5f}))), onePlus));
            }
            case EXPONENTIAL -> g.op("Exp", name, List.of(x));
        };
    }

    /** An activation as ONNX's recurrent operators name it, with the alpha and beta it consumes (or null). */
    record Function(String name, Float alpha, Float beta) {
    }

    /** The function a recurrent operator applies for {@code activation}, or 422 naming the layer and activation. */
    static Function recurrent(Activation activation, String layer, String argument) {
        return switch (activation) {
            case LINEAR -> new Function("Affine", 1f, 0f);
            case RELU -> new Function("Relu", null, null);
            case TANH -> new Function("Tanh", null, null);
            case SIGMOID -> new Function("Sigmoid", null, null);
            case HARD_SIGMOID -> new Function("HardSigmoid", KERAS3_HARD_SIGMOID_SLOPE, 0.5f);
            case HARD_SIGMOID_KERAS2 -> new Function("HardSigmoid", 0.2f, 0.5f);
            case ELU -> new Function("Elu", 1f, null);
            case SOFTSIGN -> new Function("Softsign", null, null);
            case SOFTPLUS -> new Function("Softplus", null, null);
            default -> throw new UnsupportedFeatureException("layers." + layer + "." + argument, "layer '" + layer
                    + "': ONNX's recurrent operators have no '" + activation.kerasName() + "' " + argument
                    + " (they take relu, tanh, sigmoid, hard_sigmoid, elu, softsign, softplus, linear)");
        };
    }
}
