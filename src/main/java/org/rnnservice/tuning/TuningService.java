package org.rnnservice.tuning;

import java.io.IOException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.rnnservice.errors.ServiceException;
import org.rnnservice.jobs.JobService;
import org.rnnservice.jobs.JobState;
import org.rnnservice.models.ModelCatalog;
import org.rnnservice.storage.Store;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;

/**
 * Tuning jobs as users see them: a search checked at submission (its template built with every hyperparameter at
 * its default and its fit settings checked as a job's), stored, then advanced by {@link TuningDriver}.
 */
@Service
class TuningService {

    private static final Logger LOG = LoggerFactory.getLogger(TuningService.class);
    private static final List<String> TUNERS = List.of("grid_search", "random_search", "hyperband");
    /** Searches planning more trials than this must say how many they want with max_trials. */
    static final int MAX_PLANNED_TRIALS = 1000;
    private static final SecureRandom SEEDS = new SecureRandom();

    private final Store store;
    private final ModelCatalog models;
    private final JobService jobs;
    private final TuningDriver driver;

    TuningService(Store store, ModelCatalog models, JobService jobs, TuningDriver driver) {
        this.store = store;
        this.models = models;
        this.jobs = jobs;
        this.driver = driver;
    }

    TuningJob submit(TuningRequest r) throws IOException {
        String tuner = r.tuner() == null ? "random_search" : r.tuner();
        if (tuner.equals("bayesian_optimization")) {
            throw ServiceException.badRequest("tuner", "bayesian_optimization is not offered: use grid_search,"
                    + " random_search or hyperband");
        }
        if (!TUNERS.contains(tuner)) {
            throw ServiceException.badRequest("tuner", "tuner must be one of " + TUNERS + "; got '" + tuner + "'");
        }
        checkTunerSettings(r, tuner);
        SearchSpace space = SearchSpace.of(r.hyperparameters(), r.model());
        ModelCatalog.Checked probe = models.check(SearchSpace.model(r.model(), space.defaults()));
        List<String> logs = jobs.check(probe.model(), probe.compile(),
                TrialRunner.jobRequest(r, null, null, r.epochs() == null ? 1 : r.epochs(), Map.of()));
        Objective objective = Objective.of(r.objective(), logs.contains("val_loss") ? "val_loss" : "loss");
        if (!logs.contains(objective.name())) {
            throw ServiceException.badRequest("objective", "'" + objective.name() + "' is not among what the"
                    + " trials log: " + logs + (objective.name().startsWith("val_") ? " (val_ metrics need"
                    + " validation, validation_split or validation_data)" : ""));
        }
        long seed = r.seed() != null ? r.seed() : SEEDS.nextLong() & ((1L << 53) - 1);
        Oracle oracle = Oracle.of(space, r, tuner, objective, seed);
        long planned = oracle instanceof HyperbandOracle h ? h.plannedTrials()
                : oracle instanceof Oracle.GridSearch ? planGrid(space) : r.maxTrials() != null ? r.maxTrials() : 10;
        long most = r.maxTrials() != null ? Math.min(r.maxTrials(), planned) : planned;
        if (r.maxTrials() == null && planned > MAX_PLANNED_TRIALS) {
            throw ServiceException.badRequest("max_trials", tuner + " plans " + planned + " trials here, more than "
                    + MAX_PLANNED_TRIALS + ": give max_trials, or narrow the search");
        }
        String id = UUID.randomUUID().toString();
        TuningJob job = new TuningJob(id, JobState.QUEUED, r, tuner, objective, seed, most, Instant.now(), null,
                List.of(), null, null, null, null, null, 0, null, false, null, null);
        store.put(Store.Collection.TUNING_JOBS, id, job);
        driver.follow(id);
        LOG.info("Tuning job {} queued: {} over {} on dataset {}, objective {} ({})", id, tuner,
                space.parameters().stream().map(HyperParameter::name).toList(), r.datasetId(), objective.name(),
                objective.direction());
        return job;
    }

    private static long planGrid(SearchSpace space) {
        space.parameters().forEach(HyperParameter::gridValues); // a continuous one is refused by name
        return space.gridSize();
    }

    private static void checkTunerSettings(TuningRequest r, String tuner) {
        if (tuner.equals("hyperband")) {
            if (r.maxEpochs() == null) {
                throw ServiceException.badRequest("max_epochs", "hyperband needs max_epochs, the most epochs one"
                        + " model trains");
            }
            if (r.epochs() != null) {
                throw ServiceException.badRequest("epochs", "hyperband sets each trial's epochs from max_epochs and"
                        + " factor; leave epochs out");
            }
            return;
        }
        for (var setting : new Object[][] {{"max_epochs", r.maxEpochs()}, {"factor", r.factor()},
            {"hyperband_iterations", r.hyperbandIterations()}}) {
            if (setting[1] != null) {
                throw ServiceException.badRequest((String) setting[0], setting[0] + " applies to hyperband only,"
                        + " not to " + tuner);
            }
        }
    }

    TuningJob get(String id) throws IOException {
        return store.get(Store.Collection.TUNING_JOBS, id, TuningJob.class)
                .orElseThrow(() -> ServiceException.notFound("tuning job", id));
    }

    /** Page {@code page} of {@code size} searches, newest first. */
    Store.Slice<TuningJob> page(int page, int size) throws IOException {
        return store.page(Store.Collection.TUNING_JOBS, TuningJob.class, (long) page * size, size);
    }

    /** Asks the search to stop: no new trials, running ones cancelled, finished ones kept; 409 once it ended. */
    TuningJob cancel(String id) throws IOException {
        get(id);
        TuningJob job = store.update(Store.Collection.TUNING_JOBS, id, TuningJob.class, (current, blobs) -> {
            if (current.state().isFinal()) {
                throw ServiceException.conflict("tuning job " + id + " already ended " + current.state());
            }
            return current.cancelling(true);
        });
        LOG.info("Tuning job {} cancel requested", id);
        return job;
    }
}
