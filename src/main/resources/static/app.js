// The page talks to the service only through its public API, like any client: /api/v1/... on this origin.
const API = new URL("api/v1/", document.baseURI).href;
const KEY_STORE = "rnn-service.api-key";
const FINAL = new Set(["SUCCEEDED", "FAILED", "CANCELLED"]);
const $ = (selector) => document.querySelector(selector);

// ---- talking to the API

function headers(extra = {}) {
  const key = sessionStorage.getItem(KEY_STORE);
  return key ? { ...extra, Authorization: `Bearer ${key}` } : extra;
}

/** A request to the API; problem+json answers become errors whose message is the problem's detail. */
async function api(path, options = {}) {
  const response = await fetch(API + path, { ...options, headers: headers(options.headers) });
  if (response.status === 401) {
    $("#key-form").hidden = false;
    throw new Error("the service needs an API key: enter it above");
  }
  const type = response.headers.get("Content-Type") || "";
  const body = type.includes("json") ? await response.json() : await response.text();
  if (!response.ok) {
    const detail = body && body.detail ? body.detail : `${response.status} ${response.statusText}`;
    const fields = body && body.errors ? " (" + body.errors.map((e) => e.field).join(", ") + ")" : "";
    throw new Error(detail + fields);
  }
  return body;
}

function say(message) {
  $("#status").textContent = message;
}

/** Runs an action, reporting its failure in the status line instead of losing it. */
async function attempt(action) {
  try {
    say("");
    await action();
  } catch (e) {
    say(e.message);
  }
}

/**
 * Server-Sent Events over fetch, so the API key can travel in a header (EventSource cannot send one). Calls
 * onEvent(name, data) for each event until the stream ends or the returned controller is aborted.
 */
function subscribe(path, onEvent) {
  const controller = new AbortController();
  (async () => {
    const response = await fetch(API + path, { headers: headers({ Accept: "text/event-stream" }),
      signal: controller.signal });
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = "";
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += value;
      let end;
      while ((end = buffer.search(/\r?\n\r?\n/)) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end).replace(/^\r?\n\r?\n/, "");
        let name = "message";
        const data = [];
        for (const line of block.split(/\r?\n/)) {
          if (line.startsWith("event:")) name = line.slice(6).trim();
          else if (line.startsWith("data:")) data.push(line.slice(5).replace(/^ /, ""));
        }
        if (data.length) onEvent(name, JSON.parse(data.join("\n")));
      }
    }
  })().catch((e) => { if (e.name !== "AbortError") say(`event stream: ${e.message}`); });
  return controller;
}

// ---- small DOM helpers

function cell(text, className) {
  const td = document.createElement("td");
  td.textContent = text;
  if (className) td.className = className;
  return td;
}

function button(label, onClick) {
  const b = document.createElement("button");
  b.type = "button";
  b.textContent = label;
  b.addEventListener("click", () => attempt(onClick));
  return b;
}

function short(id) {
  return id.slice(0, 8);
}

function lastLoss(job) {
  const losses = (job.history || {}).loss || [];
  return losses.length ? formatNumber(losses[losses.length - 1]) : "";
}

/** A table of per-epoch values (the chart's numbers, readable without the chart): one row per epoch. */
function fillTable(table, columns, rows) {
  const head = document.createElement("tr");
  head.append(...["epoch", ...columns].map((c) => {
    const th = document.createElement("th");
    th.scope = "col";
    th.textContent = c;
    th.className = c === "epoch" ? "" : "num"; // numbers and their headers align right
    return th;
  }));
  table.tHead.replaceChildren(head);
  table.tBodies[0].replaceChildren(...rows.map((values, i) => {
    const tr = document.createElement("tr");
    tr.append(cell(String(i + 1), "num"), ...values.map((v) => cell(formatNumber(v), "num")));
    return tr;
  }));
}

// ---- charts (uPlot; each series also has a dash pattern, so curves differ without colour)

const DASHES = [[], [8, 4], [2, 3], [12, 4, 2, 4], [4, 4]];
const COLOURS = ["#1a5fb4", "#c01c28", "#26a269", "#a347ba", "#986a44"];

