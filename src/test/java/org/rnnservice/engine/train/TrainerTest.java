package org.rnnservice.engine.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.rnnservice.RequestBodies.layer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.rnnservice.engine.model.CompileSpec;
import org.rnnservice.engine.model.ModelSpec;
import org.rnnservice.engine.model.Sequential;
import org.rnnservice.engine.train.callbacks.EarlyStopping;
import org.rnnservice.engine.train.callbacks.History;
import org.rnnservice.engine.train.callbacks.ModelCheckpoint;
import org.rnnservice.engine.train.callbacks.ReduceLrOnPlateau;
import org.rnnservice.engine.train.optimizers.Adagrad;
import org.rnnservice.engine.train.optimizers.Adam;
import org.rnnservice.engine.train.optimizers.Optimizer;

/** Keras' fit semantics: splits, batches, determinism, early stopping, cancellation and divergence. */
class TrainerTest {


    private static ModelSpec spec(String optimizer, Map<String, Object> args) {
        return new ModelSpec(null, Arrays.asList(null, 2),
                List.of(layer("GRU", "units", 4, "dropout", 0.2), layer("Dropout", "rate", 0.1),
                        layer("Dense", "units", 1)),
                new CompileSpec(optimizer, args, "mse", List.of("mae")), 9);
    }

