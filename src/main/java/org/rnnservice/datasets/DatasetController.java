package org.rnnservice.datasets;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.json.JsonMapper;

/** Dataset uploads in three forms (JSON arrays, a CSV series, a text) and their listing. */
@RestController
@RequestMapping("/api/v1/datasets")
@Tag(name = "datasets")
public class DatasetController {

    private final DatasetService service;
    private final JsonDatasetParser json;
    private final CsvDatasetParser csv = new CsvDatasetParser();
    private final TextDatasetParser text = new TextDatasetParser();

    public DatasetController(DatasetService service, JsonMapper mapper) {
        this.service = service;
        this.json = new JsonDatasetParser(mapper);
    }

    @Operation(summary = "Upload arrays: x [samples][timesteps][features], y per sample")
    @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
    public ResponseEntity<DatasetRecord> uploadJson(InputStream body) throws IOException {
        CountingInput in = new CountingInput(body);
        JsonDatasetParser.Result parsed = json.parse(in);
        return created(service.create(parsed.name(), parsed.data(), in.count()));
    }

    @Operation(summary = "Upload a CSV time series, cut into windows of seq_len rows")
    @PostMapping(consumes = "text/csv")
    public ResponseEntity<DatasetRecord> uploadCsv(InputStream body,
                                                   @RequestParam(name = "seq_len") int seqLen,
                                                   @RequestParam(required = false) String target,
                                                   @RequestParam(required = false) String features,
                                                   @RequestParam(defaultValue = "1") int horizon,
                                                   @RequestParam(required = false) Boolean header,
                                                   @RequestParam(required = false) String name) throws IOException {
        CountingInput in = new CountingInput(body);
        ParsedData data = csv.parse(in, new CsvDatasetParser.Options(seqLen, target, features, horizon, header));
        return created(service.create(name, data, in.count()));
    }

    @Operation(summary = "Upload a text for a next-character model")
    @PostMapping(consumes = MediaType.TEXT_PLAIN_VALUE)
    public ResponseEntity<DatasetRecord> uploadText(InputStream body,
                                                    @RequestParam(name = "seq_len", defaultValue = "40") int seqLen,
                                                    @RequestParam(defaultValue = "3") int step,
                                                    @RequestParam(required = false) String name) throws IOException {
        byte[] bytes = body.readAllBytes();
        ParsedData data = text.parse(new String(bytes, StandardCharsets.UTF_8), seqLen, step);
        return created(service.create(name, data, bytes.length));
    }

    private static ResponseEntity<DatasetRecord> created(DatasetRecord record) {
        return ResponseEntity.created(URI.create("/api/v1/datasets/" + record.id())).body(record);
    }

    @Operation(summary = "All datasets, newest first")
    @GetMapping
    public List<DatasetRecord> list() throws IOException {
        return service.list();
    }

    @Operation(summary = "One dataset's metadata")
    @GetMapping("/{id}")
    public DatasetRecord get(@PathVariable String id) throws IOException {
        return service.get(id);
    }

    @Operation(summary = "Delete a dataset (409 while a job uses it)")
    @DeleteMapping("/{id}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    public void delete(@PathVariable String id) throws IOException {
        service.delete(id);
    }

    /** Counts the bytes a parser consumed, for the dataset's {@code bytes}. */
    private static final class CountingInput extends java.io.FilterInputStream {
        private long count;

        CountingInput(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            count += b >= 0 ? 1 : 0;
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            count += Math.max(n, 0);
            return n;
        }

        long count() {
            return count;
        }
    }
}
