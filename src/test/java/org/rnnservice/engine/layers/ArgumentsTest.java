package org.rnnservice.engine.layers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The one reader of Keras-style arguments: typed reads, defaults, and refusals that name the field at fault. */
class ArgumentsTest {

    @Test
    void readsEachTypeWithItsDefault() {
        Arguments a = new Arguments(Map.of("patience", 3, "min_delta", 0.5, "mode", "min", "restore", true),
                "callbacks[0]", "EarlyStopping");
        assertEquals(3, a.whole("patience", 0));
        assertEquals(0.5, a.number("min_delta", 0));
        assertEquals("min", a.string("mode", null));
        assertTrue(a.bool("restore", false));
        assertEquals(7, a.whole("start_from_epoch", 7));
        assertNull(a.optionalNumber("baseline"));
        a.rejectUnknown();
    }

    @Test
    void aWrongTypeNamesTheFieldAndWhatWasSent() {
        Arguments a = new Arguments(Map.of("patience", "10", "factor", 1.5), "callbacks[1]", "ReduceLROnPlateau");
        InvalidModelException e = assertThrows(InvalidModelException.class, () -> a.whole("patience", 0));
        assertEquals("callbacks[1].patience", e.field());
        assertEquals("patience must be a whole number, got \"10\" (a string)", e.getMessage());
        InvalidModelException f = assertThrows(InvalidModelException.class, () -> a.fraction("factor", 0.1));
        assertEquals("callbacks[1].factor", f.field());
    }

    @Test
    void anUnknownArgumentIsRefusedWithTheNearestKnownOne() {
        Arguments a = new Arguments(Map.of("patiense", 2, "type", "EarlyStopping"), "callbacks[0]", "EarlyStopping",
                "type");
        a.whole("patience", 0);
        a.string("monitor", "val_loss");
        InvalidModelException e = assertThrows(InvalidModelException.class, a::rejectUnknown);
        assertEquals("callbacks[0].patiense", e.field());
        assertEquals("EarlyStopping: unknown argument 'patiense'; did you mean 'patience'? Known: [monitor, patience]"
                + " (and type)", e.getMessage());
    }

    @Test
    void aDocumentsFieldsAreNamedByTheirWholePath() {
        Arguments compile = Arguments.fields(Map.of("optimiser", "sgd", "loss", "mae"), "compile");
        List.of("optimizer", "loss", "metrics").forEach(compile::raw);
        InvalidModelException e = assertThrows(InvalidModelException.class, compile::rejectUnknown);
        assertEquals("compile.optimiser", e.field());
        assertTrue(e.getMessage().startsWith("unknown field 'compile.optimiser'; did you mean 'compile.optimizer'?"),
                e.getMessage());
    }

    @Test
    void aFeatureTheEngineLacksIsAcceptedOnlyWhereItIsOff() {
        Arguments off = new Arguments(Map.of("use_ema", false, "steps", 1.0), "compile.optimizer", "adam");
        off.onlyAt("use_ema", false);
        off.onlyAt("steps", "null", 1);
        off.onlyAt("absent", false);
        Arguments on = new Arguments(Map.of("use_ema", true), "compile.optimizer", "adam");
        InvalidModelException e = assertThrows(InvalidModelException.class, () -> on.onlyAt("use_ema", false));
        assertInstanceOf(UnsupportedFeatureException.class, e);
        assertEquals("compile.optimizer.use_ema", e.field());
        assertEquals("use_ema is not supported (only false), got true", e.getMessage());
    }

    @Test
    void aRequiredArgumentSentMisspelledIsNamedAsSent() {
        LayerConfig c = new LayerConfig(Map.of("type", "LSTM", "unit", 4), "layers[0]");
        InvalidModelException e = assertThrows(InvalidModelException.class, () -> c.positiveInt("units"));
        assertEquals("layers[0].unit", e.field());
        assertTrue(e.getMessage().contains("did you mean 'units'? units is required"), e.getMessage());
    }
}
