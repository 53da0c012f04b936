package org.rnnservice.tuning;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One trial of a search, in KerasTuner's terms: its {@code hyperparameters} (hyperband's {@code tuner/epochs},
 * {@code tuner/initial_epoch}, {@code tuner/bracket}, {@code tuner/round} and {@code tuner/trial_id} among them),
 * {@code state}, and {@code score} (the mean over its executions of each one's best objective value). Each execution
 * is one training job of one model; {@code job_id} is the first's. {@code bracket_index} counts hyperband's brackets
 * across iterations.
 */
@JsonIgnoreProperties(value = "job_id", allowGetters = true)
record Trial(String trialId, Map<String, Object> hyperparameters, State state, Double score,
             List<Execution> executions, String error, Integer bracketIndex) {

    /** KerasTuner's {@code TrialStatus}, of those a trial here can be in. */
    enum State { RUNNING, COMPLETED, FAILED, STOPPED }

    Trial {
        hyperparameters = Collections.unmodifiableMap(new LinkedHashMap<>(hyperparameters));
        executions = executions == null ? List.of() : List.copyOf(executions);
    }

    /** One model trained for the trial: the job that trains it and, when it succeeded, its best value. */
    record Execution(String modelId, String jobId, Double score, Integer modelVersion, Integer epochsTrained) {
    }

    @JsonProperty("job_id")
    String jobId() {
        return executions.isEmpty() ? null : executions.get(0).jobId();
    }

    boolean running() {
        return state == State.RUNNING;
    }

    /** Hyperband's value of a {@code tuner/...} key, or null. */
    Integer tunerValue(String key) {
        return hyperparameters.get("tuner/" + key) instanceof Number n ? n.intValue() : null;
    }

    String parentTrialId() {
        return hyperparameters.get("tuner/trial_id") instanceof String s ? s : null;
    }

    int epochs(int fallback) {
        Integer epochs = tunerValue("epochs");
        Integer initial = tunerValue("initial_epoch");
        return epochs == null ? fallback : epochs - (initial == null ? 0 : initial);
    }

    Trial withExecution(int index, Execution e) {
        List<Execution> next = new ArrayList<>(executions);
        if (index == next.size()) {
            next.add(e);
        } else {
            next.set(index, e);
        }
        return new Trial(trialId, hyperparameters, state, score, next, error, bracketIndex);
    }

    Trial ended(State end, Double finalScore, String why) {
        return new Trial(trialId, hyperparameters, end, finalScore, executions, why, bracketIndex);
    }
}
