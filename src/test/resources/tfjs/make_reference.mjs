// Reference vectors for masking, go_backwards and Bidirectional from TensorFlow.js' port of Keras (CPU backend).
// Run: npm install && node make_reference.mjs   (writes one <case>.json per case into this folder)
// Models are given in rnn-service's own JSON; this script builds the same layers in TensorFlow.js, sets seeded
// weights, and records outputs, the loss with Keras' reductions and every weight's gradient. See README.md for where
// TensorFlow.js and Keras differ and what this script does about it.
import * as tf from '@tensorflow/tfjs';
import { writeFileSync } from 'node:fs';

await tf.setBackend('cpu');

const B = 4;
const T = 6;
const EPS = 1e-7;

function rng(seed) { // mulberry32: small, seeded, the same on every machine
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6D2B79F5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// token ids: post-padded, pre-padded, padding inside, no padding
const TOKENS = [
  [3, 7, 1, 0, 0, 0],
  [0, 0, 2, 9, 4, 5],
  [6, 0, 8, 3, 0, 1],
  [4, 2, 7, 7, 9, 3],
];

function floats(r, features, zeroSteps) {
  const x = [];
  for (let b = 0; b < B; b++) {
    const row = [];
    for (let t = 0; t < T; t++) {
      const skip = zeroSteps && zeroSteps[b].includes(t);
      row.push(Array.from({ length: features }, () => (skip ? 0 : r() * 2 - 1)));
    }
    x.push(row);
  }
  return x;
}

const ZERO_STEPS = [[3, 4, 5], [0, 1], [2], []];

const rnnDefaults = { recurrentActivation: 'sigmoid' };

function tfLayer(def) {
  switch (def.type) {
    case 'Embedding':
      return tf.layers.embedding({ inputDim: def.input_dim, outputDim: def.output_dim, maskZero: !!def.mask_zero });
    case 'Masking':
      return tf.layers.masking({ maskValue: def.mask_value ?? 0 });
    case 'Dense':
      return tf.layers.dense({ units: def.units, activation: def.activation ?? 'linear' });
    case 'SimpleRNN':
    case 'LSTM':
    case 'GRU': {
      const args = { units: def.units, returnSequences: !!def.return_sequences, goBackwards: !!def.go_backwards };
      if (def.type === 'SimpleRNN') return tf.layers.simpleRNN(args);
      if (def.type === 'LSTM') return tf.layers.lstm({ ...args, ...rnnDefaults });
      if (def.reset_after !== false) throw new Error('TensorFlow.js has GRU with reset_after=false only');
      return tf.layers.gru({ ...args, ...rnnDefaults });
    }
    case 'Bidirectional':
      return tf.layers.bidirectional({ layer: tfLayer(def.layer), mergeMode: def.merge_mode ?? 'concat' });
    default:
      throw new Error('no TensorFlow.js layer for ' + def.type);
  }
}

function returnsSequences(def) {
  if (def.type === 'Bidirectional') return !!def.layer.return_sequences;
  if (['SimpleRNN', 'LSTM', 'GRU'].includes(def.type)) return !!def.return_sequences;
  return true; // Embedding, Masking, Dense keep the time axis of a sequence
}

// Applies the layers one by one, carrying Keras' mask between them.
function run(layers, defs, x) {
  let h = x;
  let mask = null;
  for (let i = 0; i < layers.length; i++) {
    const def = defs[i];
    let next = mask;
    if (def.type === 'Embedding') {
      next = def.mask_zero ? tf.notEqual(h, 0) : null;
      h = layers[i].apply(h);
    } else if (def.type === 'Masking') {
      next = tf.any(tf.notEqual(h, def.mask_value ?? 0), -1);
      h = layers[i].apply(h);
    } else if (def.type === 'Dense') {
      h = layers[i].apply(h);
    } else {
      h = mask == null ? layers[i].apply(h) : layers[i].apply(h, { mask });
      if (def.type === 'Bidirectional' && def.layer.return_sequences && mask != null) {
        // Keras forces zero_output_for_mask on both directions of a Bidirectional returning sequences;
        // TensorFlow.js carries the previous output instead (README.md)
        h = tf.mul(h, tf.expandDims(tf.cast(mask, 'float32'), -1));
      }
      next = returnsSequences(def) ? mask : null;
    }
    mask = next;
  }
  return { out: h, mask };
}

// Keras' losses with the sum_over_batch_size reduction; over a masked sequence output, the mean over kept steps.
function kerasLoss(name, out, y, mask) {
  let perRow;
  if (name === 'mse') {
    perRow = tf.mean(tf.square(tf.sub(out, y)), -1);
  } else if (name === 'binary_crossentropy') {
    const p = tf.clipByValue(out, EPS, 1 - EPS);
    perRow = tf.neg(tf.mean(tf.add(tf.mul(y, tf.log(p)), tf.mul(tf.sub(1, y), tf.log(tf.sub(1, p)))), -1));
  } else if (name === 'sparse_categorical_crossentropy') {
    const p = tf.clipByValue(out, EPS, 1 - EPS);
    const oneHot = tf.oneHot(tf.cast(y, 'int32'), out.shape[out.shape.length - 1]);
    perRow = tf.neg(tf.sum(tf.mul(oneHot, tf.log(p)), -1));
  } else {
    throw new Error('loss ' + name);
  }
  if (mask != null && perRow.rank === 2) {
    const m = tf.cast(mask, 'float32');
    return tf.div(tf.sum(tf.mul(perRow, m)), tf.sum(m));
  }
  return tf.mean(perRow);
}

function targets(r, name, outShape) {
  const rows = outShape.slice(0, -1);
  const width = outShape[outShape.length - 1];
  const make = (dims) => dims.length === 0
      ? (name === 'sparse_categorical_crossentropy' ? Math.floor(r() * width)
          : Array.from({ length: width }, () => (name === 'binary_crossentropy' ? (r() < 0.5 ? 0 : 1) : r() * 2 - 1)))
      : Array.from({ length: dims[0] }, () => make(dims.slice(1)));
  return make(rows);
}

const lstm = (units, extra = {}) => ({ type: 'LSTM', units, ...extra });
const gru = (units, extra = {}) => ({ type: 'GRU', units, reset_after: false, ...extra });
const simple = (units, extra = {}) => ({ type: 'SimpleRNN', units, ...extra });
const bidi = (layer, merge) => ({ type: 'Bidirectional', layer, merge_mode: merge });
const emb = { type: 'Embedding', input_dim: 10, output_dim: 4, mask_zero: true };
const masking = { type: 'Masking', mask_value: 0 };
const dense = (units, activation = 'linear') => ({ type: 'Dense', units, activation });

const CASES = [
  ['bidirectional_lstm_concat_masked', 'Embedding(mask_zero) -> Bidirectional(LSTM(3), concat) -> Dense(1, sigmoid)',
    'tokens', [emb, bidi(lstm(3), 'concat'), dense(1, 'sigmoid')], 'binary_crossentropy'],
  ['bidirectional_gru_sum_masked', 'Embedding(mask_zero) -> Bidirectional(GRU(3), sum) -> Dense(2)',
    'tokens', [emb, bidi(gru(3), 'sum'), dense(2)], 'mse'],
  ['bidirectional_simple_rnn_mul', 'Bidirectional(SimpleRNN(3), mul) -> Dense(1), no mask',
    'floats', [bidi(simple(3), 'mul'), dense(1)], 'mse'],
  ['bidirectional_lstm_ave_sequences_masked',
    'Embedding(mask_zero) -> Bidirectional(LSTM(3, return_sequences), ave) -> Dense(1) per step, loss over kept steps',
    'tokens', [emb, bidi(lstm(3, { return_sequences: true }), 'ave'), dense(1)], 'mse'],
  ['bidirectional_gru_concat_sequences_stacked_masked',
    'Embedding(mask_zero) -> Bidirectional(GRU(2, return_sequences), concat) -> LSTM(3) -> Dense(1)',
    'tokens', [emb, bidi(gru(2, { return_sequences: true }), 'concat'), lstm(3), dense(1)], 'mse'],
  ['bidirectional_lstm_concat_sequences', 'Bidirectional(LSTM(2, return_sequences), concat) -> Dense(1), no mask',
    'floats', [bidi(lstm(2, { return_sequences: true }), 'concat'), dense(1)], 'mse'],
  ['masked_lstm_sequences_softmax',
    'Embedding(mask_zero) -> LSTM(4, return_sequences) -> Dense(3, softmax) per step, sparse CE over kept steps',
    'tokens', [emb, lstm(4, { return_sequences: true }), dense(3, 'softmax')], 'sparse_categorical_crossentropy'],
  ['masking_gru_last', 'Masking(0) -> GRU(4) -> Dense(1)', 'floats-masked', [masking, gru(4), dense(1)], 'mse'],
  ['masking_simple_rnn_stacked', 'Masking(0) -> SimpleRNN(3, return_sequences) -> SimpleRNN(3) -> Dense(1)',
    'floats-masked', [masking, simple(3, { return_sequences: true }), simple(3), dense(1)], 'mse'],
  ['masked_simple_rnn_last', 'Embedding(mask_zero) -> SimpleRNN(4) -> Dense(1, sigmoid)',
    'tokens', [emb, simple(4), dense(1, 'sigmoid')], 'binary_crossentropy'],
  ['lstm_go_backwards_sequences', 'LSTM(3, go_backwards, return_sequences) -> Dense(1) per step, no mask',
    'floats', [lstm(3, { go_backwards: true, return_sequences: true }), dense(1)], 'mse'],
  ['masked_gru_go_backwards_sequences',
    'Embedding(mask_zero) -> GRU(3, go_backwards, return_sequences) -> Dense(1) per step, loss over kept steps',
    'tokens', [emb, gru(3, { go_backwards: true, return_sequences: true }), dense(1)], 'mse'],
  ['masking_lstm_go_backwards_last', 'Masking(0) -> LSTM(3, go_backwards) -> Dense(1)',
    'floats-masked', [masking, lstm(3, { go_backwards: true }), dense(1)], 'mse'],
];

const round = (v) => Array.isArray(v) ? v.map(round) : Number(v.toPrecision(9));

CASES.forEach(([name, description, input, defs, loss], index) => {
  const r = rng(1000 + index);
  const tokens = input === 'tokens';
  const features = 2;
  const xArr = tokens ? TOKENS : floats(r, features, input === 'floats-masked' ? ZERO_STEPS : null);
  const x = tokens ? tf.tensor2d(xArr, [B, T], 'float32') : tf.tensor3d(xArr);
  const layers = defs.map(tfLayer);
  run(layers, defs, x); // builds every layer
  const weights = [];
  for (const layer of layers) {
    const values = layer.getWeights().map((w) => tf.tensor(
        Array.from({ length: w.size }, () => r() - 0.5), w.shape));
    layer.setWeights(values);
    values.forEach((v) => weights.push(v));
  }
  const { out, mask } = run(layers, defs, x);
  const y = targets(r, loss, out.shape);
  const yT = tf.tensor(y);
  const variables = layers.flatMap((l) => l.trainableWeights.map((w) => w.val));
  const { value, grads } = tf.variableGrads(() => kerasLoss(loss, run(layers, defs, x).out, yT, mask), variables);
  const doc = {
    format: 'rnn-tfjs-reference-v1',
    case: name,
    description,
    reference: 'TensorFlow.js ' + tf.version.tfjs + ', CPU backend, float32',
    model: { input_shape: tokens ? [null] : [null, features], layers: defs },
    loss,
    x: xArr,
    y,
    weights: weights.map((w) => round(w.arraySync())),
    output: round(out.arraySync()),
    loss_value: Number(value.dataSync()[0].toPrecision(9)),
    gradients: variables.map((v) => round(grads[v.name].arraySync())),
  };
  writeFileSync(new URL(name + '.json', import.meta.url), JSON.stringify(doc, null, 1) + '\n');
  console.log(name, 'loss', doc.loss_value);
});
