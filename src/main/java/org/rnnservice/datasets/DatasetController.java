package org.rnnservice.datasets;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.parameters.RequestBody;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import org.rnnservice.errors.ServiceException;
import org.rnnservice.web.Page;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
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

    private static final MediaType TEXT_CSV = MediaType.parseMediaType("text/csv");

    private final DatasetService service;
    private final JsonDatasetParser json;
    private final CsvDatasetParser csv = new CsvDatasetParser();
    private final TextDatasetParser text = new TextDatasetParser();

    private final long maxValues;

    public DatasetController(DatasetService service, JsonMapper mapper, org.rnnservice.RnnProperties properties) {
        this.service = service;
        this.maxValues = properties.limits().datasetValues();
        this.json = new JsonDatasetParser(mapper);
    }

    @Operation(operationId = "createDataset", summary = "Upload a dataset: JSON arrays, a CSV time series cut into windows, or a text for a"
            + " next-character or next-word model")
    @RequestBody(required = true, content = {
            @Content(mediaType = MediaType.APPLICATION_JSON_VALUE, schema = @Schema(type = "object",
                    description = "{\"name\", \"x\": [samples][timesteps][features] (or [samples][timesteps] token"
                            + " ids), \"y\": [samples] | [samples][outputs] | [samples][timesteps][outputs],"
                            + " \"sample_weight\": [samples]}; samples of different lengths are padded as Keras'"
                            + " pad_sequences pads them: \"padding\" and \"truncating\" (pre or post, default pre),"
                            + " \"maxlen\", \"value\" (default 0); or a series by columns, {\"name\", \"columns\":"
                            + " {\"load\": [...], \"demand\": [...]}}, windowed by the same query parameters as a CSV")),
            @Content(mediaType = "text/csv", schema = @Schema(type = "string",
                    description = "an optional header row, then one row per time step (numeric columns are kept,"
                            + " others such as dates are not); needs sequence_length")),
            @Content(mediaType = MediaType.TEXT_PLAIN_VALUE, schema = @Schema(type = "string",
                    description = "UTF-8 text"))})
    @ResponseStatus(HttpStatus.CREATED)
    @PostMapping(consumes = {MediaType.APPLICATION_JSON_VALUE, "text/csv", MediaType.TEXT_PLAIN_VALUE})
    public ResponseEntity<DatasetRecord> upload(
            InputStream body, @Parameter(hidden = true) @RequestHeader(HttpHeaders.CONTENT_TYPE) MediaType contentType,
            @Parameter(description = "CSV: the window length in time steps (Keras' sequence_length)")
            @RequestParam(name = "sequence_length", required = false) Integer sequenceLength,
            @Parameter(description = "text: the window length (default 40, or 10 words); CSV: sequence_length's"
                    + " former name") @RequestParam(name = "seq_len", required = false) Integer seqLen,
            @Parameter(description = "CSV: rows between window starts") @RequestParam(name = "sequence_stride",
                    defaultValue = "1") int sequenceStride,
            @Parameter(description = "CSV: rows between a window's steps") @RequestParam(name = "sampling_rate",
                    defaultValue = "1") int samplingRate,
            @Parameter(description = "CSV: the first row windows may read") @RequestParam(name = "start_index",
                    defaultValue = "0") int startIndex,
            @Parameter(description = "CSV: the row windows stop before (exclusive; default the row count)")
            @RequestParam(name = "end_index", required = false) Integer endIndex,
            @Parameter(description = "text: characters between window starts") @RequestParam(defaultValue = "3")
            int step,
            @Parameter(description = "CSV: comma-separated target columns, by name or index (default: the last)")
            @RequestParam(required = false) String targets,
            @Parameter(description = "CSV: targets' former name, one column") @RequestParam(required = false)
            String target,
            @Parameter(description = "CSV: comma-separated feature columns (default: the targets)")
            @RequestParam(required = false) String features,
            @Parameter(description = "CSV: how many steps after the window to forecast; more than 1 gives each"
                    + " window a sequence of targets") @RequestParam(defaultValue = "1") int horizon,
            @Parameter(description = "CSV: whether the first row is a header (default: detected)")
            @RequestParam(required = false) Boolean header,
            @Parameter(description = "CSV and text: the dataset's name (JSON: in the body)")
            @RequestParam(required = false) String name,
            @Parameter(description = "text: chars (next-character windows) or words (next-word windows, cut as Keras'"
                    + " Tokenizer cuts them)") @RequestParam(defaultValue = "chars") String split,
            @Parameter(description = "text by words: keep the num_words - 1 most frequent words (ids below num_words)")
            @RequestParam(name = "num_words", required = false) Integer numWords,
            @Parameter(description = "text by words: the word standing for any word outside the vocabulary (id 1)")
            @RequestParam(name = "oov_token", required = false) String oovToken,
            @Parameter(description = "text by words: whether to lower the text first")
            @RequestParam(defaultValue = "true") boolean lower) throws IOException {
        CountingInput in = new CountingInput(body);
        boolean csvBody = contentType.isCompatibleWith(TEXT_CSV);
        if (!csvBody && !contentType.isCompatibleWith(MediaType.APPLICATION_JSON)) {
            return createText(in, seqLen, step, name, split, numWords, oovToken, lower);
        }
        if (sequenceLength != null && seqLen != null) {
            throw ServiceException.badRequest("seq_len", "give sequence_length or its former name seq_len, not both");
        }
        if (targets != null && target != null) {
            throw ServiceException.badRequest("target", "give targets or its former name target, not both");
        }
        Integer length = sequenceLength != null ? sequenceLength : seqLen;
        CsvDatasetParser.Options options = length == null ? null : new CsvDatasetParser.Options(length,
                sequenceStride, samplingRate, startIndex, endIndex, targets != null ? targets : target,
                target != null ? "target" : "targets", features, horizon, header);
        Series series;
        String given = name;
        if (csvBody) {
            if (options == null) {
                throw ServiceException.badRequest("sequence_length", "sequence_length is required for a CSV: the"
                        + " window length in rows");
            }
            csv.check(options);
            series = csv.read(in, header, maxValues);
        } else {
            JsonDatasetParser.Result parsed = json.parse(in, maxValues);
            if (parsed.series() == null) {
                if (options != null) {
                    throw ServiceException.badRequest(sequenceLength != null ? "sequence_length" : "seq_len",
                            "windows are cut from a series (a CSV, or columns in JSON); x and y are samples already");
                }
                return created(service.create(parsed.name(), parsed.data(), in.count()));
            }
            if (options == null) {
                throw ServiceException.badRequest("sequence_length", "sequence_length is required for a series"
                        + " given by columns: the window length in rows");
            }
            series = parsed.series();
            given = name != null ? name : parsed.name();
        }
        return created(service.createSeries(given, series, csv.windowing(series, options), in.count()));
    }

    /** A text for a next-character or next-word model. */
    private ResponseEntity<DatasetRecord> createText(CountingInput in, Integer seqLen, int step, String name,
                                                     String split, Integer numWords, String oovToken, boolean lower)
            throws IOException {
        byte[] bytes = in.readAllBytes();
        String content = new String(bytes, StandardCharsets.UTF_8);
        ParsedData data = switch (split) {
            case "chars" -> {
                if (numWords != null || oovToken != null) {
                    throw ServiceException.badRequest(numWords != null ? "num_words" : "oov_token",
                            "num_words and oov_token apply to split=words");
                }
                yield text.parse(content, seqLen == null ? 40 : seqLen, step);
            }
            case "words" -> text.parseWords(content, seqLen == null ? 10 : seqLen, step, tokenizer(lower, oovToken,
                    numWords));
            default -> throw ServiceException.badRequest("split", "split must be chars or words, got '" + split + "'");
        };
        return created(service.create(name, data, bytes.length));
    }

    private static WordTokenizer tokenizer(boolean lower, String oovToken, Integer numWords) {
        try {
            return new WordTokenizer(lower, oovToken, numWords);
        } catch (IllegalArgumentException e) {
            throw ServiceException.badRequest("num_words", e.getMessage());
        }
    }

    private static ResponseEntity<DatasetRecord> created(DatasetRecord record) {
        return ResponseEntity.created(URI.create("/api/v1/datasets/" + record.id())).body(record);
    }

    @Operation(operationId = "listDatasets", summary = "All datasets, newest first, paged")
    @GetMapping
    public Page<DatasetRecord> list(@RequestParam(defaultValue = "0") @Min(0) int page,
                                    @RequestParam(defaultValue = "20") @Min(1) @Max(200) int size) throws IOException {
        var datasets = service.page(page, size);
        return Page.ofStored(datasets.items(), datasets.total(), page, size, d -> d);
    }

    @Operation(operationId = "getDataset", summary = "One dataset's metadata")
    @GetMapping("/{id}")
    public DatasetRecord get(@PathVariable String id) throws IOException {
        return service.get(id);
    }

    @Operation(operationId = "deleteDataset", summary = "Delete a dataset (409 while a job uses it, or if jobs"
            + " trained on it, unless force=true)")
    @DeleteMapping("/{id}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    public void delete(@PathVariable String id, @Parameter(description = "delete even though ended jobs trained on it")
                       @RequestParam(defaultValue = "false") boolean force) throws IOException {
        service.delete(id, force);
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
