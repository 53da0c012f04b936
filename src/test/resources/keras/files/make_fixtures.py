#!/usr/bin/env python3
"""Writes the tf.keras 2 model files that KerasFilesApiTest imports, and the predictions they must give, plus files
that must be refused.

Files written by Keras 3 itself are in ../real (make_real_fixtures.py runs the real Keras library). tf.keras 2
cannot run here, so its files are written with h5py and NumPy following tf.keras 2.15's source:
  keras2_<model>.h5      tf.keras 2.15's legacy HDF5 (model_config with batch_input_shape, weights named
                         lstm/lstm_cell/kernel:0, a Dropout listed with empty weight_names)
  bad_*.{h5,keras}       files that must be refused: weights of the wrong shape, a weight claiming 10^10 values, an
                         HDF5 file that is not a Keras model, an archive member leaving the archive
expected.json holds, for each model, inputs and the outputs of a forward pass computed here in float64 with NumPy,
independently of the engine under test.

Run with Debian's python3-h5py and python3-numpy:  /usr/bin/python3 make_fixtures.py
"""
import io
import json
import os
import zipfile

import h5py
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
RNG = np.random.default_rng(20261202)


def sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def act(name, x):
    return {"linear": lambda v: v, "tanh": np.tanh, "sigmoid": sigmoid,
            "softmax": lambda v: np.exp(v - v.max(-1, keepdims=True)) / np.exp(v - v.max(-1, keepdims=True)).sum(-1, keepdims=True)}[name](x)


# ---- the models: layer specs with their weights (Keras' shapes and gate orders) ----

def w(*shape):
    return RNG.uniform(-0.6, 0.6, size=shape).astype(np.float32)


def simple_rnn(units, inp, return_sequences=False):
    return {"class": "SimpleRNN", "units": units, "return_sequences": return_sequences,
            "weights": [w(inp, units), w(units, units), w(units)]}


def lstm(units, inp, return_sequences=False):
    return {"class": "LSTM", "units": units, "return_sequences": return_sequences,
            "weights": [w(inp, 4 * units), w(units, 4 * units), w(4 * units)]}


def gru(units, inp, reset_after=True, return_sequences=False):
    bias = w(2, 3 * units) if reset_after else w(3 * units)
    return {"class": "GRU", "units": units, "return_sequences": return_sequences, "reset_after": reset_after,
            "weights": [w(inp, 3 * units), w(units, 3 * units), bias]}


def dense(units, inp, activation="linear"):
    return {"class": "Dense", "units": units, "activation": activation, "weights": [w(inp, units), w(units)]}


def embedding(vocab, dim, mask_zero=False):
    return {"class": "Embedding", "input_dim": vocab, "output_dim": dim, "mask_zero": mask_zero,
            "weights": [w(vocab, dim)]}


def bidirectional(layer, merge_mode="concat"):
    backward = dict(layer, weights=[w(*a.shape) for a in layer["weights"]])
    return {"class": "Bidirectional", "layer": layer, "backward": backward, "merge_mode": merge_mode,
            "weights": layer["weights"] + backward["weights"]}


def dropout(rate):
    return {"class": "Dropout", "rate": rate, "weights": []}


MODELS = {
    "simple_rnn": {"input_shape": [None, 2], "layers": [simple_rnn(4, 2), dense(1, 4)],
                   "compile": {"optimizer": ("Adam", {"learning_rate": 0.001}), "loss": "mean_squared_error",
                               "metrics": ["mae"]}},
    "lstm": {"input_shape": [None, 3], "layers": [lstm(5, 3), dense(2, 5, "softmax")],
             "compile": {"optimizer": ("Adam", {"learning_rate": 0.002}), "loss": "categorical_crossentropy",
                         "metrics": ["accuracy"]}},
    "gru": {"input_shape": [None, 2], "layers": [gru(3, 2, reset_after=True), dense(1, 3)],
            "compile": {"optimizer": ("RMSprop", {"learning_rate": 0.001}), "loss": "mean_squared_error",
                        "metrics": []}},
    "gru_v1": {"input_shape": [None, 2], "layers": [gru(3, 2, reset_after=False), dense(1, 3)],
               "compile": {"optimizer": ("SGD", {"learning_rate": 0.01}), "loss": "mean_absolute_error",
                           "metrics": []}},
    "stack": {"input_shape": [None], "layers": [embedding(10, 4), lstm(6, 4, return_sequences=True), dropout(0.2),
                                                gru(3, 6), dense(1, 3, "sigmoid")],
              "compile": {"optimizer": ("Adam", {"learning_rate": 0.001}), "loss": "binary_crossentropy",
                          "metrics": ["accuracy"]}},
    # the text classifier of Keras' tutorials: padded token ids, masked, read both ways
    "text": {"input_shape": [None], "layers": [embedding(12, 4, mask_zero=True), bidirectional(lstm(3, 4)),
                                               dense(1, 6, "sigmoid")],
             "compile": {"optimizer": ("Adam", {"learning_rate": 0.001}), "loss": "binary_crossentropy",
                         "metrics": ["accuracy"]}},
}


