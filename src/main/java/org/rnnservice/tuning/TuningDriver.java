package org.rnnservice.tuning;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.rnnservice.RnnProperties;
import org.rnnservice.errors.ServiceException;
import org.rnnservice.jobs.JobService;
import org.rnnservice.jobs.JobState;
import org.rnnservice.storage.Store;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Advances every unfinished search a little at a time, from what is stored: reads its trials' jobs, asks the oracle
 * for new trials (written before their jobs are made), starts them, and ends the search when the oracle stops. As it
 * keeps nothing in memory, a restarted service carries on where the crashed one was; with several replicas on
 * PostgreSQL one of them at a time leads a search, by a lease like a job's.
 */
@Component
class TuningDriver implements SmartLifecycle {

    private static final Logger LOG = LoggerFactory.getLogger(TuningDriver.class);
    /** How often searches are looked at; trials take far longer than this. */
    private static final Duration ROUND = Duration.ofMillis(200);
    /** How often every stored search is listed, to find those this process was not told of. */
    private static final Duration SCAN = Duration.ofSeconds(5);
    /** Consecutive failed trials after which KerasTuner gives a search up. */
    private static final int MAX_CONSECUTIVE_FAILURES = 3;

    private final Store store;
    private final JobService jobs;
    private final TrialRunner trials;
    private final boolean shared;
    private final String me;
    private final Duration lease;
    private volatile ScheduledExecutorService rounds;
    private final Set<String> active = ConcurrentHashMap.newKeySet();
    private long lastScan = System.nanoTime() - SCAN.toNanos() - 1;
    private String lastProblem;

    TuningDriver(Store store, JobService jobs, TrialRunner trials, RnnProperties properties) {
        this.store = store;
        this.jobs = jobs;
        this.trials = trials;
        this.shared = store.shared();
        this.me = properties.replicaId();
        this.lease = properties.cluster().lease();
    }

    /** Takes up a search submitted here at the next round rather than at the next scan. */
    void follow(String id) {
        active.add(id);
    }

    private void round() {
        try {
            if (System.nanoTime() - lastScan > SCAN.toNanos()) {
                // searches submitted through other replicas, or left unfinished by a restart
                for (TuningJob search : store.list(Store.Collection.TUNING_JOBS, TuningJob.class)) {
                    if (!search.state().isFinal()) {
                        active.add(search.id());
                    }
                }
                lastScan = System.nanoTime();
            }
            for (String id : List.copyOf(active)) {
                TuningJob search = store.get(Store.Collection.TUNING_JOBS, id, TuningJob.class).orElse(null);
                if (search == null || search.state().isFinal()) {
                    active.remove(id);
                } else {
                    advance(search);
                }
            }
            lastProblem = null;
        } catch (IOException | RuntimeException e) {
            String problem = e.getClass().getSimpleName() + ": " + e.getMessage();
            if (!problem.equals(lastProblem)) { // once per distinct problem, not every round
                LOG.warn("Tuning searches could not be advanced: {}", problem);
                lastProblem = problem;
            }
        }
    }

    void advance(TuningJob search) throws IOException {
        TuningJob t = claim(search);
        if (t == null) {
            return;
        }
        List<Trial> next = new ArrayList<>();
        for (Trial trial : t.trials()) {
            next.add(trial.running() ? trials.refresh(t, trial) : trial);
        }
        t = save(t, decide(t.withTrials(next)));
        if (t.state().isFinal()) {
            return;
        }
        List<Trial> started = new ArrayList<>(t.trials());
        for (int i = 0; i < started.size(); i++) {
            Trial trial = started.get(i);
            if (trial.running() && !t.cancelRequested() && needsJobs(t, trial)) {
                started.set(i, trials.start(t, trial, started));
            }
        }
        save(t, t.withTrials(started));
    }

    private static boolean needsJobs(TuningJob t, Trial trial) {
        return trial.executions().size() < TrialRunner.executions(t.request())
                || trial.executions().stream().anyMatch(e -> e.jobId() == null);
    }