/** Whether charts draw their values on a log scale (the toggle above the charts). */
let logScale = false;

/** One number format everywhere: four significant digits, exponents only for very small or large values. */
function formatNumber(v) {
  if (v == null || Number.isNaN(v)) return "";
  const a = Math.abs(v);
  return a !== 0 && (a < 1e-3 || a >= 1e5) ? v.toExponential(3) : Number(v.toPrecision(4)).toString();
}

/**
 * A chart of series per epoch: losses on the left axis, other metrics (mae, accuracy, ...) on their own axis on the
 * right, so a loss far below a metric is not flattened to zero; a log scale when the toggle says so.
 */
function drawChart(container, title, names, columns) {
  container.replaceChildren();
  container.dataset.scale = logScale ? "log" : "linear";
  const epochs = Math.max(0, ...columns.map((c) => c.length));
  const x = Array.from({ length: epochs }, (_, i) => i + 1);
  const data = [x, ...columns.map((c) => x.map((_, i) => (i < c.length ? c[i] : null)))];
  const isLoss = (name) => /loss/.test(name);
  const series = [{ label: "epoch" }, ...names.map((name, i) => ({
    label: name, stroke: COLOURS[i % COLOURS.length], dash: DASHES[i % DASHES.length], width: 2,
    points: { show: true }, scale: isLoss(name) ? "loss" : "metric", value: (u, v) => formatNumber(v),
  }))];
  const width = Math.min(container.clientWidth || 800, 900);
  const epochAxis = { label: "epoch", incrs: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000],
    values: (u, ticks) => ticks.map(String) };
  const y = logScale ? { distr: 3 } : {};
  const axes = [epochAxis, { label: "loss", scale: "loss", values: (u, ticks) => ticks.map(formatNumber) }];
  if (names.some((n) => !isLoss(n))) {
    axes.push({ label: "metrics", scale: "metric", side: 1, grid: { show: false },
      values: (u, ticks) => ticks.map(formatNumber) });
  }
  return new uPlot({ title, width, height: 300, series,
    scales: { x: { time: false }, loss: { ...y }, metric: { ...y } }, axes }, data, container);
}

// ---- jobs

let jobs = [];
let watching = null; // { id, stream }
const ticked = new Set(); // jobs ticked for comparison, kept across refreshes of the list

async function loadJobs() {
  jobs = (await api("jobs?size=200")).items;
  const body = $("#jobs-table").tBodies[0];
  body.replaceChildren(...jobs.map((job) => {
    const tr = document.createElement("tr");
    tr.dataset.job = job.id;
    const tick = document.createElement("input");
    tick.type = "checkbox";
    tick.className = "compare";
    tick.value = job.id;
    tick.checked = ticked.has(job.id);
    tick.addEventListener("change", () => (tick.checked ? ticked.add(job.id) : ticked.delete(job.id)));
    tick.setAttribute("aria-label", `compare job ${short(job.id)}`);
    const tickCell = document.createElement("td");
    tickCell.append(tick);
    const progress = document.createElement("progress");
    progress.max = 1;
    progress.value = job.progress ? job.progress.fraction : 0;
    const progressCell = document.createElement("td");
    progressCell.append(progress, ` ${job.progress ? job.progress.epoch : 0}/${job.epochs} epochs`);
    const actions = document.createElement("td");
    actions.append(button("Watch", () => watchJob(job.id)));
    if (!FINAL.has(job.state)) {
      actions.append(button("Cancel", async () => {
        await api(`jobs/${job.id}/cancel`, { method: "POST" });
        await loadJobs();
      }));
    }
    tr.append(tickCell, cell(short(job.id)), cell(modelName(job.model_id)), cell(job.state, `state state-${job.state}`),
      progressCell, cell(lastLoss(job), "num"), actions);
    return tr;
  }));
}

function historyColumns(history) {
  const keys = Object.keys(history || {});
  return { names: keys, columns: keys.map((k) => history[k]) };
}

let shownJob = null;
const datasetNames = new Map(); // id -> name, where a dataset has one