# ---- an independent forward pass, float64 ----

def run_recurrent(layer, x, mask=None, backwards=False):
    """Keras' RNN loop: a masked step keeps the previous state and output; backwards reads the steps in reverse."""
    kernel, recurrent, bias = [a.astype(np.float64) for a in layer["weights"]]
    u = layer["units"]
    batch, steps, _ = x.shape
    h = np.zeros((batch, u))
    c = np.zeros((batch, u))
    outs = []
    for t in (reversed(range(steps)) if backwards else range(steps)):
        xt = x[:, t, :]
        h_prev, c_prev = h, c
        if layer["class"] == "SimpleRNN":
            h = np.tanh(xt @ kernel + h @ recurrent + bias)
        elif layer["class"] == "LSTM":
            z = xt @ kernel + h @ recurrent + bias
            i, f, g, o = sigmoid(z[:, :u]), sigmoid(z[:, u:2 * u]), np.tanh(z[:, 2 * u:3 * u]), sigmoid(z[:, 3 * u:])
            c = f * c + i * g
            h = o * np.tanh(c)
        elif layer["reset_after"]:
            xz = xt @ kernel + bias[0]
            hz = h @ recurrent + bias[1]
            z = sigmoid(xz[:, :u] + hz[:, :u])
            r = sigmoid(xz[:, u:2 * u] + hz[:, u:2 * u])
            hh = np.tanh(xz[:, 2 * u:] + r * hz[:, 2 * u:])
            h = z * h + (1 - z) * hh
        else:
            xz = xt @ kernel + bias
            z = sigmoid(xz[:, :u] + h @ recurrent[:, :u])
            r = sigmoid(xz[:, u:2 * u] + h @ recurrent[:, u:2 * u])
            hh = np.tanh(xz[:, 2 * u:] + (r * h) @ recurrent[:, 2 * u:])
            h = z * h + (1 - z) * hh
        if mask is not None:
            keep = mask[:, t:t + 1]
            h = np.where(keep, h, h_prev)
            c = np.where(keep, c, c_prev)
        outs.append(h)
    return np.stack(outs, axis=1) if layer["return_sequences"] else h


def forward(model, x):
    mask = None
    for layer in model["layers"]:
        cls = layer["class"]
        if cls == "Embedding":
            mask = x != 0 if layer["mask_zero"] else None
            x = layer["weights"][0].astype(np.float64)[x]
        elif cls == "Bidirectional":
            assert not layer["layer"]["return_sequences"] and layer["merge_mode"] == "concat"
            x = np.concatenate([run_recurrent(layer["layer"], x, mask),
                                run_recurrent(layer["backward"], x, mask, backwards=True)], axis=-1)
            mask = None
        elif cls == "Dropout":
            pass
        elif cls == "Dense":
            x = act(layer["activation"], x @ layer["weights"][0].astype(np.float64) + layer["weights"][1])
        else:
            x = run_recurrent(layer, x, mask)
            mask = mask if layer["return_sequences"] else None
    return x


# ---- Keras' configs ----

def initializer(cls, keras3, **config):
    config = {"seed": None, **config}
    if keras3:
        return {"module": "keras.initializers", "class_name": cls, "config": config, "registered_name": None}
    return {"class_name": cls, "config": config}


