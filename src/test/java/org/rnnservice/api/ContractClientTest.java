package org.rnnservice.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.rnnservice.client.ApiClient;
import org.rnnservice.client.api.DatasetsApi;
import org.rnnservice.client.api.JobsApi;
import org.rnnservice.client.api.ModelsApi;
import org.rnnservice.client.model.AliasRequest;
import org.rnnservice.client.model.Compile;
import org.rnnservice.client.model.CompileLoss;
import org.rnnservice.client.model.CompileOptimizer;
import org.rnnservice.client.model.DatasetRecord;
import org.rnnservice.client.model.JobRecord;
import org.rnnservice.client.model.JobRequest;
import org.rnnservice.client.model.Layer;
import org.rnnservice.client.model.LayerDense;
import org.rnnservice.client.model.LayerSimpleRNN;
import org.rnnservice.client.model.ModelDefinition;
import org.rnnservice.client.model.ModelView;
import org.rnnservice.client.model.SummaryView;

/**
 * The seed tutorial walked with a Java client generated from {@code api-spec/openapi.yaml} at build time
 * (openapi-generator, see pom.xml): if the contract and the wire disagree (a field's name, a status code, a schema),
 * the client fails to send or to read, and so does this test.
 */
class ContractClientTest extends ApiTestSupport {

    @Test
    void theTutorialWithAClientGeneratedFromTheContract() throws Exception {
        ApiClient client = new ApiClient();
        client.updateBaseUri("http://localhost:" + port);
        ModelsApi models = new ModelsApi(client);
        DatasetsApi datasets = new DatasetsApi(client);
        JobsApi jobs = new JobsApi(client);

        // SimpleRNN(10, input_shape=(None, 1)), Dense(1), compile(optimizer='adam', loss='mean_squared_error'),
        // written with the classes generated from the typed model document, not as a map
        ModelDefinition definition = new ModelDefinition()
                .inputShape(java.util.Arrays.asList(null, 1))
                .layers(List.of(
                        new Layer(new LayerSimpleRNN().type(LayerSimpleRNN.TypeEnum.SIMPLE_RNN).units(10)),
                        new Layer(new LayerDense().type(LayerDense.TypeEnum.DENSE).units(1))))
                .compile(new Compile().optimizer(new CompileOptimizer("adam"))
                        .loss(new CompileLoss("mean_squared_error")).metrics(List.of(Compile.MetricsEnum.MAE)))
                .seed(42);
        ModelView model = models.createModel(definition);
        assertEquals("tanh", ((Map<?, ?>) ((List<?>) model.getDefinition().get("layers")).get(0)).get("activation"),
                "the layer's default, as the schema says");
        assertEquals(0, model.getVersion());

        SummaryView summary = models.getModelSummary(model.getId());
        assertEquals(131L, summary.getTotalParams());
        assertEquals("simple_rnn", summary.getLayers().get(0).getName());

        // Example 2: x = i/100 with shape (100, 1, 1), y = x + 0.1
        List<Object> x = new ArrayList<>();
        List<Object> y = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            x.add(List.of(List.of(i / 100.0)));
            y.add(i / 100.0 + 0.1);
        }
        DatasetRecord data = datasets.createDataset(Map.of("name", "example-2", "x", x, "y", y), null, null, null,
                null, null, null, null, null, null, null, null, null, null, null, null, null, null);
        assertEquals(List.of(100, 1, 1), data.getxShape());

        // fit(X, y, epochs=10, batch_size=1): 202 and a job to poll
        JobRecord job = jobs.submitJob(new JobRequest().modelId(model.getId()).datasetId(data.getId()).epochs(10)
                .batchSize(1));
        assertEquals(JobRecord.StateEnum.QUEUED, job.getState());
        http.awaitJob(job.getId(), Duration.ofSeconds(60));
        JobRecord done = jobs.getJob(job.getId());
        assertEquals(JobRecord.StateEnum.SUCCEEDED, done.getState(), String.valueOf(done.getError()));
        assertEquals(1, done.getModelVersion());
        assertEquals(10, done.getHistory().get("loss").size());

        Map<String, Object> prediction = models.predict(model.getId(),
                Map.of("instances", List.of(List.of(List.of(0.5)), List.of(List.of(0.2), List.of(0.3)))), null, null);
        assertEquals(1, prediction.get("model_version"));
        List<?> predictions = (List<?>) prediction.get("predictions");
        assertEquals(2, predictions.size());
        assertNotNull(((List<?>) predictions.get(0)).get(0));

        // the registry's words: the trained version named champion serves by that name
        ModelView aliased = models.setAlias(model.getId(), "champion", new AliasRequest().version(1));
        assertEquals(Map.of("champion", 1), aliased.getAliases());
        assertEquals(prediction.get("predictions"), models.predict(model.getId(),
                Map.of("instances", List.of(List.of(List.of(0.5)), List.of(List.of(0.2), List.of(0.3)))), null,
                "champion").get("predictions"));

        assertTrue(jobs.listJobs(null, model.getId(), null, null, 0, 20).getItems().stream()
                .anyMatch(j -> j.getId().equals(job.getId())));

        // model.save("tutorial.keras"), then keras.models.load_model: out as a file and in again, same predictions
        java.io.File saved = models.exportModel(model.getId(), "keras", null, null);
        ModelView imported = models.importModel(saved, "tutorial-copy");
        assertEquals("tutorial-copy", imported.getName());
        assertEquals(prediction.get("predictions"), models.predict(imported.getId(),
                Map.of("instances", List.of(List.of(List.of(0.5)), List.of(List.of(0.2), List.of(0.3)))), null, null)
                .get("predictions"));
        Map<String, Object> config = models.getKerasConfig(model.getId());
        assertEquals("Sequential", config.get("class_name"));
    }
}