    /** The search after this round's decisions: new trials, or its end. */
    private TuningJob decide(TuningJob t) throws IOException {
        List<Trial> list = new ArrayList<>(t.trials());
        int running = (int) list.stream().filter(Trial::running).count();
        if (t.cancelRequested()) {
            for (int i = 0; i < list.size(); i++) {
                if (list.get(i).running() && trials.cancel(list.get(i))) {
                    list.set(i, list.get(i).ended(Trial.State.STOPPED, null, "the search was cancelled"));
                }
            }
            return list.stream().anyMatch(Trial::running) ? t.withTrials(list)
                    : ended(t.withTrials(list), JobState.CANCELLED, null);
        }
        String failures = consecutiveFailures(list);
        if (failures != null) {
            return running == 0 ? ended(t, JobState.FAILED, failures) : t;
        }
        Oracle oracle = Oracle.of(t.request(), t.tuner(), t.objective(), t.seed());
        int parallel = Math.max(1, jobs.workers());
        while (running < parallel) {
            Oracle.Decision d = oracle.next(list, running);
            if (d.status() == Oracle.Decision.Status.RUNNING) {
                list.add(new Trial(trialId(t, list.size()), d.values(), Trial.State.RUNNING, null, List.of(), null,
                        d.bracketIndex()));
                running++;
            } else {
                if (d.status() == Oracle.Decision.Status.STOPPED) {
                    boolean any = list.stream().anyMatch(tr -> tr.state() == Trial.State.COMPLETED);
                    return ended(t.withTrials(list), any ? JobState.SUCCEEDED : JobState.FAILED,
                            any ? null : "no trial completed");
                }
                break;
            }
        }
        TuningJob next = t.withTrials(list);
        return next.state() == JobState.QUEUED && !list.isEmpty() ? next.running() : next;
    }

    private TuningJob ended(TuningJob t, JobState state, String why) {
        TuningJob end = t.finished(state, why);
        LOG.info("Tuning job {} {}: {} trials, {} epochs{}{}", t.id(), state, t.trials().size(),
                end.epochsTrained(), end.bestTrialId() != null ? ", best trial " + end.bestTrialId() + " score "
                        + end.bestScore() : "", why != null ? ": " + why : "");
        return end;
    }

    private static String consecutiveFailures(List<Trial> list) {
        int failed = 0;
        String last = null;
        for (Trial trial : list) {
            if (trial.state() == Trial.State.FAILED) {
                failed++;
                last = trial.error();
            } else if (trial.state() == Trial.State.COMPLETED) {
                failed = 0;
            }
        }
        return failed >= MAX_CONSECUTIVE_FAILURES ? failed + " trials in a row failed; the last: " + last : null;
    }

    /**
     * KerasTuner's trial ids: the trial's number zero-padded to the width of {@code max_trials} as written (10 by
     * default for random_search), or of "None" (4) when the search has none, as KerasTuner pads them.
     */
    private static String trialId(TuningJob t, int n) {
        Integer most = t.request().maxTrials() != null ? t.request().maxTrials()
                : t.tuner().equals("random_search") ? Integer.valueOf(10) : null;
        return String.format("%0" + (most == null ? 4 : most.toString().length()) + "d", n);
    }

    /** The search if this process leads it (taking or renewing the lease with several replicas), else null. */
    private TuningJob claim(TuningJob t) throws IOException {
        if (!shared) {
            return t;
        }
        Instant now = Instant.now();
        if (me.equals(t.driver()) && t.leaseUntil() != null && t.leaseUntil().isAfter(now.plus(lease.dividedBy(2)))) {
            return t;
        }
        if (!me.equals(t.driver()) && t.leaseUntil() != null && t.leaseUntil().isAfter(now)) {
            return null;
        }
        try {
            TuningJob leased = store.update(Store.Collection.TUNING_JOBS, t.id(), TuningJob.class, (cur, blobs) -> {
                if (!me.equals(cur.driver()) && cur.leaseUntil() != null && cur.leaseUntil().isAfter(now)) {
                    throw new LeaseTaken();
                }
                return cur.leased(me, now.plus(lease));
            });
            if (!me.equals(t.driver())) {
                LOG.info("Tuning job {} led by replica {}", t.id(), me);
            }
            return leased;
        } catch (LeaseTaken e) {
            return null;
        }
    }

    /** Writes {@code next} unless nothing changed; a cancel asked for meanwhile is kept. */
    private TuningJob save(TuningJob before, TuningJob next) throws IOException {
        if (next.equals(before)) {
            return next;
        }
        try {
            return store.update(Store.Collection.TUNING_JOBS, next.id(), TuningJob.class, (cur, blobs) -> {
                if (shared && !me.equals(cur.driver())) {
                    throw new LeaseTaken();
                }
                return next.cancelling(next.cancelRequested() || cur.cancelRequested());
            });
        } catch (LeaseTaken e) {
            throw ServiceException.conflict("another replica leads tuning job " + next.id());
        }
    }

    /** Another replica holds the search's lease. */
    private static final class LeaseTaken extends RuntimeException {
        LeaseTaken() {
            super(null, null, false, false);
        }
    }

    @Override
    public void start() {
        rounds = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "tuning-driver");
            thread.setDaemon(true);
            return thread;
        });
        rounds.scheduleWithFixedDelay(this::round, ROUND.toMillis(), ROUND.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void stop() {
        ScheduledExecutorService r = rounds;
        rounds = null;
        if (r != null) {
            r.shutdown();
            try {
                r.awaitTermination(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public boolean isRunning() {
        return rounds != null;
    }

    @Override
    public int getPhase() {
        // after the jobs are taken up at start, and stopped before them
        return SmartLifecycle.DEFAULT_PHASE - 512;
    }
}