def layer_config(layer, name, keras3, dtype, go_backwards=False):
    cls = layer["class"]
    c = {"name": name, "trainable": True, "dtype": dtype}
    if cls == "Bidirectional":
        inner = layer["layer"]
        base = snake(inner["class"])
        c.update({"merge_mode": layer["merge_mode"],
                  "layer": nested(inner["class"], layer_config(inner, "forward_" + base, keras3, dtype), keras3),
                  "backward_layer": nested(inner["class"], layer_config(inner, "backward_" + base, keras3, dtype,
                                                                        go_backwards=True), keras3)})
    elif cls in ("SimpleRNN", "LSTM", "GRU"):
        c.update({"return_sequences": layer["return_sequences"], "return_state": False, "go_backwards": go_backwards,
                  "stateful": False, "unroll": False})
        if not keras3:
            c["time_major"] = False
        c.update({"units": layer["units"], "activation": "tanh"})
        if cls != "SimpleRNN":
            c["recurrent_activation"] = "sigmoid"
        c.update({"use_bias": True,
                  "kernel_initializer": initializer("GlorotUniform", keras3),
                  "recurrent_initializer": initializer("OrthogonalInitializer" if keras3 else "Orthogonal", keras3,
                                                       gain=1.0),
                  "bias_initializer": initializer("Zeros", keras3)})
        if cls == "LSTM":
            c["unit_forget_bias"] = True
        c.update({"kernel_regularizer": None, "recurrent_regularizer": None, "bias_regularizer": None,
                  "activity_regularizer": None, "kernel_constraint": None, "recurrent_constraint": None,
                  "bias_constraint": None, "dropout": 0.0, "recurrent_dropout": 0.0})
        if cls == "GRU":
            c["reset_after"] = layer["reset_after"]
        if keras3:
            c["seed"] = None
        else:
            c["implementation"] = 2 if cls != "SimpleRNN" else 1
    elif cls == "Dense":
        c.update({"units": layer["units"], "activation": layer["activation"], "use_bias": True,
                  "kernel_initializer": initializer("GlorotUniform", keras3),
                  "bias_initializer": initializer("Zeros", keras3),
                  "kernel_regularizer": None, "bias_regularizer": None, "activity_regularizer": None,
                  "kernel_constraint": None, "bias_constraint": None})
    elif cls == "Embedding":
        c.update({"input_dim": layer["input_dim"], "output_dim": layer["output_dim"],
                  "embeddings_initializer": initializer("RandomUniform", keras3, minval=-0.05, maxval=0.05),
                  "embeddings_regularizer": None, "activity_regularizer": None, "embeddings_constraint": None,
                  "mask_zero": layer["mask_zero"]})
        if not keras3:
            c["input_length"] = None
    elif cls == "Dropout":
        c.update({"rate": layer["rate"], "noise_shape": None, "seed": None})
    return c


def nested(cls, config, keras3):
    if keras3:
        return {"module": "keras.layers", "class_name": cls, "config": config, "registered_name": None}
    return {"class_name": cls, "config": config}


def snake(cls):
    return {"SimpleRNN": "simple_rnn", "LSTM": "lstm", "GRU": "gru", "Dense": "dense", "Embedding": "embedding",
            "Dropout": "dropout", "Bidirectional": "bidirectional"}[cls]


def names(model):
    used = {}
    out = []
    for layer in model["layers"]:
        base = snake(layer["class"])
        used[base] = used.get(base, -1) + 1
        out.append(base if used[base] == 0 else "%s_%d" % (base, used[base]))
    return out


def batch_shape(model):
    return [None] + list(model["input_shape"])


def keras2_config(model):
    layers = [{"class_name": "InputLayer", "config": {"batch_input_shape": batch_shape(model), "dtype": "float32",
                                                      "sparse": False, "ragged": False, "name": "input_1"}}]
    for layer, name in zip(model["layers"], names(model)):
        layers.append({"class_name": layer["class"], "config": layer_config(layer, name, False, "float32")})
    return {"class_name": "Sequential", "config": {"name": "sequential", "layers": layers}}


DTYPE_POLICY = {"module": "keras", "class_name": "DTypePolicy", "config": {"name": "float32"},
                "registered_name": None}


def keras3_config(model, legacy):
    # the legacy format serializes without module/registered_name (Keras' legacy serialization)
    def wrap(cls, config, build_shape):
        if legacy:
            return {"class_name": cls, "config": config}
        entry = {"module": "keras.layers", "class_name": cls, "config": config, "registered_name": None}
        if build_shape is not None:
            entry["build_config"] = {"input_shape": build_shape}
        return entry

    dtype = "float32" if legacy else DTYPE_POLICY
    layers = [wrap("InputLayer", {"batch_shape": batch_shape(model), "dtype": "float32", "sparse": False,
                                  "name": "input_layer"}, None)]
    shape = batch_shape(model)
    for layer, name in zip(model["layers"], names(model)):
        layers.append(wrap(layer["class"], layer_config(layer, name, True, dtype), shape))
        shape = out_shape(layer, shape)
    config = {"name": "sequential", "trainable": True, "dtype": dtype, "layers": layers}
    if legacy:
        return {"class_name": "Sequential", "config": config}
    return {"module": "keras", "class_name": "Sequential", "config": config, "registered_name": None,
            "build_config": {"input_shape": batch_shape(model)}}