function showJob(job) {
  shownJob = job;
  $("#job-h").textContent = `Job ${short(job.id)}`;
  $("#job-summary").textContent = `${job.state}: model ${modelName(job.model_id)}, dataset `
    + `${datasetNames.get(job.dataset_id) || short(job.dataset_id)}, `
    + `${job.epochs} epochs, batch ${job.batch_size}`
    + (job.model_version != null ? `, made model version ${job.model_version}` : "")
    + (job.error ? `. ${job.error}` : "");
  $("#job-summary").dataset.state = job.state;
  $("#job-summary").dataset.job = job.id;
  if (FINAL.has(job.state)) {
    $("#job-batch").value = job.state === "SUCCEEDED" ? 1 : $("#job-batch").value;
    $("#job-batch-text").textContent = job.state.toLowerCase();
  }
  const { names, columns } = historyColumns(job.history);
  drawChart($("#job-chart"), "loss per epoch", names, columns);
  const epochs = Math.max(0, ...columns.map((c) => c.length));
  fillTable($("#job-history"), names, Array.from({ length: epochs }, (_, i) => columns.map((c) => c[i])));
  showForecast(job);
}

/**
 * For a finished job on a series: the validation range's truth against the model's forecast and the naive ones
 * (a chart over the series' rows), and their errors side by side.
 */
async function showForecast(job) {
  const section = $("#job-forecast");
  if (job.state !== "SUCCEEDED" || !job.baseline) {
    section.hidden = true;
    return;
  }
  const plot = await api(`jobs/${job.id}/validation-forecast`);
  if (shownJob !== job) return; // another job was shown meanwhile
  section.hidden = false;
  const naive = Object.keys(job.baseline);
  const names = [`${plot.target} (truth)`, "model", ...naive];
  const data = [plot.rows, plot.truth, plot.forecast, ...naive.map((n) => plot[n])];
  const container = $("#forecast-chart");
  container.replaceChildren();
  const series = [{ label: "row" }, ...names.map((name, i) => ({
    label: name, stroke: COLOURS[i % COLOURS.length], dash: DASHES[i % DASHES.length], width: i < 2 ? 2 : 1,
    value: (u, v) => formatNumber(v),
  }))];
  new uPlot({ title: "validation range: forecast against truth", width: Math.min(container.clientWidth || 800, 900),
    height: 300, series, scales: { x: { time: false } },
    axes: [{ label: "row of the series" }, { label: plot.target, values: (u, ticks) => ticks.map(formatNumber) }] },
  data, container);
  const last = (key) => (job.history[key] || []).slice(-1)[0];
  const rows = [["model", last("val_mae"), last("val_rmse")],
    ...naive.map((n) => [n, job.baseline[n].val_mae, job.baseline[n].val_rmse])];
  $("#forecast-errors").tBodies[0].replaceChildren(...rows.map(([name, mae, rmse]) => {
    const tr = document.createElement("tr");
    tr.dataset.forecast = name;
    tr.append(cell(name), cell(formatNumber(mae), "num"), cell(formatNumber(rmse), "num"));
    return tr;
  }));
}

async function watchJob(id) {
  if (watching) watching.stream.abort();
  $("#job").hidden = false;
  let job = await api(`jobs/${id}`);
  showJob(job);
  const stream = subscribe(`jobs/${id}/events`, (name, data) => {
    if (name === "state") {
      job = data;
      showJob(job);
      loadJobs().catch((e) => say(e.message));
    } else if (name === "epoch") {
      const history = { ...job.history };
      for (const [k, v] of Object.entries(data.logs)) history[k] = [...(history[k] || []), v];
      job = { ...job, history };
      showJob(job);
    } else if (name === "progress") {
      $("#job-batch").value = data.batches ? data.batch / data.batches : 0;
      $("#job-batch-text").textContent = `epoch ${data.epoch}/${data.epochs}, batch ${data.batch}/${data.batches}`;
    }
  });
  watching = { id, stream };
  history.replaceState(null, "", `#/jobs/${id}`);
  $("#job").scrollIntoView();
}

