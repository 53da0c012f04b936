#!/usr/bin/env python3
"""Writes Keras model files with the real Keras library, and the predictions Keras itself makes with them.

Every file here is written by Keras 3 (`model.save`), never by hand: KerasRealFilesTest imports each and must predict
what Keras predicted, and KerasExportLayoutTest checks that the service writes the same documents and archive layout
that Keras wrote for the same model. Weights are seeded noise (fresh initialisers leave biases at zero, which would
hide a bias mistake).

    KERAS_TOOLS=/path/to/keras-tools /usr/bin/python3 make_real_fixtures.py

KERAS_TOOLS is a folder with realkeras.py, which runs Keras' own source (release 3.15.1 when these files were made) on
its numpy backend with Debian's python3-numpy and python3-h5py. For each model NAME this writes NAME.keras (Keras 3's
zip) and NAME.h5 (Keras 3's legacy HDF5), and an entry of expected.json: the inputs (a list of batches, one per
sequence length), Keras' predictions for them, Keras' total parameter count, and for models that the service must
refuse, the words its refusal must contain.
"""
import json
import os
import sys

sys.path.insert(0, os.environ["KERAS_TOOLS"])
import realkeras  # noqa: E402,F401  (first: selects Keras' numpy backend)
import keras  # noqa: E402
import numpy as np  # noqa: E402
from keras import layers, regularizers  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
RNG = np.random.default_rng(20261206)


@keras.saving.register_keras_serializable(package="demo")
class AttentionLayer(layers.Layer):
    """A user's own layer, as published models carry them: the service cannot run it and must say so by name."""

    def call(self, x):
        return x * 2.0


def seeded(model):
    """Seeded noise for every weight but a Normalization's statistics, which adapt() sets."""
    for layer in model.layers:
        if not isinstance(layer, layers.Normalization):
            layer.set_weights([RNG.normal(0, 0.3, w.shape).astype("float32") for w in layer.get_weights()])
    model.seeded = True
    return model


def series(lengths, features, pad=False):
    out = []
    for t in lengths:
        x = RNG.normal(0, 1, size=(2, t, features)).astype("float32")
        if pad and t > 2:
            x[1, t - 2:] = 0.0  # trailing padding: masked steps
        out.append(x)
    return out


def tokens(lengths, vocab, pad=True):
    out = []
    for t in lengths:
        x = RNG.integers(1, vocab, size=(2, t)).astype("int32")
        if pad and t > 2:
            x[1, t - 2:] = 0
        out.append(x)
    return out


def sequential(name, *stack):
    return keras.Sequential(list(stack), name=name)



def simple_rnn():
    model = sequential("tutorial", keras.Input((None, 1)), layers.SimpleRNN(10, name="encoder"),
                       layers.Dense(1, name="head"))
    model.compile(optimizer="adam", loss="mean_squared_error")
    return model, series([1, 3, 7], 1), None


def lstm_stack():
    model = sequential("stack", keras.Input((None, 3)), layers.LSTM(8, return_sequences=True), layers.Dropout(0.2),
                       layers.LSTM(5, unit_forget_bias=False), layers.Dense(2, activation="tanh"))
    model.compile(optimizer=keras.optimizers.RMSprop(learning_rate=0.01), loss="mae", metrics=["mae"])
    return model, series([1, 4, 9], 3), None


def gru():
    return sequential("gru_model", keras.Input((None, 3)), layers.GRU(7), layers.Dense(1)), series([1, 5], 3), None


def gru_v1():
    return (sequential("gru_v1", keras.Input((None, 2)),
                       layers.GRU(6, reset_after=False, activation="relu", recurrent_activation="hard_sigmoid",
                                  return_sequences=True),
                       layers.SimpleRNN(4, activation="sigmoid", use_bias=False),
                       layers.Dense(3, activation="softmax")), series([2, 6], 2), None)


