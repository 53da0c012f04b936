package org.rnnservice.web;

import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.media.Discriminator;
import io.swagger.v3.oas.models.media.Schema;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import org.springdoc.core.customizers.OpenApiCustomizer;

/**
 * The typed callbacks of a job ({@code EarlyStopping}, {@code ReduceLROnPlateau}, {@code ModelCheckpoint}), each with
 * its Keras arguments and defaults, as a {@code oneOf} with {@code type} as the discriminator, in the schema of the job
 * request whose other fit settings Spring already types.
 */
final class JobSchemas implements OpenApiCustomizer {

    private static final String REF = ModelSchemas.REF;

    @Override
    public void customise(OpenAPI api) {
        Discriminator discriminator = new Discriminator().propertyName("type");
        List<Schema> variants = new ArrayList<>();
        for (var entry : List.of(earlyStopping(), reduceLr(), checkpoint())) {
            String type = (String) entry.getProperties().get("type").getEnum().get(0);
            api.getComponents().addSchemas("Callback_" + type, entry);
            variants.add(new Schema<>().$ref(REF + "Callback_" + type));
            discriminator.mapping(type, REF + "Callback_" + type);
        }
        Schema<Object> callback = new Schema<>();
        callback.setOneOf(variants);
        callback.discriminator(discriminator).description("A Keras callback by its type and arguments");
        api.getComponents().addSchemas("Callback", callback);
        Schema<?> request = api.getComponents().getSchemas().get("JobRequest");
        if (request != null && request.getProperties().get("callbacks") != null) {
            request.getProperties().get("callbacks").setItems(new Schema<>().$ref(REF + "Callback"));
        }
    }

    private static Schema<Object> callback(String type, String description) {
        Schema<Object> s = new Schema<>();
        s.addType("object");
        s.description(description);
        Schema<Object> t = new Schema<>();
        t.addType("string");
        t.setEnum(new ArrayList<>(List.of(type)));
        s.addProperty("type", t);
        s.addProperty("monitor", typed("string", "val_loss").description("a key of the history: loss, val_loss,"
                + " a metric or its val_ form"));
        Schema<Object> mode = typed("string", "auto");
        mode.setEnum(new ArrayList<>(List.of("auto", "min", "max")));
        s.addProperty("mode", mode);
        s.addProperty("verbose", new Schema<>().description("accepted; the service logs what callbacks do"));
        s.setRequired(List.of("type"));
        s.setAdditionalProperties(false);
        return s;
    }

    private static Schema<Object> typed(String type, Object fallback) {
        Schema<Object> s = new Schema<>();
        s.addType(type);
        if (fallback != null) {
            s.setDefault(fallback);
        }
        return s;
    }

    private static Schema<Object> atLeast(String type, Object fallback, int minimum) {
        Schema<Object> s = typed(type, fallback);
        s.setMinimum(BigDecimal.valueOf(minimum));
        return s;
    }

    private static Schema<Object> earlyStopping() {
        Schema<Object> s = callback("EarlyStopping", "Stops training when monitor has stopped improving");
        s.addProperty("min_delta", atLeast("number", 0, 0));
        s.addProperty("patience", atLeast("integer", 0, 0));
        s.addProperty("restore_best_weights", typed("boolean", false));
        s.addProperty("start_from_epoch", atLeast("integer", 0, 0));
        s.addProperty("baseline", typed("number", null));
        return s;
    }

    private static Schema<Object> reduceLr() {
        Schema<Object> s = callback("ReduceLROnPlateau", "Multiplies the learning rate by factor when monitor has"
                + " stopped improving; the history then has learning_rate per epoch");
        s.addProperty("factor", typed("number", 0.1));
        s.addProperty("patience", atLeast("integer", 10, 0));
        s.addProperty("min_delta", atLeast("number", 1e-4, 0));
        s.addProperty("cooldown", atLeast("integer", 0, 0));
        s.addProperty("min_lr", atLeast("number", 0, 0));
        return s;
    }

    private static Schema<Object> checkpoint() {
        Schema<Object> s = callback("ModelCheckpoint", "With save_best_only, the best epoch's weights become the"
                + " published version (the service keeps the files: filepath is refused)");
        s.addProperty("save_best_only", typed("boolean", false));
        s.addProperty("save_weights_only", typed("boolean", false));
        s.addProperty("initial_value_threshold", typed("number", null));
        Schema<Object> freq = typed("string", "epoch");
        freq.setEnum(new ArrayList<>(List.of("epoch")));
        s.addProperty("save_freq", freq);
        return s;
    }
}
