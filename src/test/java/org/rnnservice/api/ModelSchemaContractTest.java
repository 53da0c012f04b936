package org.rnnservice.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.rnnservice.engine.layers.LayerConfig;
import org.rnnservice.engine.model.LayerFactory;
import tools.jackson.databind.JsonNode;

/**
 * The contract knows every layer the service builds and every argument each one reads, with its type: driven by the
 * layers' own recorded reads, so an argument a layer starts reading cannot be missing from the schema.
 */
class ModelSchemaContractTest extends ApiTestSupport {

    @Test
    void everyLayerTypeAndArgumentIsInTheSchemaWithItsType() {
        JsonNode schemas = http.get("/v3/api-docs").json().get("components").get("schemas");
        JsonNode mapping = schemas.get("Layer").get("discriminator").get("mapping");
        assertEquals("type", schemas.get("Layer").get("discriminator").get("propertyName").asString());
        int arguments = 0;
        for (LayerFactory.TypeArguments t : LayerFactory.arguments()) {
            JsonNode layer = schemas.get("Layer_" + t.type());
            assertTrue(layer != null, "no schema for " + t.type());
            assertEquals("#/components/schemas/Layer_" + t.type(), mapping.get(t.type()).asString());
            assertEquals(t.type(), layer.get("properties").get("type").get("enum").get(0).asString());
            for (Map.Entry<String, LayerConfig.Argument> a : t.arguments().entrySet()) {
                JsonNode property = layer.get("properties").get(a.getKey());
                assertTrue(property != null, t.type() + "." + a.getKey() + " is not in the schema");
                assertTrue(property.has("type") || property.has("anyOf") || property.has("$ref"),
                        t.type() + "." + a.getKey() + " has no type: " + property);
                if (a.getValue().allowed() != null && property.has("enum")) {
                    assertEquals(a.getValue().allowed().size(), property.get("enum").size(), a.getKey());
                }
                arguments++;
            }
            for (String required : t.required()) {
                assertTrue(layer.get("required").toString().contains("\"" + required + "\""), required);
            }
            assertFalse(layer.get("additionalProperties").asBoolean(true), "unknown arguments are refused");
        }
        assertTrue(arguments > 80, arguments + " arguments");
        JsonNode body = http.get("/v3/api-docs").json().get("paths").get("/api/v1/models").get("post")
                .get("requestBody").get("content").get("application/json").get("schema");
        assertEquals("#/components/schemas/ModelDefinition", body.get("$ref").asString());
        assertEquals("#/components/schemas/Layer", schemas.get("ModelDefinition").get("properties").get("layers")
                .get("items").get("$ref").asString());
        assertEquals(5, schemas.get("Compile").get("properties").get("optimizer").get("anyOf").get(0).get("enum")
                .size());
    }
}
