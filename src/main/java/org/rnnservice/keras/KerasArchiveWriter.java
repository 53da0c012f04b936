package org.rnnservice.keras;

import io.jhdf.api.WritableGroup;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.rnnservice.engine.layers.Layer;
import org.rnnservice.engine.layers.Param;
import org.rnnservice.engine.model.Sequential;
import org.rnnservice.engine.model.Summary;

/** Writes Keras 3's {@code .keras} archive: {@code metadata.json}, {@code config.json} and {@code model.weights.h5}. */
final class KerasArchiveWriter {


    private KerasArchiveWriter() {
    }

    static byte[] write(Map<String, Object> definition, Sequential model) {
        Map<String, Object> config = KerasConfigWriter.toJson(definition,
                model.summary().layers().stream().map(Summary.Row::outputShape).toList());
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("keras_version", KerasConfigWriter.KERAS_VERSION);
        metadata.put("date_saved", ZonedDateTime.now(ZoneOffset.UTC)
                .format(DateTimeFormatter.ofPattern("yyyy-MM-dd@HH:mm:ss")));
        byte[] weights = Hdf5Writer.write(file -> {
            WritableGroup layers = file.putGroup("layers");
            KerasNames.ObjectNames names = new KerasNames.ObjectNames();
            for (Layer layer : model.layers()) {
                String objectName = names.next(layer.type());
                if (layer.params().isEmpty()) {
                    continue;
                }
                WritableGroup group = layers.putGroup(objectName);
                List<String> paths = KerasNames.varPaths(layer.type());
                List<List<Param>> groups = KerasNames.paramGroups(layer);
                for (int g = 0; g < paths.size(); g++) {
                    WritableGroup vars = group;
                    for (String part : paths.get(g).split("/")) {
                        vars = vars.putGroup(part);
                    }
                    List<Param> params = groups.get(g);
                    for (int i = 0; i < params.size(); i++) {
                        vars.putDataset(Integer.toString(i), Hdf5Writer.shaped(params.get(i).value(),
                                params.get(i).shape()));
                    }
                }
            }
            // the model's own (empty) variables, which Keras 3 opens when it loads
            file.putGroup("vars");
            // jHDF 0.10.0 writes its file-information string where its last data write ended, so the file must
            // end with a dataset, not the empty group above: in jHDF's order of children this name comes last
            file.putDataset("written_by", new String[] {"rnn-service"});
        });
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(out)) {
            put(zip, "metadata.json", KerasJson.write(metadata).getBytes(StandardCharsets.UTF_8));
            put(zip, "config.json", KerasJson.write(config).getBytes(StandardCharsets.UTF_8));
            put(zip, "model.weights.h5", weights);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static void put(ZipOutputStream zip, String name, byte[] data) throws IOException {
        zip.putNextEntry(new ZipEntry(name));
        zip.write(data);
        zip.closeEntry();
    }
}
