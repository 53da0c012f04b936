package org.rnnservice.tuning;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The oracles against KerasTuner's rules, with expected values worked out by hand from KerasTuner's formulas
 * ({@code _get_size}, {@code _get_epochs}, {@code _get_num_brackets}) and its grid and sampling definitions.
 */
class OracleTest {

    private static final Map<String, Object> TEMPLATE = Map.of("layers", List.of(Map.of("type", "LSTM",
            "units", Map.of("hp", "units"))));

    private static SearchSpace units(Map<String, Object> config) {
        return SearchSpace.of(List.of(Map.of("class_name", "Int", "config", config)), TEMPLATE);
    }

    /** Runs an oracle one trial at a time, each completing with a score from {@code scores}, until it stops. */
    private static List<Trial> runToTheEnd(Oracle oracle, Random scores) {
        List<Trial> trials = new ArrayList<>();
        for (int guard = 0; guard < 10_000; guard++) {
            Oracle.Decision d = oracle.next(trials, 0);
            if (d.status() == Oracle.Decision.Status.STOPPED) {
                return trials;
            }
            assertEquals(Oracle.Decision.Status.RUNNING, d.status(), "nothing runs, so the oracle cannot wait");
            trials.add(new Trial(Integer.toString(trials.size()), d.values(), Trial.State.COMPLETED,
                    scores.nextDouble(), List.of(), null, d.bracketIndex()));
        }
        throw new AssertionError("the oracle never stopped");
    }

    @Test
    void hyperbandPlansKerasTunersBracketsForMaxEpochs81AndFactor3() {
        SearchSpace space = units(Map.of("name", "units", "min_value", 1, "max_value", 10_000));
        HyperbandOracle oracle = new HyperbandOracle(space, new Objective("val_loss", "min"), 81, 3, 1,
                Integer.MAX_VALUE, 1);
        assertEquals(5, oracle.brackets());
        List<Trial> trials = runToTheEnd(oracle, new Random(3));
        Map<String, Integer> plan = new TreeMap<>();
        for (Trial t : trials) {
            plan.merge("b" + t.tunerValue("bracket") + " r" + t.tunerValue("round") + " " + t.tunerValue("initial_epoch")
                    + "->" + t.tunerValue("epochs"), 1, Integer::sum);
        }
        // bracket0_end_size = ceil(1 + log3(81)) = 5; size = ceil(5 / (b + 1) * 3^(b - r)); epochs = ceil(81 / 3^(b - r))
        Map<String, Integer> expected = new TreeMap<>(Map.ofEntries(
                Map.entry("b4 r0 0->1", 81), Map.entry("b4 r1 1->3", 27), Map.entry("b4 r2 3->9", 9),
                Map.entry("b4 r3 9->27", 3), Map.entry("b4 r4 27->81", 1),
                Map.entry("b3 r0 0->3", 34), Map.entry("b3 r1 3->9", 12), Map.entry("b3 r2 9->27", 4),
                Map.entry("b3 r3 27->81", 2),
                Map.entry("b2 r0 0->9", 15), Map.entry("b2 r1 9->27", 5), Map.entry("b2 r2 27->81", 2),
                Map.entry("b1 r0 0->27", 8), Map.entry("b1 r1 27->81", 3),
                Map.entry("b0 r0 0->81", 5)));
        assertEquals(expected, plan);
        assertEquals(211, oracle.plannedTrials());
        // run one at a time, a round's promotions are exactly the best of the round before, as many as it holds
        for (Trial t : trials) {
            if (t.parentTrialId() != null) {
                Trial parent = trials.get(Integer.parseInt(t.parentTrialId()));
                assertEquals(t.bracketIndex(), parent.bracketIndex());
                assertEquals(t.tunerValue("round") - 1, parent.tunerValue("round"));
                assertEquals(parent.hyperparameters().get("units"), t.hyperparameters().get("units"));
            }
        }
        for (int bracket = 0; bracket < 5; bracket++) {
            for (int round = 1; round <= 4 - bracket; round++) {
                List<String> promoted = round(trials, bracket, round).stream().map(Trial::parentTrialId).sorted()
                        .toList();
                List<String> best = round(trials, bracket, round - 1).stream()
                        .sorted(java.util.Comparator.comparing(Trial::score)).limit(promoted.size())
                        .map(Trial::trialId).sorted().toList();
                assertEquals(best, promoted, "bracket " + bracket + " round " + round);
            }
        }
    }

    private static List<Trial> round(List<Trial> trials, int bracket, int round) {
        return trials.stream().filter(t -> t.tunerValue("bracket") == bracket && t.tunerValue("round") == round)
                .toList();
    }