/** Compares the ticked jobs, or {@code given} ids named by {@code labels} (a search's trials). */
async function compareJobs(given, labels) {
  const ids = Array.isArray(given) ? given : jobs.map((j) => j.id).filter((id) => ticked.has(id));
  if (ids.length < 1) throw new Error("tick one or more jobs to compare");
  comparedIds = ids;
  comparedLabels = labels;
  const picked = await Promise.all(ids.map((id) => api(`jobs/${id}`)));
  const names = labels || picked.map((j) => `${modelName(j.model_id)}, job ${short(j.id)}`);
  const columns = picked.map((j) => (j.history || {}).loss || []);
  $("#compare").hidden = false;
  drawChart($("#compare-chart"), "loss per epoch", names, columns);
  const epochs = Math.max(0, ...columns.map((c) => c.length));
  fillTable($("#compare-table"), names, Array.from({ length: epochs }, (_, i) => columns.map((c) => c[i])));
  fillRunTable($("#compare-params"), names, picked);
  $("#compare").scrollIntoView();
}

let comparedIds = [];
let comparedLabels;

/** The runs side by side as MLflow compares them: only the params that differ, then final and best metrics. */
function fillRunTable(table, names, runs) {
  const keys = [...new Set(runs.flatMap((r) => Object.keys(r.params || {})))].sort();
  const differing = keys.filter((k) => new Set(runs.map((r) => (r.params || {})[k])).size > 1);
  const metrics = [...new Set(runs.flatMap((r) => Object.keys(r.metrics || {})))].sort();
  const rows = [
    ...differing.map((k) => [`params.${k}`, runs.map((r) => (r.params || {})[k] ?? ""), ""]),
    ...metrics.map((k) => [`metrics.${k}`, runs.map((r) => formatNumber((r.metrics || {})[k])), "num"]),
    ...metrics.map((k) => [`best ${k}`, runs.map((r) => formatNumber((r.best_metrics || {})[k])), "num"]),
  ];
  const head = document.createElement("tr");
  head.append(...["", ...names].map((c) => {
    const th = document.createElement("th");
    th.scope = "col";
    th.textContent = c;
    return th;
  }));
  table.tHead.replaceChildren(head);
  table.tBodies[0].replaceChildren(...rows.map(([key, values, kind]) => {
    const tr = document.createElement("tr");
    const th = document.createElement("th");
    th.scope = "row";
    th.textContent = key;
    tr.append(th, ...values.map((v) => cell(v, kind)));
    return tr;
  }));
}

// ---- searches

let shownSearch = null;

function hyperparameterText(values) {
  return Object.entries(values || {}).filter(([k]) => !k.startsWith("tuner/")).map(([k, v]) => `${k}=${v}`)
    .join(", ");
}

async function loadSearches() {
  const searches = (await api("tuning-jobs?size=50")).items;
  $("#searches-table").tBodies[0].replaceChildren(...searches.map((s) => {
    const tr = document.createElement("tr");
    tr.dataset.search = s.id;
    const done = s.trials.filter((t) => t.state !== "RUNNING").length;
    const actions = document.createElement("td");
    actions.append(button("Show", () => showSearch(s.id)));
    if (!FINAL.has(s.state)) {
      actions.append(button("Cancel", async () => {
        await api(`tuning-jobs/${s.id}/cancel`, { method: "POST" });
        await loadSearches();
      }));
    }
    tr.append(cell(short(s.id)), cell(s.tuner), cell(s.state, `state state-${s.state}`),
      cell(`${done} of ${s.planned_trials} done`), cell(`${s.objective.name} (${s.objective.direction})`),
      cell(formatNumber(s.best_score), "num"), cell(hyperparameterText(s.best_hyperparameters)), actions);
    return tr;
  }));
}

