package org.rnnservice.web;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import io.swagger.v3.core.jackson.ModelResolver;
import com.fasterxml.jackson.databind.JsonNode;
import io.swagger.v3.core.util.Json31;
import io.swagger.v3.core.util.Yaml;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.examples.Example;
import io.swagger.v3.oas.models.media.ArraySchema;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.IntegerSchema;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.ObjectSchema;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.info.License;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.io.ClassPathResource;

/**
 * The OpenAPI document springdoc serves at {@code /v3/api-docs}: its title and description, and schemas named as the
 * wire names them (snake_case, as the service's JSON is).
 */
@Configuration(proxyBeanMethods = false)
class OpenApiConfig {

    /**
     * Swagger reads schemas with its own Jackson 2 mapper, not the service's; it must name properties as the service
     * writes and reads them, or clients generated from the document send fields the service refuses.
     */
    @Bean
    ModelResolver snakeCaseSchemas() {
        return new ModelResolver(Json31.mapper().copy().setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE))
                .openapi31(true);
    }

    /** The typed model document: a schema per layer type, read off the layers themselves. */
    @Bean
    OpenApiCustomizer modelSchemas() {
        return new ModelSchemas();
    }

    /** The typed callbacks of a job. */
    @Bean
    OpenApiCustomizer jobSchemas() {
        return new JobSchemas();
    }

    /**
     * Every refusal an operation under {@code /api} can answer, as RFC 9457 problem+json: what a body or a query can
     * get (400), what a path with an id can get (404), what a body can get (413, 415), and the states and shapes
     * particular operations refuse (409, 422, 429, 503). {@code DocumentedErrorsTest} makes each of them happen.
     */
    @Bean
    OpenApiCustomizer problemResponses() {
        return api -> {
            api.getComponents().addSchemas("FieldError", new ObjectSchema()
                    .addProperty("field", new StringSchema().description("the JSON path of the field, e.g. layers[0].units"))
                    .addProperty("message", new StringSchema()));
            api.getComponents().addSchemas("Problem", new ObjectSchema()
                    .description("RFC 9457 problem details")
                    .addProperty("type", new StringSchema())
                    .addProperty("title", new StringSchema())
                    .addProperty("status", new IntegerSchema())
                    .addProperty("detail", new StringSchema().description("what is wrong, in words a user can act on"))
                    .addProperty("instance", new StringSchema())
                    .addProperty("errors", new ArraySchema().items(new Schema<>().$ref("#/components/schemas/FieldError"))));
            api.getPaths().forEach((path, item) -> {
                if (!path.startsWith("/api/")) {
                    return;
                }
                item.readOperationsMap().forEach((method, op) -> {
                    String id = op.getOperationId();
                    boolean takesInput = op.getRequestBody() != null || (op.getParameters() != null
                            && op.getParameters().stream().anyMatch(p -> !"path".equals(p.getIn())));
                    if (takesInput) {
                        problem(op, "400", "malformed or invalid request");
                    }
                    if (path.contains("{")) {
                        problem(op, "404", "no such model, dataset, job, tuning job or session");
                    }
                    if (op.getRequestBody() != null) {
                        problem(op, "413", "the body is larger than rnn.limits.request-size");
                        problem(op, "415", "the Content-Type is not one this operation takes");
                    }
                    if (id.equals("deleteModel") || id.equals("deleteDataset") || id.equals("cancelJob")
                            || id.equals("cancelTuningJob") || id.equals("generate")
                            || id.equals("getValidationForecast")) {
                        problem(op, "409", "conflicts with the current state");
                    }
                    if (id.equals("predict") || id.equals("evaluate") || id.equals("submitJob")
                            || id.equals("submitTuningJob") || id.equals("generate") || id.equals("createDataset") || id.equals("createModel")
                            || id.equals("importModel") || id.equals("exportModel") || id.equals("getKerasConfig")
                            || id.equals("openSession") || id.equals("predictSession") || id.equals("forecast")
                            || id.equals("getValidationForecast")) {
                        problem(op, "422", "well-formed, but does not fit the model or the data, or asks for a Keras"
                                + " feature the engine does not implement (named)");
                    }
                    if (id.equals("predict")) {
                        problem(op, "503", "too many predictions at once (rnn.limits.predictions, or the model's"
                                + " batching queue is full: rnn.batching.max-enqueued-batches); see Retry-After");
                    }
                    if (id.equals("openSession")) {
                        problem(op, "429", "rnn.sessions.max sessions are open; see Retry-After");
                    }
                    if (id.equals("submitJob")) {
                        problem(op, "429", "the training queue is full; see Retry-After");
                        problem(op, "503", "the service is shutting down; see Retry-After");
                    }
                });
            });
        };
    }

    /**
     * The examples of {@code openapi/examples.yaml} (written by hand) and {@code openapi/response-examples.yaml}
     * (captured from a running service by {@code scripts/capture-response-examples}) in the live document: requests
     * by media type, and under {@code responses} by status and media type. An example for an operation the service
     * lacks fails start-up.
     */
    @Bean
    OpenApiCustomizer examples() {
        return api -> {
            merge(api, read("openapi/examples.yaml"));
            merge(api, read("openapi/response-examples.yaml"));
        };
    }

    private static JsonNode read(String resource) {
        try (InputStream in = new ClassPathResource(resource).getInputStream()) {
            return Yaml.mapper().readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + resource, e);
        }
    }

    private static void merge(OpenAPI api, JsonNode all) {
        all.fields().forEachRemaining(entry -> {
            String[] key = entry.getKey().split(" ", 2);
            PathItem item = api.getPaths().get(key[1]);
            Operation op = item == null ? null : item.readOperationsMap().get(PathItem.HttpMethod.valueOf(key[0]));
            if (op == null) {
                throw new IllegalStateException("the examples name " + entry.getKey()
                        + ", which the service does not have");
            }
            entry.getValue().fields().forEachRemaining(media -> {
                if (media.getKey().equals("responses")) {
                    media.getValue().fields().forEachRemaining(status -> status.getValue().fields()
                            .forEachRemaining(m -> {
                                ApiResponse response = op.getResponses().get(status.getKey());
                                if (response == null || response.getContent() == null
                                        || response.getContent().get(m.getKey()) == null) {
                                    throw new IllegalStateException("the examples have a " + status.getKey() + " "
                                            + m.getKey() + " response for " + entry.getKey()
                                            + ", which the service does not document");
                                }
                                response.getContent().get(m.getKey()).setExamples(examples(m.getValue()));
                            }));
                    return;
                }
                MediaType target = op.getRequestBody() == null ? null
                        : op.getRequestBody().getContent().get(media.getKey());
                if (target == null) {
                    throw new IllegalStateException("the examples have a " + media.getKey() + " request for "
                            + entry.getKey() + ", which the service does not take");
                }
                target.setExamples(examples(media.getValue()));
            });
        });
    }

    private static Map<String, Example> examples(JsonNode named) {
        Map<String, Example> out = new LinkedHashMap<>();
        named.fields().forEachRemaining(e -> {
            Example example = new Example().value(Yaml.mapper().convertValue(e.getValue().get("value"), Object.class));
            if (e.getValue().has("summary")) {
                example.summary(e.getValue().get("summary").asText());
            }
            out.put(e.getKey(), example);
        });
        return out;
    }

    /** Refusals captured from the service, one per status ({@code scripts/capture-response-examples}). */
    private static final JsonNode REFUSALS = read("openapi/problem-examples.yaml");

    private static void problem(Operation op, String status, String description) {
        op.getResponses().computeIfAbsent(status, s -> new ApiResponse().description(description)
                .content(new Content().addMediaType("application/problem+json",
                        withExample(new MediaType().schema(new Schema<>().$ref("#/components/schemas/Problem")),
                                REFUSALS.path("problems").path(status)))));
    }

    private static MediaType withExample(MediaType media, JsonNode captured) {
        if (!captured.isMissingNode()) {
            media.setExamples(examples(Yaml.mapper().createObjectNode().set("refusal", captured)));
        }
        return media;
    }

    /**
     * TF Serving's and KServe's routes refuse in their protocols' shape, {@code {"error": "..."}}: documented on
     * each of their operations, with refusals captured from the service.
     */
    @Bean
    OpenApiCustomizer servingErrorResponses() {
        return api -> {
            api.getComponents().addSchemas("ServingError", new ObjectSchema()
                    .description("the error shape of TF Serving's REST API and of KServe v2")
                    .addProperty("error", new StringSchema().description("what is wrong")));
            api.getPaths().forEach((path, item) -> {
                if (!path.startsWith("/v1/") && !path.startsWith("/v2")) {
                    return;
                }
                item.readOperationsMap().forEach((method, op) -> {
                    servingError(op, "404", "no such model or version");
                    if (op.getRequestBody() != null) {
                        servingError(op, "400", "a malformed request");
                        servingError(op, "422", "well-formed, but does not fit the model (named)");
                        servingError(op, "503", "too many predictions at once; see Retry-After");
                    }
                });
            });
        };
    }

    private static void servingError(Operation op, String status, String description) {
        op.getResponses().computeIfAbsent(status, s -> new ApiResponse().description(description)
                .content(new Content().addMediaType("application/json",
                        withExample(new MediaType().schema(new Schema<>().$ref("#/components/schemas/ServingError")),
                                REFUSALS.path("serving").path(status)))));
    }

    @Bean
    OpenAPI rnnServiceApi() {
        return new OpenAPI().info(new Info().title("rnn-service").version("v1")
                .description("Train and serve Keras-style recurrent neural networks (SimpleRNN, LSTM, GRU) over HTTP."
                        + " JSON fields are snake_case, in Keras' own words; errors are RFC 9457 problem details.")
                .license(new License().name("Apache-2.0").identifier("Apache-2.0")));
    }
}