    @Test
    void hyperbandStopsWhenTheSpaceIsExhaustedAndWaitsWhileTrialsRun() {
        SearchSpace space = units(Map.of("name", "units", "min_value", 1, "max_value", 3));
        HyperbandOracle oracle = new HyperbandOracle(space, new Objective("loss", "min"), 9, 3, 1,
                Integer.MAX_VALUE, 1);
        List<Trial> trials = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Oracle.Decision d = oracle.next(trials, trials.size());
            assertEquals(Oracle.Decision.Status.RUNNING, d.status());
            trials.add(new Trial("" + i, d.values(), Trial.State.RUNNING, null, List.of(), null, d.bracketIndex()));
        }
        assertEquals(Oracle.Decision.Status.IDLE, oracle.next(trials, 3).status(), "three values, all tried");
        trials.replaceAll(t -> t.ended(Trial.State.COMPLETED, 1.0 + Integer.parseInt(t.trialId()), null));
        // KerasTuner: "Collision and no ongoing trials should trigger an exit", even with a round left to promote
        assertEquals(Oracle.Decision.Status.STOPPED, oracle.next(trials, 0).status());
    }

    @Test
    void gridWalksEveryCombinationWithTheLastHyperparameterFastest() {
        SearchSpace space = SearchSpace.of(List.of(
                Map.of("class_name", "Choice", "config", Map.of("name", "layer", "values", List.of("LSTM", "GRU"))),
                Map.of("class_name", "Int", "config", Map.of("name", "units", "min_value", 5, "max_value", 15,
                        "step", 5)),
                Map.of("class_name", "Boolean", "config", Map.of("name", "seq"))),
                Map.of("a", Map.of("hp", "layer"), "b", Map.of("hp", "units"), "c", Map.of("hp", "seq")));
        List<Trial> trials = runToTheEnd(new Oracle.GridSearch(space, Long.MAX_VALUE), new Random(1));
        List<String> walked = trials.stream().map(t -> t.hyperparameters().get("layer") + "/"
                + t.hyperparameters().get("units") + "/" + t.hyperparameters().get("seq")).toList();
        assertEquals(List.of("LSTM/5/false", "LSTM/5/true", "LSTM/10/false", "LSTM/10/true", "LSTM/15/false",
                "LSTM/15/true", "GRU/5/false", "GRU/5/true", "GRU/10/false", "GRU/10/true", "GRU/15/false",
                "GRU/15/true"), walked);
        assertEquals(4, runToTheEnd(new Oracle.GridSearch(space, 4), new Random(1)).size(), "max_trials caps it");
    }

    @Test
    void valuesFollowKerasTunersStepsAndSampling() {
        assertEquals(List.of(5L, 10L, 15L, 20L, 25L, 30L, 35L, 40L, 45L, 50L), units(Map.of("name", "units",
                "min_value", 5, "max_value", 50, "step", 5)).parameters().get(0).gridValues());
        // log sampling with a step multiplies by it
        assertEquals(List.of(1L, 2L, 4L, 8L, 16L, 32L, 64L), units(Map.of("name", "units", "min_value", 1,
                "max_value", 100, "step", 2, "sampling", "log")).parameters().get(0).gridValues());
        HyperParameter lr = HyperParameter.parse(Map.of("class_name", "Float", "config", Map.of("name", "lr",
                "min_value", 1e-4, "max_value", 1e-1, "sampling", "log")), "h");
        Random random = new Random(5);
        int belowAThousandth = 0;
        for (int i = 0; i < 3000; i++) {
            double v = (Double) lr.sample(random);
            assertTrue(v >= 1e-4 && v <= 1e-1, "in range: " + v);
            belowAThousandth += v < 1e-3 ? 1 : 0;
        }
        // log-uniform over three decades puts a third of the draws in the first one (linear would put 0.9%)
        assertEquals(1000, belowAThousandth, 100);
        assertEquals(5L, units(Map.of("name", "units", "min_value", 5, "max_value", 50)).defaults().get("units"));
    }

    @Test
    void randomSearchNeverRepeatsValuesAndIsTheSameAfterARestart() {
        SearchSpace space = units(Map.of("name", "units", "min_value", 1, "max_value", 6));
        List<Trial> first = runToTheEnd(new Oracle.RandomSearch(space, 100, 42), new Random(1));
        List<Trial> again = runToTheEnd(new Oracle.RandomSearch(space, 100, 42), new Random(2));
        assertEquals(6, first.size(), "six values, each once, then the collisions stop the search");
        assertEquals(first.stream().map(Trial::hyperparameters).toList(),
                again.stream().map(Trial::hyperparameters).toList());
        assertNotEquals(first.stream().map(Trial::hyperparameters).toList(), runToTheEnd(
                new Oracle.RandomSearch(space, 100, 43), new Random(1)).stream().map(Trial::hyperparameters).toList());
        assertNull(space.randomValues(new Random(1), Oracle.tried(space, first)));
    }
}