async function showSearch(id) {
  const s = await api(`tuning-jobs/${id}`);
  shownSearch = s;
  $("#search").hidden = false;
  $("#search-h").textContent = `Search ${short(s.id)}`;
  $("#search-summary").textContent = `${s.state}: ${s.tuner} on ${s.objective.name} (${s.objective.direction}), `
    + `${s.trials.length} trials, ${s.epochs_trained} epochs trained`
    + (s.best_trial_id != null ? `; best trial ${s.best_trial_id}: ${hyperparameterText(s.best_hyperparameters)}, `
      + `model ${modelName(s.best_model_id)} v${s.best_model_version}` : "")
    + (s.error ? `. ${s.error}` : "");
  $("#search-summary").dataset.state = s.state;
  const names = [...new Set(s.trials.flatMap((t) => Object.keys(t.hyperparameters)))];
  const head = document.createElement("tr");
  head.append(...["Trial", ...names, "State", "Score", "Job"].map((c) => {
    const th = document.createElement("th");
    th.scope = "col";
    th.textContent = c;
    return th;
  }));
  $("#trials-table").tHead.replaceChildren(head);
  $("#trials-table").tBodies[0].replaceChildren(...s.trials.map((t) => {
    const tr = document.createElement("tr");
    tr.dataset.trial = t.trial_id;
    const best = t.trial_id === s.best_trial_id;
    if (best) tr.classList.add("best");
    const job = document.createElement("td");
    if (t.job_id) job.append(button(`Watch ${short(t.job_id)}`, () => watchJob(t.job_id)));
    tr.append(cell(best ? `${t.trial_id} (best)` : t.trial_id),
      ...names.map((n) => cell(t.hyperparameters[n] ?? "")), cell(t.state, `state state-${t.state}`),
      cell(formatNumber(t.score), "num"), job);
    return tr;
  }));
  history.replaceState(null, "", `#/tuning-jobs/${id}`);
  $("#search").scrollIntoView();
}

// ---- models

async function loadModels() {
  const page = await api("models?size=200");
  page.items.forEach((m) => modelNames.set(m.id, m.name));
  $("#models-table").tBodies[0].replaceChildren(...page.items.map((m) => {
    const tr = document.createElement("tr");
    tr.dataset.model = m.id;
    const actions = document.createElement("td");
    actions.append(button("Summary and predict", () => showModel(m.id)));
    tr.append(cell(m.name), cell(short(m.id)), cell(String(m.version), "num"),
      cell(String(m.summary.total_params), "num"), actions);
    return tr;
  }));
  const select = $("#nj-model");
  const chosen = select.value;
  select.replaceChildren(...page.items.map((m) => new Option(`${m.name} (${short(m.id)})`, m.id)));
  if (chosen) select.value = chosen;
}

let shownModel = null;
const modelNames = new Map(); // id -> name, for jobs and legends

function modelName(id) {
  return modelNames.get(id) || short(id);
}

async function showModel(id) {
  const model = await api(`models/${id}`);
  const summary = await api(`models/${id}/summary`, { headers: { Accept: "text/plain" } });
  shownModel = id;
  history.replaceState(null, "", `#/models/${id}`);
  $("#model").hidden = false;
  $("#model-h").textContent = `Model ${model.name} (${short(model.id)})`;
  $("#model-summary").textContent = summary;
  const aliases = Object.entries(model.aliases || {});
  const named = (version) => aliases.filter(([, v]) => v === version).map(([alias]) => alias);
  $("#model-versions").textContent = "Versions: " + model.versions.map((v) => `v${v.version}`
    + (named(v.version).length ? ` (${named(v.version).join(", ")})` : "")
    + (v.job_id ? ` by job ${short(v.job_id)}` : "")).join(", ") + `; current v${model.version}.`;
  $("#predict-result").textContent = "";
  $("#model").scrollIntoView();
}

/** Saves the shown model as a file: fetched with the API key like any request, then handed to the browser. */
async function download(format) {
  const response = await fetch(API + `models/${shownModel}/export?format=${format}`, { headers: headers() });
  if (!response.ok) {
    const body = await response.json().catch(() => ({}));
    throw new Error(body.detail || `${response.status} ${response.statusText}`);
  }
  const name = /filename="?([^";]+)"?/.exec(response.headers.get("Content-Disposition") || "");
  const link = document.createElement("a");
  link.href = URL.createObjectURL(await response.blob());
  link.download = name ? name[1] : `model.${format}`;
  link.click();
  setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
}