def masked_sequences():
    return (sequential("masked", keras.Input((None, 3)), layers.Masking(0.0),
                       layers.GRU(5, return_sequences=True, zero_output_for_mask=True),
                       layers.LSTM(4, return_sequences=True, go_backwards=True),
                       layers.TimeDistributed(layers.Dense(2))), series([1, 3, 6], 3, pad=True), None)


def masked_last_zeroed():
    """zero_output_for_mask on a layer returning its last output: zeros for a sample whose last step is masked."""
    return (sequential("masked_last", keras.Input((None, 2)), layers.Masking(0.0),
                       layers.LSTM(3, zero_output_for_mask=True), layers.Dense(1)),
            series([4, 6], 2, pad=True), None)


def text():
    model = sequential("sentiment", keras.Input((None,), dtype="int32"), layers.Embedding(30, 6, mask_zero=True),
                       layers.Bidirectional(layers.LSTM(4)), layers.Dense(1, activation="sigmoid"))
    model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
    return model, tokens([3, 8], 30), None


def bidirectional_merges():
    return (sequential("merges", keras.Input((None, 3)),
                       layers.Bidirectional(layers.SimpleRNN(4, return_sequences=True), merge_mode="mul"),
                       layers.Bidirectional(layers.GRU(3, return_sequences=True), merge_mode="ave"),
                       layers.Bidirectional(layers.LSTM(3), merge_mode="sum"),
                       layers.Dense(1)), series([1, 5], 3), None)


def regularized():
    model = sequential("regularized", keras.Input((None, 2)),
                       layers.LSTM(6, kernel_regularizer=regularizers.L2(0.01),
                                   recurrent_regularizer=regularizers.L1(0.001),
                                   bias_regularizer=regularizers.L1L2(l1=0.001, l2=0.002),
                                   activity_regularizer=regularizers.L2(1e-4), return_sequences=True),
                       layers.GRU(4, kernel_regularizer="l1"),
                       layers.Dense(1, kernel_regularizer="l2", bias_regularizer="l1"))
    model.compile(optimizer="adam", loss="mse")
    return model, series([2, 5], 2), None


def functional_chain():
    inputs = keras.Input((None, 3), name="series")
    hidden = layers.LSTM(6, name="encoder", return_sequences=True)(inputs)
    hidden = layers.GRU(4, name="decoder")(hidden)
    return (keras.Model(inputs, layers.Dense(1, name="forecast")(hidden), name="forecaster"),
            series([1, 6], 3), None)


def fixed_length():
    return (sequential("fixed", keras.Input((12, 3)), layers.LSTM(4), layers.Dense(1)),
            series([12, 5, 20], 3), None)


def fixed_length_text():
    return (sequential("fixed_text", keras.Input((20,), dtype="int32"), layers.Embedding(50, 4), layers.GRU(3),
                       layers.Dense(2, activation="softmax")), tokens([20, 7], 50, pad=False), None)


def custom_layer():
    inputs = keras.Input((None, 3))
    hidden = layers.LSTM(4, return_sequences=True)(inputs)
    return (keras.Model(inputs, layers.Dense(1)(AttentionLayer(name="attention")(hidden))),
            series([2], 3), "'AttentionLayer' is a custom layer")


def functional_branches():
    inputs = keras.Input((None, 3), name="inputs")
    a = layers.LSTM(4, name="left")(inputs)
    b = layers.GRU(4, name="right")(inputs)
    return (keras.Model(inputs, layers.Dense(1)(layers.Add(name="merge")([a, b]))),
            series([2], 3), "layer 'inputs' feeds 2 layers ('left', 'right')")


def normalized():
    """Inputs scaled by an adapted Normalization, outputs mapped back by an inverting one: a forecaster's model."""
    scaler = layers.Normalization(name="scaler")
    unscaler = layers.Normalization(invert=True, name="unscaler")
    model = seeded(sequential("forecaster", keras.Input((None, 3)), scaler, layers.LSTM(5), layers.Dense(2),
                              unscaler))
    scaler.adapt(RNG.normal(50, 20, size=(64, 7, 3)).astype("float32"))
    unscaler.adapt(RNG.normal(-300, 90, size=(64, 2)).astype("float32"))
    model.compile(optimizer="adam", loss="mse")
    return model, [b * 20 + 50 for b in series([1, 6], 3)], None


