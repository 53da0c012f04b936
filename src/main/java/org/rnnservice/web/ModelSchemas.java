package org.rnnservice.web;

import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.media.ArraySchema;
import io.swagger.v3.oas.models.media.Discriminator;
import io.swagger.v3.oas.models.media.Schema;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.rnnservice.engine.layers.LayerConfig;
import org.rnnservice.engine.model.LayerFactory;
import org.springdoc.core.customizers.OpenApiCustomizer;

/**
 * The typed schema of the model document: one schema per layer type ({@code Layer_LSTM}, ...), a {@code oneOf} with
 * {@code type} as the discriminator, each argument with its type, default and allowed values, all read off the
 * layers' own code ({@link LayerFactory#arguments}); and the compile settings. Swagger UI and generated clients then
 * know what a model may say, and a new argument cannot be left out of the contract.
 */
final class ModelSchemas implements OpenApiCustomizer {

    static final String REF = "#/components/schemas/";
    static final List<String> OPTIMIZERS = List.of("adam", "adamw", "sgd", "rmsprop", "adagrad");
    static final List<String> LOSSES = List.of("mean_squared_error", "mse", "mean_absolute_error", "mae",
            "binary_crossentropy", "categorical_crossentropy", "sparse_categorical_crossentropy", "huber");
    static final List<String> METRICS = List.of("mae", "mean_absolute_error", "mse", "mean_squared_error",
            "accuracy", "acc", "binary_accuracy", "categorical_accuracy", "sparse_categorical_accuracy");

    /** A value given either by name or as an object (OpenAPI's {@code anyOf} of the two; null where it says so). */
    private static Schema<Object> nameOrObject(List<String> names) {
        Schema<Object> byName = new Schema<>();
        byName.addType("string");
        if (names != null) {
            byName.setEnum(new ArrayList<>(names));
        }
        Schema<Object> object = new Schema<>();
        object.addType("object");
        Schema<Object> either = new Schema<>();
        either.setAnyOf(new ArrayList<>(List.of(byName, object)));
        return either;
    }

    /** The schema name of a layer type. */
    static String layerSchema(String type) {
        return "Layer_" + type;
    }

    @Override
    public void customise(OpenAPI api) {
        List<Schema> variants = new ArrayList<>();
        Discriminator discriminator = new Discriminator().propertyName("type");
        for (LayerFactory.TypeArguments t : LayerFactory.arguments()) {
            api.getComponents().addSchemas(layerSchema(t.type()), layer(t));
            variants.add(new Schema<>().$ref(REF + layerSchema(t.type())));
            discriminator.mapping(t.type(), REF + layerSchema(t.type()));
        }
        Schema<Object> anyLayer = new Schema<>();
        anyLayer.setOneOf(variants);
        anyLayer.discriminator(discriminator).description("A Keras layer by its type and arguments");
        api.getComponents().addSchemas("Layer", anyLayer);
        api.getComponents().addSchemas("Optimizer", optimizer());
        api.getComponents().addSchemas("Compile", compile());
        api.getComponents().addSchemas("ModelDefinition", definition());
        replaceBody(api, "/api/v1/models", "ModelDefinition", "Our model document, or (same endpoint) a Keras"
                + " model.to_json() document: {\"class_name\": \"Sequential\" or \"Functional\", \"config\": ...}");
        replaceBody(api, "/api/v1/models/{id}/compile", "Compile", "Keras' compile() arguments");
    }

    private static void replaceBody(OpenAPI api, String path, String schema, String description) {
        var item = api.getPaths().get(path);
        if (item == null) {
            return;
        }
        item.readOperations().forEach(op -> {
            if (op.getRequestBody() != null && op.getRequestBody().getContent() != null
                    && op.getRequestBody().getContent().get("application/json") != null) {
                op.getRequestBody().getContent().get("application/json")
                        .setSchema(new Schema<>().$ref(REF + schema));
                op.getRequestBody().description(description);
            }
        });
    }

