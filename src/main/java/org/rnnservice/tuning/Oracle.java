package org.rnnservice.tuning;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * KerasTuner's oracle: from the trials so far, the next trial to run, or to wait, or that the search is over. An
 * oracle keeps no state of its own: everything it decides follows from the stored trials and the search's seed, so a
 * restarted service decides exactly as the one that crashed.
 */
interface Oracle {

    /** What to do next; {@code trials} in creation order, {@code running} of them still training. */
    Decision next(List<Trial> trials, int running);

    /** RUNNING with the new trial's values, IDLE (wait for running trials) or STOPPED (nothing more to try). */
    record Decision(Status status, Map<String, Object> values, Integer bracketIndex) {

        enum Status { RUNNING, IDLE, STOPPED }

        static Decision run(Map<String, Object> values) {
            return new Decision(Status.RUNNING, values, null);
        }

        static Decision idleOrStopped(int running) {
            return new Decision(running > 0 ? Status.IDLE : Status.STOPPED, null, null);
        }
    }

    /** The oracle of a search's {@code tuner}, from its request; the request is checked as it is read. */
    static Oracle of(TuningRequest r, String tuner, Objective objective, long seed) {
        return of(SearchSpace.of(r.hyperparameters(), r.model()), r, tuner, objective, seed);
    }

    /** As {@link #of(TuningRequest, String, Objective, long)} with the request's space already read. */
    static Oracle of(SearchSpace space, TuningRequest r, String tuner, Objective objective, long seed) {
        return switch (tuner) {
            case "grid_search" -> new GridSearch(space, r.maxTrials() != null ? r.maxTrials() : Long.MAX_VALUE);
            case "random_search" -> new RandomSearch(space, r.maxTrials() != null ? r.maxTrials() : 10, seed);
            case "hyperband" -> new HyperbandOracle(space, objective, r.maxEpochs(),
                    r.factor() != null ? r.factor() : 3, r.hyperbandIterations() != null ? r.hyperbandIterations() : 1,
                    r.maxTrials() != null ? r.maxTrials() : Integer.MAX_VALUE, seed);
            default -> throw new IllegalArgumentException("unknown tuner " + tuner);
        };
    }

    /** The values of this space every trial so far tried. */
    static Set<String> tried(SearchSpace space, List<Trial> trials) {
        Set<String> tried = new HashSet<>();
        trials.forEach(t -> tried.add(space.key(t.hyperparameters())));
        return tried;
    }

    /** The random stream of the {@code n}-th trial's draw: the same after a restart. */
    static Random random(long seed, int n) {
        return new Random(seed * 0x9E3779B97F4A7C15L + n);
    }

    /** {@code random_search}: values drawn at random, never twice the same, up to {@code maxTrials}. */
    record RandomSearch(SearchSpace space, int maxTrials, long seed) implements Oracle {
        @Override
        public Decision next(List<Trial> trials, int running) {
            if (trials.size() >= maxTrials) {
                return Decision.idleOrStopped(running);
            }
            Map<String, Object> values = space.randomValues(random(seed, trials.size()), tried(space, trials));
            return values == null ? Decision.idleOrStopped(running) : Decision.run(values);
        }
    }

    /** {@code grid_search}: every combination in turn, the last hyperparameter varying fastest. */
    record GridSearch(SearchSpace space, long maxTrials) implements Oracle {
        @Override
        public Decision next(List<Trial> trials, int running) {
            long limit = Math.min(maxTrials, space.gridSize());
            return trials.size() >= limit ? Decision.idleOrStopped(running)
                    : Decision.run(space.gridPoint(trials.size()));
        }
    }
}