async function predict(event) {
  event.preventDefault();
  let instances;
  try {
    instances = JSON.parse($("#predict-instances").value);
  } catch (e) {
    throw new Error(`the instances are not JSON: ${e.message}`);
  }
  const result = await api(`models/${shownModel}/predict`, { method: "POST",
    headers: { "Content-Type": "application/json" }, body: JSON.stringify({ instances }) });
  $("#predict-result").textContent = JSON.stringify(result, null, 1);
}

// ---- new model: a form of Keras layers writes our JSON definition

function addLayer(type = "SimpleRNN", units = 10) {
  const row = $("#layer-row").content.firstElementChild.cloneNode(true);
  row.querySelector(".l-type").value = type;
  row.querySelector(".l-units").value = units;
  row.querySelector(".l-remove").addEventListener("click", () => row.remove());
  $("#layer-rows").append(row);
}

function writeDefinition(event) {
  event.preventDefault();
  const layers = [...document.querySelectorAll("#layer-rows .layer-row")].map((row) => {
    const type = row.querySelector(".l-type").value;
    if (type === "Dropout") return { type, rate: Number(row.querySelector(".l-rate").value) };
    const layer = { type, units: Number(row.querySelector(".l-units").value) };
    const activation = row.querySelector(".l-activation").value.trim();
    if (activation) layer.activation = activation;
    if (type !== "Dense" && row.querySelector(".l-return").checked) layer.return_sequences = true;
    return layer;
  });
  const definition = { input_shape: JSON.parse($("#nm-input-shape").value), layers,
    compile: { optimizer: $("#nm-optimizer").value, loss: $("#nm-loss").value } };
  const name = $("#nm-name").value.trim();
  if (name) definition.name = name;
  $("#model-json").value = JSON.stringify(definition, null, 2);
}

async function createModel(event) {
  event.preventDefault();
  let body;
  try {
    body = JSON.parse($("#model-json").value);
  } catch (e) {
    throw new Error(`the definition is not JSON: ${e.message}`);
  }
  const model = await api("models", { method: "POST", headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body) });
  await loadModels();
  $("#nj-model").value = model.id;
  await showModel(model.id);
  say(`model ${model.name} created`);
}

// ---- datasets

async function loadDatasets() {
  const all = (await api("datasets?size=200")).items;
  all.forEach((d) => d.name && datasetNames.set(d.id, d.name));
  $("#datasets-table").tBodies[0].replaceChildren(...all.map((d) => {
    const tr = document.createElement("tr");
    tr.dataset.dataset = d.id;
    tr.append(cell(d.name || ""), cell(short(d.id)), cell(d.kind), cell(JSON.stringify(d.x_shape)),
      cell(JSON.stringify(d.y_shape)));
    return tr;
  }));
  const select = $("#nj-dataset");
  const chosen = select.value;
  select.replaceChildren(...all.map((d) => new Option(`${d.name || d.kind} ${JSON.stringify(d.x_shape)}`, d.id)));
  if (chosen) select.value = chosen;
}

function mediaType(file) {
  if (/\.json$/i.test(file.name) || file.type === "application/json") return "application/json";
  if (/\.csv$/i.test(file.name) || file.type === "text/csv") return "text/csv";
  return "text/plain";
}

async function uploadDataset(event) {
  event.preventDefault();
  const file = $("#dataset-file").files[0];
  if (!file) throw new Error("choose a file first");
  const type = mediaType(file);
  const params = new URLSearchParams();
  const set = (name, selector) => { const v = $(selector).value.trim(); if (v) params.set(name, v); };
  if (type !== "application/json") {
    set("seq_len", "#ds-seq-len");
    set("name", "#ds-name");
  }
  if (type === "text/plain") set("step", "#ds-step");
  if (type === "text/csv") {
    set("target", "#ds-target");
    set("features", "#ds-features");
    set("horizon", "#ds-horizon");
  }
  const query = params.toString() ? `?${params}` : "";
  const dataset = await api(`datasets${query}`, { method: "POST", headers: { "Content-Type": type }, body: file });
  await loadDatasets();
  $("#nj-dataset").value = dataset.id;
  say(`dataset ${dataset.name || short(dataset.id)} stored: x ${JSON.stringify(dataset.x_shape)}, `
    + `y ${JSON.stringify(dataset.y_shape)}`);
}