    private static Schema<Object> layer(LayerFactory.TypeArguments t) {
        Schema<Object> s = new Schema<>();
        s.addType("object");
        s.description("Keras' " + t.type() + "; arguments as Keras names them, defaults as Keras has them");
        Schema<Object> type = new Schema<>();
        type.addType("string");
        type.setEnum(new ArrayList<>(List.of(t.type())));
        s.addProperty("type", type);
        for (Map.Entry<String, LayerConfig.Argument> a : t.arguments().entrySet()) {
            s.addProperty(a.getKey(), argument(a.getKey(), a.getValue()));
        }
        for (Map.Entry<String, Object> off : t.onlyAtDefault().entrySet()) {
            if (!s.getProperties().containsKey(off.getKey())) {
                Schema<Object> only = new Schema<>();
                if (off.getValue() instanceof Boolean b) {
                    only.addType("boolean");
                    only.setEnum(new ArrayList<>(List.of(b)));
                }
                only.description("written by Keras; accepted only at " + off.getValue()
                        + " (the feature it turns on is not implemented)");
                s.addProperty(off.getKey(), only);
            }
        }
        for (String ignored : t.ignored()) {
            if (!s.getProperties().containsKey(ignored)) {
                s.addProperty(ignored, new Schema<>().description("written by Keras; accepted and without effect"
                        + " on the computation (shapes, dtypes, performance switches)"));
            }
        }
        List<String> required = new ArrayList<>(List.of("type"));
        required.addAll(t.required());
        s.setRequired(required);
        s.setAdditionalProperties(false);
        return s;
    }

    private static Schema<Object> argument(String name, LayerConfig.Argument a) {
        Schema<Object> s = new Schema<>();
        switch (a.kind()) {
            case "positive integer" -> {
                s.addType("integer");
                s.setMinimum(BigDecimal.ONE);
            }
            case "integer" -> s.addType("integer");
            case "boolean" -> s.addType("boolean");
            case "number" -> s.addType("number");
            case "axis" -> {
                // one type only: generated clients cannot take a number-or-list; the service takes both
                s.addType("integer");
                s.description("one axis: -1 (Keras writes [-1], also taken); null (Keras writes []) for every value"
                        + " at once");
            }
            case "shape" -> {
                s.addType("array");
                s.setItems(new Schema<>().type("integer"));
                s.description("a per-sample shape, such as [10, 2]; one dimension may be -1 (worked out)");
            }
            case "number or list of numbers" -> {
                s.addType("array");
                s.setItems(new Schema<>().type("number"));
                s.description("one number per feature (one number alone, for every feature, is taken too)");
            }
            case "rate" -> {
                s.addType("number");
                s.setMinimum(BigDecimal.ZERO);
                s.setExclusiveMaximumValue(BigDecimal.ONE);
            }
            case "string" -> s.addType("string");
            case "choice", "activation" -> {
                s.addType("string");
                s.setEnum(new ArrayList<>(a.allowed()));
            }
            case "initializer" -> {
                s = nameOrObject(a.allowed());
                s.description("an initializer by name (" + String.join(", ", a.allowed()) + ") or as"
                        + " {\"class_name\": ..., \"config\": {...}} with its Keras arguments");
            }
            case "regularizer" -> {
                s = nameOrObject(List.of("l1", "l2", "l1_l2"));
                s.description("a regularizer: \"l1\", \"l2\", \"l1_l2\", or {\"class_name\": "
                        + String.join("|", a.allowed()) + ", \"config\": {\"l1\": ..., \"l2\": ...}}; null for none");
            }
            default -> {
                if (name.equals("layer") || name.equals("backward_layer")) {
                    s.$ref(REF + "Layer");
                    return s;
                }
                s.description("any value");
            }
        }
        if (a.fallback() != null && s.getAnyOf() == null) {
            s.setDefault(a.fallback() instanceof Float f ? Double.valueOf(Float.toString(f)) : a.fallback());
        } else if (a.fallback() != null) {
            // a default on an anyOf is lost on generated clients: said in words
            s.description(s.getDescription() + "; default " + a.fallback());
        }
        return s;
    }