def normalized_given():
    """Statistics given as arguments (no weights), one per feature and one for every value."""
    return (seeded(sequential("given_stats", keras.Input((None, 2)),
                              layers.Normalization(mean=[10.0, -4.0], variance=[4.0, 0.25]), layers.GRU(3),
                              layers.Dense(1), layers.Normalization(axis=None, mean=100.0, variance=9.0,
                                                                     invert=True))),
            series([1, 4], 2), None)


def multi_step():
    """A forecaster of 3 steps of 2 targets at once: a Dense of 6 values given the shape (3, 2) by Reshape."""
    return (sequential("multi_step", keras.Input((12, 2)), layers.LSTM(6), layers.Dense(6), layers.Reshape((3, 2))),
            series([12], 2), None)


MODELS = [simple_rnn, lstm_stack, gru, gru_v1, masked_sequences, masked_last_zeroed, text, bidirectional_merges,
          regularized, functional_chain, fixed_length, fixed_length_text, custom_layer, functional_branches, normalized,
          normalized_given, multi_step]


def normalization_reference():
    """Keras' own Normalization on fixed data: adapt (per feature and over all values), forward and invert."""
    data = RNG.normal(120, 35, size=(40, 9, 3)).astype("float32")
    x = RNG.normal(110, 30, size=(2, 4, 3)).astype("float32")
    out = {"adapt_data": data.tolist(), "x": x.tolist()}
    for axis_name, axis in (("last", -1), ("none", None)):
        forward = layers.Normalization(axis=axis)
        forward.adapt(data)
        inverse = layers.Normalization(axis=axis, invert=True)
        inverse.adapt(data)
        out[axis_name] = {"mean": np.asarray(forward.adapt_mean).tolist(),
                          "variance": np.asarray(forward.adapt_variance).tolist(),
                          "forward": np.asarray(forward(x)).tolist(), "invert": np.asarray(inverse(x)).tolist()}
    return out


def main():
    expected = {}
    for build in MODELS:
        keras.backend.clear_session()  # default layer names numbered from zero in each model, as in a fresh session
        name = build.__name__
        model, batches, refusal = build()
        if not getattr(model, "seeded", False):
            seeded(model)
        model.save(os.path.join(HERE, name + ".keras"))  # .keras first: see the tool's README
        model.save(os.path.join(HERE, name + ".h5"))
        entry = {"params": int(model.count_params()), "compiled": bool(model.compiled)}
        if refusal:
            entry["refused"] = refusal
        else:
            entry["x"] = [b.tolist() for b in batches]
            entry["y"] = [model.predict(b, verbose=0).tolist() for b in batches]
        if model.losses:
            # the loss Keras trains on: the mean squared error of a batch plus every regularizer's penalty, which
            # Keras itself lists in model.losses after a call (its numpy backend cannot run compute_loss)
            x = batches[-1]
            y_true = RNG.normal(0, 1, size=(x.shape[0], 1)).astype("float32")
            y_pred = np.asarray(model(x, training=False))
            data = float(keras.losses.MeanSquaredError()(y_true, y_pred))
            penalties = float(sum(float(v) for v in model.losses))
            entry["loss"] = {"x": x.tolist(), "y": y_true.tolist(), "data_loss": data, "penalties": penalties,
                             "total": data + penalties}
        expected[name] = entry
    with open(os.path.join(HERE, "expected.json"), "w") as f:
        json.dump({"keras_version": keras.__version__, "models": expected}, f, indent=1)
    with open(os.path.join(HERE, "normalization.json"), "w") as f:
        json.dump({"keras_version": keras.__version__, **normalization_reference()}, f)
        f.write("\n")


if __name__ == "__main__":
    main()