def out_shape(layer, shape):
    cls = layer["class"]
    if cls == "Embedding":
        return shape + [layer["output_dim"]]
    if cls in ("SimpleRNN", "LSTM", "GRU"):
        return shape[:2] + [layer["units"]] if layer["return_sequences"] else [shape[0], layer["units"]]
    if cls == "Dense":
        return shape[:-1] + [layer["units"]]
    if cls == "Bidirectional":
        return [shape[0], 2 * layer["layer"]["units"]]
    return shape


def optimizer_config(model, keras3):
    cls, args = model["compile"]["optimizer"]
    config = {"name": cls.lower() if keras3 else cls, **args}
    if cls == "Adam":
        config.update({"beta_1": 0.9, "beta_2": 0.999, "epsilon": 1e-07, "amsgrad": False})
    if keras3:
        config.update({"weight_decay": None, "clipnorm": None, "global_clipnorm": None, "clipvalue": None,
                       "use_ema": False, "ema_momentum": 0.99, "ema_overwrite_frequency": None,
                       "loss_scale_factor": None, "gradient_accumulation_steps": None})
        return {"module": "keras.optimizers", "class_name": cls, "config": config, "registered_name": None}
    # tf.keras 2.15's optimizers serialize as Custom>Adam with jit_compile and is_legacy_optimizer
    config.update({"weight_decay": None, "clipnorm": None, "global_clipnorm": None, "clipvalue": None,
                   "use_ema": False, "ema_momentum": 0.99, "ema_overwrite_frequency": None, "jit_compile": False,
                   "is_legacy_optimizer": False})
    return {"class_name": "Custom>" + cls, "config": config}


def training_config(model, keras3):
    c = model["compile"]
    return {"loss": c["loss"], "metrics": [c["metrics"]] if not keras3 and c["metrics"] else c["metrics"],
            "weighted_metrics": None, "loss_weights": None, "optimizer_config": optimizer_config(model, keras3)}


def compile_config(model):
    c = model["compile"]
    # Keras 3 serializes a loss given by name as a builtins function
    loss = {"module": "builtins", "class_name": "function", "config": c["loss"], "registered_name": "function"}
    return {"optimizer": optimizer_config(model, True), "loss": loss, "loss_weights": None,
            "metrics": c["metrics"], "weighted_metrics": None, "run_eagerly": False, "steps_per_execution": 1,
            "jit_compile": False}


# ---- files ----

def string_list(values):
    return np.array([v.encode("utf8") for v in values]) if values else np.array([])


def write_legacy_h5(path, model, keras3):
    with h5py.File(path, "w") as f:
        f.attrs["keras_version"] = "3.3.3" if keras3 else "2.15.0"
        f.attrs["backend"] = "tensorflow"
        config = keras3_config(model, legacy=True) if keras3 else keras2_config(model)
        f.attrs["model_config"] = json.dumps(config).encode("utf8")
        f.attrs["training_config"] = json.dumps(training_config(model, keras3)).encode("utf8")
        g = f.create_group("model_weights")
        layer_names = names(model)
        g.attrs["layer_names"] = string_list(layer_names)
        g.attrs["backend"] = "tensorflow"
        g.attrs["keras_version"] = f.attrs["keras_version"]
        for layer, name in sorted(zip(model["layers"], layer_names), key=lambda p: p[1]):
            lg = g.create_group(name)
            cls = layer["class"]
            recurrent = ["kernel", "recurrent_kernel", "bias"]
            leaf = {"SimpleRNN": recurrent, "LSTM": recurrent, "GRU": recurrent, "Dense": ["kernel", "bias"],
                    "Embedding": ["embeddings"], "Dropout": [], "Bidirectional": []}[cls]
            cell = "/%s_cell" % snake(cls) if cls in ("SimpleRNN", "LSTM", "GRU") else ""
            weight_names = ["%s%s/%s%s" % (name, cell, n, "" if keras3 else ":0") for n in leaf]
            if cls == "Bidirectional":
                inner = snake(layer["layer"]["class"])
                weight_names = ["%s/%s_%s/%s_cell/%s%s" % (name, direction, inner, inner, n, "" if keras3 else ":0")
                                for direction in ("forward", "backward") for n in recurrent]
            lg.attrs["weight_names"] = string_list(weight_names)
            for n, value in zip(weight_names, layer["weights"]):
                lg.create_dataset(n, data=value)
        if keras3:
            top = g.create_group("top_level_model_weights")
            top.attrs["weight_names"] = string_list([])


