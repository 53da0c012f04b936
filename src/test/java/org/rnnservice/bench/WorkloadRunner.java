package org.rnnservice.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.rnnservice.engine.model.Sequential;
import org.rnnservice.engine.simd.KernelsProvider;
import org.rnnservice.engine.train.FitOptions;
import org.rnnservice.engine.train.Samples;
import org.rnnservice.engine.train.Trainer;
import org.rnnservice.engine.train.TrainingListener;
import org.rnnservice.engine.train.callbacks.History;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Runs the training and prediction workloads of a workloads file in this process and writes the same JSON as the
 * peer harness ({@code bench/djl}), for {@code bench/compare.py}. Test code, not part of the service's jar; {@code bench/run}
 * starts it: {@code WorkloadRunner WORKLOADS.json OUT.json [workload-id ...]}.
 */
public final class WorkloadRunner {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private WorkloadRunner() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: WorkloadRunner WORKLOADS.json OUT.json [workload-id ...]");
            System.exit(2);
        }
        JsonNode file = JSON.readTree(Path.of(args[0]).toFile());
        List<String> only = Arrays.asList(args).subList(2, args.length);
        JsonNode defaults = file.path("defaults");
        int threads = defaults.path("threads").asInt(2);
        double peakOne = FmaPeak.gflops(1);
        double peak = FmaPeak.gflops(threads);
        System.err.printf("FMA peak at %d bits: %.1f GFLOP/s on one thread, %.1f on %d%n", FmaPeak.bits(), peakOne,
                peak, threads);
        Map<String, Sequential> trained = new HashMap<>();
        Map<String, Workload> byId = new HashMap<>();
        List<Map<String, Object>> results = new ArrayList<>();
        for (JsonNode w : file.path("training")) {
            Workload workload = Workload.of(w, defaults);
            byId.put(workload.id(), workload);
            boolean neededForPrediction = false;
            for (JsonNode p : file.path("prediction")) {
                neededForPrediction |= p.get("model").asString().equals(workload.id())
                        && (only.isEmpty() || only.contains(p.get("id").asString()));
            }
            if (!only.isEmpty() && !only.contains(workload.id()) && !neededForPrediction) {
                continue;
            }
            Map<String, Object> r = train(workload, trained, threads);
            if (only.isEmpty() || only.contains(workload.id())) {
                results.add(r);
            }
        }
        for (JsonNode p : file.path("prediction")) {
            String id = p.get("id").asString();
            if (!only.isEmpty() && !only.contains(id)) {
                continue;
            }
            Sequential model = trained.get(p.get("model").asString());
            if (model == null) {
                throw new IllegalArgumentException("prediction " + id + " needs training workload "
                        + p.get("model").asString());
            }
            results.add(predict(id, model, byId.get(p.get("model").asString()), p.get("batch_size").asInt()));
        }
        Map<String, Object> out = new LinkedHashMap<>();
        Map<String, Object> env = env(defaults);
        env.put("vector_bits", FmaPeak.bits());
        env.put("fma_peak_gflops_one_thread", peakOne);
        env.put("fma_peak_gflops", peak);
        out.put("env", env);
        out.put("results", results);
        JSON.writerWithDefaultPrettyPrinter().writeValue(Path.of(args[1]).toFile(), out);
        System.err.println("wrote " + args[1]);
    }

    private static Map<String, Object> env(JsonNode defaults) {
        Map<String, Object> env = new LinkedHashMap<>();
        env.put("implementation", "rnn-service engine");
        env.put("jdk", System.getProperty("java.vm.name") + " " + Runtime.version());
        env.put("kernels", KernelsProvider.get().name());
        env.put("threads", defaults.path("threads").asInt(2));
        env.put("cpus", Runtime.getRuntime().availableProcessors());
        env.put("os", System.getProperty("os.name") + " " + System.getProperty("os.arch"));
        try {
            env.put("cpu", Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
                    .filter(l -> l.startsWith("model name")).findFirst().map(l -> l.split(":", 2)[1].trim())
                    .orElse("unknown"));
        } catch (java.io.IOException e) {
            env.put("cpu", "unknown");
        }
        return env;
    }

    private static Map<String, Object> train(Workload w, Map<String, Sequential> trained, int threads)
            throws InterruptedException {
        Sequential model = Sequential.build(w.spec());
        Trainer trainer = new Trainer(model, model.spec().compile(), threads);
        Samples data = w.samples();
        long w0 = System.nanoTime();
        if (w.warmupEpochs() > 0) {
            trainer.fit(data, new FitOptions(w.warmupEpochs(), w.batchSize(), w.shuffle(), 0, 1, null),
                    TrainingListener.NONE);
        }
        long w1 = System.nanoTime();
        // the two vCPUs of a VM may share one core's FMA units for a while: the anchor is measured around each run
        double peakBefore = FmaPeak.gflops(threads);
        long t0 = System.nanoTime();
        History h = trainer.fit(data, new FitOptions(w.epochs(), w.batchSize(), w.shuffle(), 0, 2, null),
                TrainingListener.NONE);
        double seconds = (System.nanoTime() - t0) / 1e9;
        double peak = (peakBefore + FmaPeak.gflops(threads)) / 2;
        List<Double> losses = h.get("loss");
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("id", w.id());
        r.put("kind", "training");
        r.put("seconds", seconds);
        r.put("samples_per_s", (double) w.n() * w.epochs() / seconds);
        r.put("final_loss", losses.get(losses.size() - 1));
        r.put("epoch_losses", losses);
        r.put("warmup_epochs", w.warmupEpochs());
        r.put("warmup_seconds", (w1 - w0) / 1e9);
        r.put("n", w.n());
        r.put("batch_size", w.batchSize());
        double flops = w.flopsPerSample(true) * w.n() * w.epochs() / seconds;
        String ofPeak = "";
        if (flops > 0) {
            r.put("gflops", flops / 1e9);
            r.put("fma_peak_gflops", peak);
            r.put("of_peak", flops / 1e9 / peak);
            ofPeak = String.format("  %6.1f GFLOP/s = %3.0f%% of the %.0f GFLOP/s peak around it", flops / 1e9,
                    100 * flops / 1e9 / peak, peak);
        }
        System.err.printf("%-16s %8.3f s  %10.1f samples/s  loss %.6g%s%n", w.id(), seconds,
                w.n() * w.epochs() / seconds, losses.get(losses.size() - 1), ofPeak);
        trained.put(w.id(), model);
        return r;
    }

    private static Map<String, Object> predict(String id, Sequential model, Workload w, int batch) {
        int perSample = w.seqLen() * w.features();
        float[] x = new float[batch * perSample];
        for (int i = 0; i < batch; i++) {
            for (int t = 0; t < w.seqLen(); t++) {
                for (int f = 0; f < w.features(); f++) {
                    x[(i * w.seqLen() + t) * w.features() + f] = (float) Workload.series(i + t + 7L * f);
                }
            }
        }
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("id", id);
        r.put("kind", "prediction");
        r.put("batch_size", batch);
        if (batch == 1) {
            for (int i = 0; i < 200; i++) {
                model.predict(x, 1, w.seqLen(), 1);
            }
            long[] ns = new long[2000];
            for (int i = 0; i < ns.length; i++) {
                long t0 = System.nanoTime();
                model.predict(x, 1, w.seqLen(), 1);
                ns[i] = System.nanoTime() - t0;
            }
            Arrays.sort(ns);
            double median = ns[ns.length / 2] / 1e3;
            r.put("median_us", median);
            r.put("p99_us", ns[(int) (ns.length * 0.99)] / 1e3);
            r.put("samples_per_s", 1e6 / median);
            System.err.printf("%-20s median %.1f us, p99 %.1f us%n", id, median, ns[(int) (ns.length * 0.99)] / 1e3);
        } else {
            for (int i = 0; i < 3; i++) {
                model.predictParallel(x, batch, w.seqLen(), batch);
            }
            long t0 = System.nanoTime();
            for (int i = 0; i < 20; i++) {
                model.predictParallel(x, batch, w.seqLen(), batch);
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            r.put("seconds", seconds);
            r.put("samples_per_s", 20.0 * batch / seconds);
            System.err.printf("%-20s %.1f samples/s%n", id, 20.0 * batch / seconds);
        }
        return r;
    }
}
