package org.rnnservice.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.rnnservice.RequestBodies.layer;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.rnnservice.Http;
import org.rnnservice.RequestBodies;
import tools.jackson.databind.JsonNode;

/** Every list pages the same way, and model reads carry ETags that answer 304 while nothing changed. */
class ListsAndTagsApiTest extends ApiTestSupport {

    @Test
    void everyListPagesAlike() {
        for (int i = 0; i < 3; i++) {
            assertEquals(201, http.post("/api/v1/datasets", RequestBodies.sineDataset(20, 4)).status());
        }
        for (String list : List.of("/api/v1/models", "/api/v1/datasets", "/api/v1/jobs")) {
            JsonNode page = http.get(list + "?page=0&size=2").json();
            assertEquals(0, page.get("page").asInt(), list);
            assertEquals(2, page.get("size").asInt(), list);
            assertTrue(page.get("items").isArray(), list);
            assertTrue(page.get("items").size() <= 2, list);
            assertTrue(page.has("total"), list);
            assertEquals(400, http.get(list + "?size=0").status(), list);
        }
        JsonNode datasets = http.get("/api/v1/datasets?page=1&size=2").json();
        assertTrue(datasets.get("total").asInt() >= 3);
        assertTrue(datasets.get("items").size() >= 1, "the second page holds the third dataset");
    }

    @Test
    void aModelReadAnswers304WhileItsTagHolds() throws Exception {
        String id = createModel(model(shape(null, 1), List.of(layer("Dense", "units", 1)), "mse"));
        for (String path : List.of("/api/v1/models/" + id, "/api/v1/models/" + id + "/weights",
                "/api/v1/models/" + id + "/export?format=h5")) {
            Http.Response first = http.get(path);
            String tag = first.headers().firstValue("ETag").orElse(null);
            assertNotNull(tag, path);
            HttpResponse<String> again = http.client().send(HttpRequest.newBuilder(URI.create(http.base() + path))
                    .header("If-None-Match", tag).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(304, again.statusCode(), path);
            assertEquals("", again.body());
        }
        String before = http.get("/api/v1/models/" + id + "/weights").headers().firstValue("ETag").orElseThrow();
        // the same weights uploaded again are a new version: the document, and so its tag, changes
        assertEquals(200, http.put("/api/v1/models/" + id + "/weights",
                http.get("/api/v1/models/" + id + "/weights").body()).status());
        String after = http.get("/api/v1/models/" + id + "/weights").headers().firstValue("ETag").orElseThrow();
        assertNotEquals(before, after, "a new version has a new tag");
        String file = http.get("/api/v1/models/" + id + "/export").headers().firstValue("ETag").orElseThrow();
        assertEquals(200, http.put("/api/v1/models/" + id + "/compile", "{\"optimizer\": \"sgd\", \"loss\": \"mae\"}")
                .status());
        assertNotEquals(file, http.get("/api/v1/models/" + id + "/export").headers().firstValue("ETag")
                .orElseThrow(), "a file whose compile settings changed has a new tag");
    }
}
