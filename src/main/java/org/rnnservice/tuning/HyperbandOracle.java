package org.rnnservice.tuning;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * KerasTuner's Hyperband: brackets of random trials trained a few epochs, the best of each round promoted to train
 * longer ({@code tuner/epochs}, from {@code tuner/initial_epoch}, continuing the weights of {@code tuner/trial_id}),
 * the most aggressive bracket first. Sizes and epochs follow KerasTuner's own formulas, so a search here plans the
 * same trials KerasTuner's would.
 */
record HyperbandOracle(SearchSpace space, Objective objective, int maxEpochs, int factor, int iterations,
                       int maxTrials, long seed) implements Oracle {

    /** Hyperband's fixed shortest training. */
    private static final int MIN_EPOCHS = 1;

    int brackets() {
        double epochs = maxEpochs;
        int brackets = 0;
        while (epochs >= MIN_EPOCHS) {
            epochs = epochs / factor;
            brackets++;
        }
        return brackets;
    }

    int size(int bracket, int round) {
        double bracket0EndSize = Math.ceil(1 + Math.log(maxEpochs) / Math.log(factor));
        double bracketEndSize = bracket0EndSize / (bracket + 1);
        return (int) Math.ceil(bracketEndSize * Math.pow(factor, bracket - round));
    }

    int epochs(int bracket, int round) {
        return (int) Math.ceil(maxEpochs / Math.pow(factor, bracket - round));
    }

    /** The trials the whole search would create if every one completed: what a submission is checked against. */
    long plannedTrials() {
        long total = 0;
        for (int b = brackets() - 1; b >= 0; b--) {
            for (int r = 0; r <= b; r++) {
                total += size(b, r);
            }
        }
        return total * iterations;
    }

    /** Which of hyperband's brackets (its {@code tuner/bracket}) the {@code index}-th bracket started is. */
    private int bracketNum(int index) {
        return brackets() - 1 - index % brackets();
    }

    @Override
    public Decision next(List<Trial> trials, int running) {
        if (trials.size() >= maxTrials) {
            return Decision.idleOrStopped(running);
        }
        Map<Integer, List<List<Trial>>> brackets = new LinkedHashMap<>();
        for (Trial t : trials) {
            List<List<Trial>> rounds = brackets.computeIfAbsent(t.bracketIndex(), i -> emptyRounds(bracketNum(i)));
            rounds.get(t.tunerValue("round")).add(t);
        }
        Set<String> tried = Oracle.tried(space, trials);
        for (Map.Entry<Integer, List<List<Trial>>> entry : brackets.entrySet()) {
            int index = entry.getKey();
            int num = bracketNum(index);
            List<List<Trial>> rounds = entry.getValue();
            int last = rounds.size() - 1;
            if (rounds.get(last).size() == size(num, last)) {
                continue; // every trial of this bracket has been created
            }
            if (rounds.get(0).size() < size(num, 0)) {
                return randomTrial(index, num, trials.size(), tried, running);
            }
            for (int round = 1; round < rounds.size(); round++) {
                List<String> promoted = rounds.get(round).stream().map(Trial::parentTrialId).toList();
                List<Trial> candidates = rounds.get(round - 1).stream()
                        .filter(t -> t.state() == Trial.State.COMPLETED && !promoted.contains(t.trialId()))
                        .sorted(Comparator.comparing(Trial::score, (a, b) -> Double.compare(a, b)
                                * ("max".equals(objective.direction()) ? -1 : 1)))
                        .toList();
                if (candidates.size() > size(num, round - 1) - size(num, round)) {
                    Trial best = candidates.get(0);
                    Map<String, Object> values = new LinkedHashMap<>();
                    best.hyperparameters().forEach((k, v) -> {
                        if (!k.startsWith("tuner/")) {
                            values.put(k, v);
                        }
                    });
                    values.put("tuner/trial_id", best.trialId());
                    values.put("tuner/epochs", epochs(num, round));
                    values.put("tuner/initial_epoch", epochs(num, round - 1));
                    values.put("tuner/bracket", num);
                    values.put("tuner/round", round);
                    return new Decision(Decision.Status.RUNNING, values, index);
                }
            }
        }
        int lastIndex = brackets.isEmpty() ? -1 : brackets.keySet().stream().mapToInt(i -> i).max().orElseThrow();
        if (lastIndex >= 0 && bracketNum(lastIndex) == 0 && lastIndex / brackets() + 1 >= iterations) {
            return Decision.idleOrStopped(running); // the last bracket of the last sweep: wait for it to end
        }
        int next = lastIndex + 1;
        return randomTrial(next, bracketNum(next), trials.size(), tried, running);
    }

    private static List<List<Trial>> emptyRounds(int num) {
        List<List<Trial>> rounds = new ArrayList<>();
        for (int r = 0; r <= num; r++) {
            rounds.add(new ArrayList<>());
        }
        return rounds;
    }

    private Decision randomTrial(int index, int num, int n, Set<String> tried, int running) {
        Map<String, Object> values = space.randomValues(Oracle.random(seed, n), tried);
        if (values == null) {
            return Decision.idleOrStopped(running);
        }
        values.put("tuner/epochs", epochs(num, 0));
        values.put("tuner/initial_epoch", 0);
        values.put("tuner/bracket", num);
        values.put("tuner/round", 0);
        return new Decision(Decision.Status.RUNNING, values, index);
    }
}
