package org.rnnservice.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.rnnservice.engine.Models.build;
import static org.rnnservice.RequestBodies.layer;
import static org.rnnservice.engine.Models.shape;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.rnnservice.KerasFixtures;
import org.rnnservice.engine.model.Sequential;
import org.rnnservice.engine.model.Summary;

/** The summary text and parameter counts of the seed tutorial's models, as tf.keras 2.12 prints them. */
class SummaryTest {

    @Test
    void simpleRnnSummaryIsKerasTextExactly() {
        Sequential m = build(shape(null, 1), List.of(layer("SimpleRNN", "units", 10), layer("Dense", "units", 1)));
        String expected = KerasFixtures.simpleRnnSummary();
        assertEquals(expected, m.summary().toText());
    }

    @Test
    void stackedSimpleRnnCountsAndNames() {
        Sequential m = build(shape(null, 1), List.of(
                layer("SimpleRNN", "units", 50, "return_sequences", true),
                layer("SimpleRNN", "units", 50),
                layer("Dense", "units", 1)));
        Summary s = m.summary();
        assertEquals(List.of(2600L, 5050L, 51L), s.layers().stream().map(Summary.Row::params).toList());
        assertEquals(List.of("simple_rnn", "simple_rnn_1", "dense"),
                s.layers().stream().map(Summary.Row::name).toList());
        assertEquals("(None, None, 50)", s.layers().get(0).kerasShape());
        assertEquals(7701, s.totalParams());
        String text = s.toText();
        assertEquals(true, text.contains(" simple_rnn_1 (SimpleRNN)    (None, 50)                5050      \n"), text);
        assertEquals(true, text.contains("Total params: 7,701\n"), text);
    }

    @Test
    void lstmAndGruCounts() {
        Sequential lstm = build(shape(null, 1), List.of(layer("LSTM", "units", 50), layer("Dense", "units", 1)));
        assertEquals(List.of(10400L, 51L), lstm.summary().layers().stream().map(Summary.Row::params).toList());
        Sequential gru = build(shape(null, 1), List.of(layer("GRU", "units", 50), layer("Dense", "units", 1)));
        assertEquals(List.of(7950L, 51L), gru.summary().layers().stream().map(Summary.Row::params).toList());
        Sequential gruBefore = build(shape(null, 1), List.of(layer("GRU", "units", 50, "reset_after", false)));
        assertEquals(7800L, gruBefore.summary().totalParams());
    }

    @Test
    void embeddingAndKnownLengthShapes() {
        Sequential m = build(shape(40), List.of(
                layer("Embedding", "input_dim", 64, "output_dim", 16),
                layer("LSTM", "units", 128, "return_sequences", true),
                layer("Dense", "units", 64, "activation", "softmax")));
        Summary s = m.summary();
        assertEquals(List.of("(None, 40, 16)", "(None, 40, 128)", "(None, 40, 64)"),
                s.layers().stream().map(Summary.Row::kerasShape).toList());
        assertEquals(1024 + 4 * (16 * 128 + 128 * 128 + 128) + 128 * 64 + 64, s.totalParams());
    }

    @Test
    void longLayerNamesWrapAsKerasDoes() {
        Sequential m = build(shape(null, 1), List.of(
                layer("Dense", "units", 1, "name", "a_rather_long_layer_name_here")));
        String[] lines = m.summary().toText().split("\n");
        // "a_rather_long_layer_name_here (Dense)" is cut at 27 characters and continues on the next line
        assertEquals(" a_rather_long_layer_name_he  (None, None, 1)          2         ", lines[4]);
        assertEquals(String.format("%-65s", " re (Dense)"), lines[5]);
    }
}