def write_keras(path, model):
    buffer = io.BytesIO()
    with h5py.File(buffer, "w") as f:
        layers = f.create_group("layers")
        layers.create_group("input_layer").create_group("vars")
        for layer, name in zip(model["layers"], names(model)):
            lg = layers.create_group(name)
            lg.create_group("vars")
            target = lg["vars"]
            if layer["class"] in ("SimpleRNN", "LSTM", "GRU"):
                target = lg.create_group("cell").create_group("vars")
            if layer["class"] == "Bidirectional":
                for direction, part in (("forward_layer", layer["layer"]), ("backward_layer", layer["backward"])):
                    d = lg.create_group(direction)
                    d.create_group("vars")
                    cell = d.create_group("cell").create_group("vars")
                    for i, value in enumerate(part["weights"]):
                        cell.create_dataset(str(i), data=value)
                continue
            for i, value in enumerate(layer["weights"]):
                target.create_dataset(str(i), data=value)
        f.create_group("vars")
        opt = f.create_group("optimizer").create_group("vars")
        opt.create_dataset("0", data=np.int64(0))
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("metadata.json", json.dumps({"keras_version": "3.3.3", "date_saved": "2026-12-02@05:00:00"}))
        config = keras3_config(model, legacy=False)
        config["compile_config"] = compile_config(model)
        z.writestr("config.json", json.dumps(config))
        z.writestr("model.weights.h5", buffer.getvalue())


def write_bad_files():
    lstm_model = MODELS["lstm"]
    # weights for LSTM(4) in a file whose config says LSTM(5)
    wrong = {"input_shape": [None, 3], "layers": [lstm(4, 3), dense(2, 4, "softmax")],
             "compile": lstm_model["compile"]}
    write_legacy_h5(os.path.join(HERE, "bad_shape.h5"), wrong, keras3=False)
    with h5py.File(os.path.join(HERE, "bad_shape.h5"), "a") as f:
        f.attrs["model_config"] = json.dumps(keras2_config(lstm_model)).encode("utf8")
    # a weight whose header claims 10^10 values: refused before anything is read
    write_legacy_h5(os.path.join(HERE, "bad_huge.h5"), lstm_model, keras3=False)
    with h5py.File(os.path.join(HERE, "bad_huge.h5"), "a") as f:
        del f["model_weights/lstm/lstm/lstm_cell/kernel:0"]
        f.create_dataset("model_weights/lstm/lstm/lstm_cell/kernel:0", shape=(100000, 100000), dtype="f4",
                         chunks=(100, 100))
    # an HDF5 file, but not a Keras model
    with h5py.File(os.path.join(HERE, "bad_not_keras.h5"), "w") as f:
        f.create_dataset("temperature", data=np.arange(10, dtype=np.float32))
    # a member name that would leave the folder it is extracted into
    write_keras(os.path.join(HERE, "bad_traversal.keras"), lstm_model)
    with zipfile.ZipFile(os.path.join(HERE, "bad_traversal.keras"), "a") as z:
        z.writestr("../../evil.sh", "#!/bin/sh\necho pwned\n")


def inputs(model):
    if model["layers"][0].get("mask_zero"):
        # post-padded, pre-padded, unpadded
        return np.array([[3, 7, 1, 0, 0], [0, 0, 2, 9, 11], [4, 2, 7, 7, 9]])
    if model["layers"][0]["class"] == "Embedding":
        return RNG.integers(0, model["layers"][0]["input_dim"], size=(3, 5))
    return RNG.uniform(-1, 1, size=(3, 4, model["input_shape"][1]))


def main():
    expected = {}
    for key, model in MODELS.items():
        write_legacy_h5(os.path.join(HERE, "keras2_%s.h5" % key), model, keras3=False)
        x = inputs(model)
        expected[key] = {"instances": x.tolist(), "predictions": forward(model, x).tolist(),
                         "params": int(sum(a.size for layer in model["layers"] for a in layer["weights"]))}
    with open(os.path.join(HERE, "expected.json"), "w") as f:
        json.dump(expected, f, indent=1)
    write_bad_files()


if __name__ == "__main__":
    main()
