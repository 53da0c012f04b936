package org.rnnservice.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.rnnservice.RequestBodies.layer;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.rnnservice.Http;
import tools.jackson.databind.JsonNode;

/**
 * Jobs searched as MLflow searches runs: 32 runs over four architectures, two batch sizes and user tags, filtered
 * and ordered by the API and checked against a selection made here by hand from what each run was given and the
 * history it reported.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RunSearchApiTest extends ApiTestSupport {

    /** What this test submitted, and the history the job reported. */
    private record Run(String id, String modelId, int units, String type, int batchSize, String team,
                       List<Double> loss) {

        double finalLoss() {
            return loss.get(loss.size() - 1);
        }
    }

    /** A tag on this test's runs only: other tests' jobs share the service. */
    private static final String SUITE = "run-search";
    private static final String MINE = "tags.suite = '" + SUITE + "'";

    private final List<Run> runs = new ArrayList<>();
    private final Map<String, String> layerNames = new HashMap<>();

    @BeforeAll
    void thirtyTwoRuns() throws Exception {
        http = new Http(port);
        Map<String, Object> data = new HashMap<>();
        List<Object> x = new ArrayList<>();
        List<Object> y = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            x.add(List.of(List.of(i / 12.0), List.of((i + 1) / 12.0)));
            y.add((i + 2) / 12.0);
        }
        data.put("x", x);
        data.put("y", y);
        String dataset = http.post("/api/v1/datasets", data).json().get("id").asString();
        List<String> jobIds = new ArrayList<>();
        List<Object[]> given = new ArrayList<>();
        int seed = 1;
        for (String type : List.of("SimpleRNN", "GRU")) {
            for (int units : List.of(2, 4)) {
                Http.Response m = http.post("/api/v1/models", model(shape(null, 1),
                        List.of(layer(type, "units", units), layer("Dense", "units", 1)), "mse"));
                assertEquals(201, m.status(), m.body());
                String modelId = m.json().get("id").asString();
                layerNames.put(type, m.json().get("definition").get("layers").get(0).get("name").asString());
                for (int batch : List.of(4, 12)) {
                    for (int k = 0; k < 4; k++) {
                        String team = k % 2 == 0 ? "forecast" : "Research";
                        Http.Response j = http.post("/api/v1/jobs", Map.of("model_id", modelId, "dataset_id",
                                dataset, "epochs", 1 + k % 3, "batch_size", batch, "seed", seed++,
                                "tags", Map.of("team", team, "suite", SUITE)));
                        assertEquals(202, j.status(), j.body());
                        jobIds.add(j.json().get("id").asString());
                        given.add(new Object[] {modelId, units, type, batch, team});
                        // one run at a time: the queue of this test service holds 16
                        http.awaitJob(jobIds.get(jobIds.size() - 1), Duration.ofSeconds(60));
                    }
                }
            }
        }
        for (int i = 0; i < jobIds.size(); i++) {
            JsonNode done = http.awaitJob(jobIds.get(i), Duration.ofSeconds(60));
            assertEquals("SUCCEEDED", done.get("state").asString(), done.toString());
            List<Double> loss = new ArrayList<>();
            done.get("history").get("loss").forEach(v -> loss.add(v.asDouble()));
            Object[] g = given.get(i);
            runs.add(new Run(jobIds.get(i), (String) g[0], (int) g[1], (String) g[2], (int) g[3], (String) g[4],
                    loss));
        }
        assertEquals(32, runs.size());
    }

    /** The ids the API returns for a search, in its order, over every page. */
    private List<String> search(String filter, String orderBy) {
        List<String> ids = new ArrayList<>();
        for (int page = 0; ; page++) {
            Http.Response r = http.get("/api/v1/jobs?size=10&page=" + page + "&filter=" + encode(MINE
                    + (filter == null ? "" : " and " + filter)) + (orderBy == null ? "" : "&order_by="
                    + encode(orderBy)));
            assertEquals(200, r.status(), r.body());
            r.json().get("items").forEach(j -> ids.add(j.get("id").asString()));
            if ((page + 1) * 10 >= r.json().get("total").asInt()) {
                return ids;
            }
        }
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private List<String> byHand(Predicate<Run> select) {
        return runs.stream().filter(select).map(Run::id).sorted().toList();
    }

    private static List<String> sorted(List<String> ids) {
        return ids.stream().sorted().toList();
    }

    @Test
    void aFilterOnAParamAMetricAndATagSelectsExactlyTheRunsAHandCheckDoes() {
        Predicate<Run> gruOfFourForTheForecasters = r -> r.type().equals("GRU") && r.units() == 4
                && r.team().equals("forecast");
        // a threshold inside those runs' losses, so that the metric clause keeps some of them and drops others
        double[] theirs = runs.stream().filter(gruOfFourForTheForecasters).mapToDouble(Run::finalLoss).sorted()
                .toArray();
        double threshold = theirs[theirs.length / 2];
        String filter = "params." + layerNames.get("GRU") + ".units = '4' and metrics.loss <= " + threshold
                + " and tags.team = 'forecast'";
        List<String> expected = byHand(gruOfFourForTheForecasters.and(r -> r.finalLoss() <= threshold));
        assertTrue(expected.size() > 0 && expected.size() < theirs.length, "the clauses each select: " + expected);
        assertEquals(expected, sorted(search(filter, null)));
        double median = runs.stream().mapToDouble(Run::finalLoss).sorted().toArray()[16];

        assertEquals(byHand(r -> r.batchSize() == 12), sorted(search("params.batch_size = '12'", null)));
        assertEquals(byHand(r -> r.team().equals("Research")), sorted(search("tags.team ILIKE 'res%'", null)));
        assertEquals(List.of(), search("tags.team LIKE 'res%'", null), "LIKE is case-sensitive, as in MLflow");
        assertEquals(byHand(r -> r.loss().size() == 3), sorted(search("params.epochs != '1' and params.epochs"
                + " != '2'", null)));
        assertEquals(byHand(r -> r.finalLoss() > median), sorted(search("metrics.loss > " + median, null)));
        assertEquals(byHand(r -> r.type().equals("SimpleRNN")), sorted(search("params.`"
                + layerNames.get("SimpleRNN") + ".class_name` = 'SimpleRNN' AND attributes.state = 'SUCCEEDED'",
                null)));
    }

    @Test
    void orderingByAMetricIsTheHandOrderAndRunsWithoutItComeLast() {
        List<String> ascending = runs.stream().sorted(Comparator.comparingDouble(Run::finalLoss)).map(Run::id)
                .toList();
        assertEquals(ascending, search(null, "metrics.loss"));
        assertEquals(ascending, search("tags.team LIKE '%'", "metrics.loss ASC"));
        List<String> descending = new ArrayList<>(ascending);
        java.util.Collections.reverse(descending);
        assertEquals(descending, search("tags.team LIKE '%'", "metrics.loss DESC"));
        // a metric no run has: every run still listed, newest first
        List<String> newestFirst = new ArrayList<>(runs.stream().map(Run::id).toList());
        java.util.Collections.reverse(newestFirst);
        assertEquals(newestFirst, search(null, "metrics.val_loss"));
    }

    @Test
    void eachJobCarriesItsParamsMetricsAndTags() {
        Run run = runs.get(0);
        JsonNode job = http.get("/api/v1/jobs/" + run.id()).json();
        String name = layerNames.get(run.type());
        assertEquals(String.valueOf(run.units()), job.get("params").get(name + ".units").asString());
        assertEquals(run.type(), job.get("params").get(name + ".class_name").asString());
        assertEquals(String.valueOf(run.batchSize()), job.get("params").get("batch_size").asString());
        assertEquals("adam", job.get("params").get("optimizer").asString());
        assertEquals(run.finalLoss(), job.get("metrics").get("loss").asDouble());
        double lowest = run.loss().stream().mapToDouble(Double::doubleValue).min().orElseThrow();
        assertEquals(lowest, job.get("best_metrics").get("loss").asDouble());
        assertEquals(run.team(), job.get("tags").get("team").asString());
    }

    @Test
    void unreadableSearchesAreRefusedByName() {
        for (String[] bad : new String[][] {
                {"filter", "metrics.loss < 'low'"}, {"filter", "params.units = 4"}, {"filter", "loss < 1"},
                {"filter", "attributes.colour = 'red'"}, {"filter", "metrics.loss LIKE '1%'"},
                {"filter", "metrics.loss < 1 or metrics.loss > 2"}, {"order_by", "metrics.loss sideways"}}) {
            Http.Response r = http.get("/api/v1/jobs?" + bad[0] + "=" + encode(bad[1]));
            assertEquals(400, r.status(), bad[1] + ": " + r.body());
            assertEquals("application/problem+json", r.contentType());
            assertEquals(bad[0], r.json().get("errors").get(0).get("field").asString(), r.body());
        }
        Http.Response emptyKey = http.post("/api/v1/jobs", Map.of("model_id", runs.get(0).modelId(), "dataset_id",
                "x", "tags", Map.of("", "empty key")));
        assertEquals(400, emptyKey.status(), emptyKey.body());
        assertTrue(emptyKey.body().contains("tags"), emptyKey.body());
    }
}