    /** An optimizer in its object form, with its type and learning rate. */
    private static Schema<Object> optimizer() {
        Schema<Object> optimizerObject = new Schema<>();
        optimizerObject.addType("object");
        Schema<Object> optimizerType = new Schema<>();
        optimizerType.addType("string");
        optimizerType.setEnum(new ArrayList<>(OPTIMIZERS));
        optimizerObject.addProperty("type", optimizerType);
        Schema<Object> number = new Schema<>();
        number.addType("number");
        Schema<Object> schedule = new Schema<>();
        schedule.addType("object");
        Schema<Object> rate = new Schema<>();
        rate.setAnyOf(new ArrayList<>(List.of(number, schedule)));
        rate.description("a number, or a schedule {\"class_name\": \"ExponentialDecay\" | \"PiecewiseConstantDecay\""
                + " | \"CosineDecay\", \"config\": {...}}");
        optimizerObject.addProperty("learning_rate", rate);
        optimizerObject.setRequired(List.of("type"));
        optimizerObject.description("an optimizer with its Keras arguments (beta_1, beta_2, epsilon, amsgrad,"
                + " momentum, nesterov, rho, centered, initial_accumulator_value, weight_decay, clipnorm, clipvalue,"
                + " global_clipnorm), Keras' defaults for those left out");
        return optimizerObject;
    }

    private static Schema<Object> compile() {
        Schema<Object> optimizer = nameOrObject(OPTIMIZERS);
        optimizer.description("an optimizer by name (" + String.join(", ", OPTIMIZERS) + ") or as an object, see"
                + " Optimizer");
        Schema<Object> loss = nameOrObject(LOSSES);
        loss.description("a loss by name (" + String.join(", ", LOSSES) + ") or as {\"type\": ..., with its"
                + " arguments: from_logits, label_smoothing, delta}");
        Schema<Object> metric = new Schema<>();
        metric.addType("string");
        metric.setEnum(new ArrayList<>(METRICS));
        Schema<Object> c = new Schema<>();
        c.addType("object");
        c.description("Keras' compile(): optimizer, loss and metrics; without it a model is not compiled and cannot"
                + " be trained until it is");
        c.addProperty("optimizer", optimizer);
        c.addProperty("loss", loss);
        c.addProperty("metrics", new ArraySchema().items(metric));
        c.setAdditionalProperties(false);
        return c;
    }

    private static Schema<Object> definition() {
        Schema<Object> shapeEntry = new Schema<>();
        shapeEntry.setTypes(new java.util.LinkedHashSet<>(List.of("integer", "null")));
        shapeEntry.setMinimum(BigDecimal.ONE);
        Schema<Object> d = new Schema<>();
        d.addType("object");
        d.description("A model in Keras' words: Sequential layers, the per-sample input shape, compile settings");
        d.addProperty("name", new Schema<>().types(Set.of("string")).description("unique among the models;"
                + " Keras' default names sequential, sequential_1, ... when absent"));
        d.addProperty("input_shape", new ArraySchema().items(shapeEntry).description("the per-sample input shape,"
                + " [timesteps, features] with null for any length, such as [null, 1]; [timesteps] of token ids"
                + " before an Embedding"));
        d.addProperty("layers", new ArraySchema().items(new Schema<>().$ref(REF + "Layer")).minItems(1));
        d.addProperty("compile", new Schema<>().$ref(REF + "Compile"));
        d.addProperty("seed", new Schema<>().types(Set.of("integer")).description("the seed of the initial weights"
                + " (exact in JavaScript below 2^53)"));
        d.setRequired(List.of("layers"));
        d.setAdditionalProperties(false);
        return d;
    }
}