// ---- new job

async function startJob(event) {
  event.preventDefault();
  const request = { model_id: $("#nj-model").value, dataset_id: $("#nj-dataset").value,
    epochs: Number($("#nj-epochs").value), batch_size: Number($("#nj-batch").value),
    validation_split: Number($("#nj-split").value), shuffle: $("#nj-shuffle").checked };
  const job = await api("jobs", { method: "POST", headers: { "Content-Type": "application/json" },
    body: JSON.stringify(request) });
  await loadJobs();
  await watchJob(job.id);
}

// ---- wiring

/**
 * Wires a control; a refusal of what it asked is shown next to it (in its own alert, announced to screen readers),
 * where the eye is, not only in the status line at the top.
 */
function on(selector, event, handler) {
  const control = $(selector);
  control.addEventListener(event, async (e) => {
    const place = control.closest("form") || control;
    let shown = place.nextElementSibling;
    if (!shown || !shown.classList.contains("form-error")) {
      shown = document.createElement("p");
      shown.className = "form-error";
      shown.setAttribute("role", "alert");
      place.after(shown);
    }
    shown.textContent = "";
    shown.hidden = true;
    try {
      say("");
      await handler(e);
    } catch (error) {
      shown.textContent = error.message;
      shown.hidden = false;
      shown.scrollIntoView({ block: "nearest" });
    }
  });
}

on("#key-form", "submit", async (e) => {
  e.preventDefault();
  sessionStorage.setItem(KEY_STORE, $("#api-key").value);
  $("#key-form").hidden = true;
  await refresh();
});
on("#compare-button", "click", () => compareJobs());
on("#compare-trials", "click", () => {
  const trials = shownSearch.trials.filter((t) => t.job_id);
  return compareJobs(trials.map((t) => t.job_id),
    trials.map((t) => `trial ${t.trial_id}: ${hyperparameterText(t.hyperparameters)}`));
});
on("#predict-form", "submit", predict);
on("#log-scale", "change", async () => {
  logScale = $("#log-scale").checked;
  if (shownJob) showJob(shownJob);
  if (!$("#compare").hidden) await compareJobs(comparedIds, comparedLabels);
});
for (const button of document.querySelectorAll("#model-download button")) {
  on(`#model-download button[data-format="${button.dataset.format}"]`, "click", () => download(button.dataset.format));
}
on("#layers-form", "submit", async (e) => writeDefinition(e));
on("#model-form", "submit", createModel);
on("#dataset-form", "submit", uploadDataset);
on("#job-form", "submit", startJob);
$("#add-layer").addEventListener("click", () => addLayer("Dense", 1));

async function refresh() {
  await loadModels();
  await Promise.all([loadJobs(), loadDatasets(), loadSearches()]);
}

addLayer("SimpleRNN", 10);
addLayer("Dense", 1);
$("#layers-form").requestSubmit();
attempt(refresh);
// the jobs list stays live without a stream per job: a light poll whenever the page is visible, so jobs submitted
// elsewhere (over the API, another tab) appear too
setInterval(() => {
  if (document.visibilityState === "visible") attempt(() => Promise.all([loadJobs(), loadSearches()]));
}, 2000);

/** Deep links: #/jobs/{id} opens a job's curves, #/models/{id} a model's summary, #/tuning-jobs/{id} a search. */
async function followLink() {
  const [, kind, id] = /^#\/(jobs|models|tuning-jobs)\/([\w-]+)$/.exec(location.hash) || [];
  if (kind === "tuning-jobs" && (!shownSearch || shownSearch.id !== id)) await showSearch(id);
  if (kind === "jobs" && (!watching || watching.id !== id)) await watchJob(id);
  if (kind === "models" && shownModel !== id) await showModel(id);
}
window.addEventListener("hashchange", () => attempt(followLink));
attempt(followLink);