    private static Samples data(int n) {
        float[] x = new float[n * 3 * 2];
        float[] y = new float[n];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) Math.sin(i * 0.37);
        }
        for (int i = 0; i < n; i++) {
            y[i] = (float) Math.cos(i * 0.11);
        }
        return Samples.of(x, y, n, 3, 2, 1);
    }

    @Test
    void sameSeedSameWeightsBitForBit() {
        List<float[]> first = train(spec("adam", Map.of()));
        List<float[]> second = train(spec("adam", Map.of()));
        for (int i = 0; i < first.size(); i++) {
            assertArrayEquals(first.get(i), second.get(i));
        }
        ModelSpec other = new ModelSpec(null, Arrays.asList(null, 2), spec("adam", Map.of()).layers(),
                spec("adam", Map.of()).compile(), 10);
        assertTrue(!Arrays.equals(first.get(0), train(other).get(0)), "a different seed gives different weights");
    }

    private static List<float[]> train(ModelSpec spec) {
        Sequential m = Sequential.build(spec);
        new Trainer(m, spec.compile()).fit(data(40), new FitOptions(3, 8, true, 0.25, 4, null), TrainingListener.NONE);
        return m.weights();
    }

    @Test
    void batchesSplitOverThreadsAreDeterministicAndAgreeWithOneThread() {
        ModelSpec spec = new ModelSpec(null, Arrays.asList(null, 2), List.of(layer("LSTM", "units", 6),
                layer("Dense", "units", 1)), new CompileSpec("adam", Map.of(), "mse", List.of("mae")), 5);
        FitOptions options = new FitOptions(3, 16, true, 0.2, 8, null);
        List<float[]> one = trainWith(spec, options, 1);
        List<float[]> two = trainWith(spec, options, 2);
        List<float[]> twoAgain = trainWith(spec, options, 2);
        for (int i = 0; i < one.size(); i++) {
            assertArrayEquals(two.get(i), twoAgain.get(i));
            for (int j = 0; j < one.get(i).length; j++) {
                // only the order of the gradient sum differs: float32 rounding, amplified a little by Adam
                assertEquals(one.get(i)[j], two.get(i)[j], 1e-4);
            }
        }
    }

    private static List<float[]> trainWith(ModelSpec spec, FitOptions options, int threads) {
        Sequential m = Sequential.build(spec);
        new Trainer(m, spec.compile(), threads).fit(data(64), options, TrainingListener.NONE);
        return m.weights();
    }

    @Test
    void resumingFromACheckpointEndsWithTheSameWeightsBitForBit() {
        assertResumesExactly(new FitOptions(4, 8, true, 0.25, 4,
                new EarlyStopping.Config("val_loss", 0, 10, "auto", true, 0, null)));
    }

    @Test
    void reduceLrOnPlateauAndModelCheckpointResumeWhereTheyWere() {
        // min_delta 1: every epoch after the first is a plateau, so the rate halves from the third epoch on
        FitOptions options = new FitOptions(6, 8, true, 0.25, 4, null, null,
                new ReduceLrOnPlateau.Config("val_loss", 0.5, 1, "auto", 1.0, 0, 0),
                new ModelCheckpoint.Config("val_loss", "auto", null));
        History h = assertResumesExactly(options);
        List<Double> rates = h.get("learning_rate");
        assertEquals(List.of(0.001, 0.001, 0.0005, 0.00025, 0.000125, 0.0000625),
                rates.stream().map(r -> (double) Math.round(r * 1e7) / 1e7).toList());
        List<Double> val = h.get("val_loss");
        int best = val.indexOf(val.stream().min(Double::compare).orElseThrow());
        assertEquals(best, h.bestEpoch());
    }

    @Test
    void reduceLrOnPlateauWaitsPatienceEpochsAndCoolsDown() {
        Optimizer sgd = Optimizer.of("sgd", Map.of("learning_rate", 0.1));
        ReduceLrOnPlateau r = new ReduceLrOnPlateau(new ReduceLrOnPlateau.Config("loss", 0.5, 2, "min", 0, 1, 0.02));
        double[] losses = {1.0, 0.9, 0.95, 0.95, 0.95, 0.95, 0.95, 0.95};
        List<Double> seen = new ArrayList<>();
        for (double loss : losses) {
            Map<String, Double> logs = new java.util.LinkedHashMap<>(Map.of("loss", loss));
            r.onEpochEnd(logs, sgd);
            seen.add((double) Math.round(logs.get("learning_rate") * 1e6) / 1e6);
        }
        // Keras' on_epoch_end, by hand: improvement, improvement, wait 1, wait 2 -> 0.05 and a cooldown of 1; the
        // next epoch ends the cooldown and, no longer in it, waits 1; wait 2 -> 0.025; again; then 0.0125 is below
        // min_lr, so 0.02. Each epoch logs the rate it ran at, before the callback acts.
        assertEquals(List.of(0.1, 0.1, 0.1, 0.1, 0.05, 0.05, 0.025, 0.025), seen);
        assertEquals(0.02, sgd.currentLearningRate(), 1e-7);
    }

    private static History assertResumesExactly(FitOptions options) {
        ModelSpec spec = new ModelSpec(null, Arrays.asList(null, 2), spec("adam", Map.of()).layers(),
                spec("adam", Map.of()).compile(), 3);
        Sequential straight = Sequential.build(spec);
        History full = new Trainer(straight, spec.compile()).fit(data(40), options, TrainingListener.NONE);

        List<Checkpoint> saved = new ArrayList<>();
        Sequential first = Sequential.build(spec);
        TrainingListener stopAfterTwo = new TrainingListener() {
            @Override
            public void onCheckpoint(Checkpoint c) {
                saved.add(c);
            }

            @Override
            public boolean isCancelled() {
                return saved.size() == 2;
            }
        };
        assertThrows(TrainingCancelledException.class,
                () -> new Trainer(first, spec.compile()).fit(data(40), options, stopAfterTwo));
        Sequential resumed = Sequential.build(spec); // a fresh process: new model, new optimizer
        History rest = new Trainer(resumed, spec.compile()).fit(data(40), options, TrainingListener.NONE,
                saved.get(1));
        for (int i = 0; i < straight.weights().size(); i++) {
            assertArrayEquals(straight.weights().get(i), resumed.weights().get(i));
        }
        assertEquals(full.values(), rest.values());
        assertEquals(full.bestEpoch(), rest.bestEpoch());
        return full;
    }

    @Test
    void anEpochIsCheckpointedBeforeItIsAnnounced() {
        ModelSpec spec = spec("adam", Map.of());
        List<String> events = new ArrayList<>();
        TrainingListener recorder = new TrainingListener() {
            @Override
            public void onEpochEnd(int epoch, Map<String, Double> logs) {
                events.add("end " + (epoch + 1));
            }

            @Override
            public void onCheckpoint(Checkpoint c) {
                events.add("checkpoint " + c.epochs());
            }
        };
        new Trainer(Sequential.build(spec), spec.compile()).fit(data(16), new FitOptions(3, 8, false, 0, 1, null),
                recorder);
        // a job system shows an epoch's loss only once the state after it is stored; none after the last epoch
        assertEquals(List.of("checkpoint 1", "end 1", "checkpoint 2", "end 2", "end 3"), events);
    }

    @Test
    void validationIsTheLastFractionAndThePartialBatchIsKept() {
        ModelSpec spec = spec("sgd", Map.of());
        Sequential m = Sequential.build(spec);
        Trainer trainer = new Trainer(m, spec.compile());
        List<Integer> batchesSeen = new ArrayList<>();
        TrainingListener counter = new TrainingListener() {
            @Override
            public void onBatchEnd(int epoch, int batch, int batches, double loss) {
                batchesSeen.add(batches);
            }
        };
        Samples all = data(10);
        History h = trainer.fit(all, new FitOptions(2, 3, true, 0.2, 1, null), counter);
        // 8 training samples in batches of 3: 3, 3 and a kept partial batch of 2
        assertEquals(List.of(3, 3, 3, 3, 3, 3), batchesSeen);
        double lastVal = h.get("val_loss").get(1);
        assertEquals(trainer.evaluate(all.slice(8, 10), 3).get("loss"), lastVal, 1e-12);
        assertEquals(List.of("loss", "mae", "val_loss", "val_mae"), List.copyOf(h.values().keySet()));
    }

    @Test
    void validationDataIsEvaluatedAtEachEpochEnd() {
        ModelSpec spec = spec("adam", Map.of());
        Trainer trainer = new Trainer(Sequential.build(spec), spec.compile());
        Samples train = data(8);
        Samples validation = data(12).slice(8, 12);
        History h = trainer.fit(train, validation, new FitOptions(2, 3, true, 0, 1, null), TrainingListener.NONE,
                null);
        assertEquals(2, h.get("val_loss").size());
        assertEquals(trainer.evaluate(validation, 3).get("loss"), h.get("val_loss").get(1), 1e-12);
        InvalidFitException both = assertThrows(InvalidFitException.class, () -> trainer.fit(train, validation,
                new FitOptions(1, 3, true, 0.2, 1, null), TrainingListener.NONE, null));
        assertEquals("validation_data", both.field());
    }

    @Test
    void earlyStoppingFollowsKerasPatienceAndRestoresBestWeights() {
        EarlyStopping stopper = new EarlyStopping(new EarlyStopping.Config("loss", 0, 2, "auto", true, 0, null));
        List<float[]> weights = new ArrayList<>(List.of(new float[] {0}));
        double[] losses = {1.0, 0.9, 0.95, 0.96, 0.5};
        int stopped = -1;
        for (int epoch = 0; epoch < losses.length; epoch++) {
            weights.set(0, new float[] {epoch});
            if (stopper.onEpochEnd(epoch, Map.of("loss", losses[epoch]), () -> List.of(weights.get(0).clone()))) {
                stopped = epoch;
                break;
            }
        }
        stopper.onTrainEnd(w -> weights.set(0, w.get(0)));
        assertEquals(3, stopped);
        assertEquals(1, stopper.bestEpoch());
        assertEquals(1f, weights.get(0)[0], "the weights of the best epoch are back");
    }

    @Test
    void bestWeightsAreRestoredAtTheEndEvenWithoutAnEarlyStop() {
        // Keras 3 restores in on_train_end whenever a best epoch exists: here the last epoch is worse than the second
        EarlyStopping stopper = new EarlyStopping(new EarlyStopping.Config("loss", 0, 5, "auto", true, 0, null));
        List<float[]> weights = new ArrayList<>(List.of(new float[] {0}));
        double[] losses = {1.0, 0.5, 0.7};
        for (int epoch = 0; epoch < losses.length; epoch++) {
            weights.set(0, new float[] {epoch});
            assertFalse(stopper.onEpochEnd(epoch, Map.of("loss", losses[epoch]),
                    () -> List.of(weights.get(0).clone())));
        }
        stopper.onTrainEnd(w -> weights.set(0, w.get(0)));
        assertEquals(1f, weights.get(0)[0], "the weights of epoch 1, the best, are back");
    }

    @Test
    void earlyStoppingMinDeltaAndMaxMode() {
        EarlyStopping stopper = new EarlyStopping(new EarlyStopping.Config("val_accuracy", 0.05, 0, "auto", false, 0,
                null));
        assertEquals(false, stopper.onEpochEnd(0, Map.of("val_accuracy", 0.5), List::of));
        // +0.04 is not an improvement of more than min_delta: with patience 0 training stops
        assertEquals(true, stopper.onEpochEnd(1, Map.of("val_accuracy", 0.54), List::of));
    }

    @Test
    void earlyStoppingInFitEndsTheHistoryEarly() {
        ModelSpec spec = spec("sgd", Map.of("learning_rate", 1e-9));
        Sequential m = Sequential.build(spec);
        History h = new Trainer(m, spec.compile()).fit(data(20), new FitOptions(50, 4, false, 0.2, 1,
                new EarlyStopping.Config("val_loss", 0.1, 1, "min", false, 0, null)), TrainingListener.NONE);
        assertTrue(h.epochs() < 50, "stopped after " + h.epochs());
        assertEquals(h.epochs() - 1, h.stoppedEpoch());
    }

    @Test
    void unknownMonitorIsRefusedBeforeTraining() {
        ModelSpec spec = spec("sgd", Map.of());
        Trainer t = new Trainer(Sequential.build(spec), spec.compile());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> t.fit(data(10),
                new FitOptions(2, 4, true, 0, 1, EarlyStopping.Config.defaults()), TrainingListener.NONE));
        assertTrue(e.getMessage().contains("val_loss"), e.getMessage());
    }

    @Test
    void cancellationStopsBetweenBatches() {
        ModelSpec spec = spec("adam", Map.of());
        Trainer t = new Trainer(Sequential.build(spec), spec.compile());
        int[] batches = {0};
        TrainingListener cancelAfterThree = new TrainingListener() {
            @Override
            public void onBatchEnd(int epoch, int batch, int n, double loss) {
                batches[0]++;
            }

            @Override
            public boolean isCancelled() {
                return batches[0] >= 3;
            }
        };
        assertThrows(TrainingCancelledException.class,
                () -> t.fit(data(40), new FitOptions(5, 4, true, 0, 1, null), cancelAfterThree));
        assertEquals(3, batches[0]);
    }

    @Test
    void divergingLossNamesEpochAndBatch() {
        ModelSpec spec = spec("sgd", Map.of());
        Trainer t = new Trainer(Sequential.build(spec), spec.compile());
        float[] x = new float[4 * 3 * 2];
        float[] y = {0, 0, 1e30f, 0};
        TrainingDivergedException e = assertThrows(TrainingDivergedException.class, () -> t.fit(
                Samples.of(x, y, 4, 3, 2, 1), new FitOptions(1, 1, false, 0, 1, null), TrainingListener.NONE));
        assertTrue(e.getMessage().contains("at epoch 1, batch 3"), e.getMessage());
    }

    @Test
    void optimizerUpdateRulesFollowKeras() {
        // one weight, gradient 0.5 each step: compare against the formulas written out by hand
        assertEquals(1 - 0.1 * 0.5, stepOnce("sgd", Map.of("learning_rate", 0.1), 1), 1e-7);
        // momentum 0.9, two steps: m1 = -0.05, w1 = 0.95; m2 = 0.9*m1 - 0.05 = -0.095, w2 = 0.855
        assertEquals(0.855, stepOnce("sgd", Map.of("learning_rate", 0.1, "momentum", 0.9), 2), 1e-6);
        // nesterov: w1 = 1 + 0.9*(-0.05) - 0.05 = 0.905
        assertEquals(0.905, stepOnce("sgd", Map.of("learning_rate", 0.1, "momentum", 0.9, "nesterov", true), 1),
                1e-6);
        // RMSprop: v = 0.1*0.25 = 0.025; w = 1 - 0.001*0.5/sqrt(0.025 + 1e-7)
        assertEquals(1 - 0.001 * 0.5 / Math.sqrt(0.025 + 1e-7), stepOnce("rmsprop", Map.of(), 1), 1e-7);
        // Adagrad: acc = 0.1 + 0.25; w = 1 - 0.001*0.5/sqrt(0.35 + 1e-7)
        assertEquals(1 - 0.001 * 0.5 / Math.sqrt(0.35 + 1e-7), stepOnce("adagrad", Map.of(), 1), 1e-7);
        // Adam t=1: alpha = lr*sqrt(1-b2)/(1-b1); m = 0.05, v = 0.00025; w -= alpha*m/(sqrt(v)+1e-7)
        double alpha = 0.001 * Math.sqrt(0.001) / 0.1;
        assertEquals(1 - alpha * 0.05 / (Math.sqrt(0.00025) + 1e-7), stepOnce("adam", Map.of(), 1), 1e-7);
        // clipvalue 0.2 turns the 0.5 gradient into 0.2
        assertEquals(1 - 0.1 * 0.2, stepOnce("sgd", Map.of("learning_rate", 0.1, "clipvalue", 0.2), 1), 1e-7);
        assertEquals(1 - 0.1 * 0.3, stepOnce("sgd", Map.of("learning_rate", 0.1, "clipnorm", 0.3), 1), 1e-7);
        assertEquals(1 - 0.1 * 0.3, stepOnce("sgd", Map.of("learning_rate", 0.1, "global_clipnorm", 0.3), 1), 1e-7);
    }

    private static double stepOnce(String name, Map<String, Object> args, int steps) {
        org.rnnservice.engine.layers.Param p = new org.rnnservice.engine.layers.Param("w", 1);
        p.value()[0] = 1f;
        Optimizer opt = Optimizer.of(name, args);
        for (int s = 0; s < steps; s++) {
            p.grad()[0] = 0.5f;
            opt.step(List.of(p));
        }
        return p.value()[0];
    }

    @Test
    void badOptimizerArgumentsAreNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Optimizer.of("adam", Map.of("learnig_rate", 0.1)));
        assertTrue(e.getMessage().contains("learnig_rate"));
        assertThrows(IllegalArgumentException.class, () -> Optimizer.of("nadam", Map.of()));
    }
}
