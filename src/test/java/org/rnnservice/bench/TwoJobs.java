package org.rnnservice.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.rnnservice.engine.model.Sequential;
import org.rnnservice.engine.train.FitOptions;
import org.rnnservice.engine.train.Trainer;
import org.rnnservice.engine.train.TrainingListener;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Two training jobs on this machine's cores: one after the other on every core each, against both at once with the
 * cores shared out ({@code cores / 2} threads each) and both at once on every core each (oversubscribed). Prints the
 * wall time of each schedule and its throughput over running them in turn, alternating the schedules for
 * {@code rounds} rounds. {@code TwoJobs WORKLOADS.json ROUNDS first-id second-id}; bench/two-jobs runs it.
 */
public final class TwoJobs {

    private TwoJobs() {
    }

    public static void main(String[] args) throws Exception {
        JsonNode file = JsonMapper.builder().build().readTree(Path.of(args[0]).toFile());
        int rounds = Integer.parseInt(args[1]);
        List<Workload> jobs = new ArrayList<>();
        for (String id : List.of(args[2], args[3])) {
            for (JsonNode w : file.path("training")) {
                if (w.get("id").asString().equals(id)) {
                    jobs.add(Workload.of(w, file.path("defaults")));
                }
            }
        }
        int cores = Runtime.getRuntime().availableProcessors();
        int shared = Math.max(1, cores / 2);
        run(jobs, cores, false); // warm-up: every code path compiled before anything counts
        System.out.printf("%-28s %s%n", "schedule", "seconds per round");
        List<Double> inTurn = new ArrayList<>();
        List<Double> split = new ArrayList<>();
        List<Double> over = new ArrayList<>();
        for (int r = 0; r < rounds; r++) {
            inTurn.add(run(jobs, cores, false));
            split.add(run(jobs, shared, true));
            over.add(run(jobs, cores, true));
        }
        report("in turn, " + cores + " threads each", inTurn, inTurn);
        report("at once, " + shared + " thread(s) each", split, inTurn);
        report("at once, " + cores + " threads each", over, inTurn);
    }

    private static void report(String name, List<Double> seconds, List<Double> inTurn) {
        System.out.printf("%-28s %s  median %.2f s, throughput %.2fx of in turn%n", name, seconds, median(seconds),
                median(inTurn) / median(seconds));
    }

    private static double median(List<Double> v) {
        List<Double> s = new ArrayList<>(v);
        s.sort(null);
        return s.get(s.size() / 2);
    }

    /** Wall seconds to train both jobs' epochs, one after the other or at once, each on {@code threads}. */
    private static double run(List<Workload> jobs, int threads, boolean atOnce) throws InterruptedException {
        long t0 = System.nanoTime();
        if (!atOnce) {
            for (Workload w : jobs) {
                train(w, threads);
            }
        } else {
            CountDownLatch done = new CountDownLatch(jobs.size());
            for (Workload w : jobs) {
                Thread t = new Thread(() -> {
                    train(w, threads);
                    done.countDown();
                });
                t.start();
            }
            done.await();
        }
        return Math.round((System.nanoTime() - t0) / 1e7) / 100.0;
    }

    private static void train(Workload w, int threads) {
        Sequential model = Sequential.build(w.spec());
        new Trainer(model, model.spec().compile(), threads).fit(w.samples(),
                new FitOptions(w.epochs(), w.batchSize(), w.shuffle(), 0, 1, null), TrainingListener.NONE);
    }
}
