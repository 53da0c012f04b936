// The page in headless Chromium against the packaged service: a job submitted over the API is watched to the end,
// and the tutorial is walked through the page alone. Screenshots go to ../target/e2e (and to SCREENSHOTS when set).
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { chromium } from "playwright-core";
import { example2, startService } from "./service.mjs";

const SHOTS = [resolve(import.meta.dirname, "../target/e2e"), process.env.SCREENSHOTS].filter(Boolean);
SHOTS.forEach((d) => mkdirSync(d, { recursive: true }));

let service;
let browser;
const foreign = [];

before(async () => {
  service = await startService();
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
      "--disable-component-update", "--disable-sync"],
  });
});

after(async () => {
  await browser?.close();
  await service?.stop();
});

/** A page whose every request is checked: anything not for the service is recorded and refused. */
async function openPage() {
  const context = await browser.newContext({ viewport: { width: 1200, height: 900 } });
  const page = await context.newPage();
  const origin = new URL(service.base).origin;
  await page.route("**/*", (route) => {
    const url = route.request().url();
    if (new URL(url).origin === origin) return route.fallback();
    foreign.push(url);
    return route.abort();
  });
  const errors = [];
  page.on("pageerror", (e) => errors.push(e.message));
  await page.goto(service.base);
  return { page, errors };
}

async function shoot(page, name, locator) {
  for (const dir of SHOTS) {
    const path = join(dir, name);
    if (locator) await locator.screenshot({ path });
    else await page.screenshot({ path, fullPage: false });
  }
}

const TUTORIAL_MODEL = {
  input_shape: [null, 1],
  layers: [{ type: "SimpleRNN", units: 10 }, { type: "Dense", units: 1 }],
  compile: { optimizer: "adam", loss: "mean_squared_error" }, seed: 42,
};

test("a job submitted over the API is watched to SUCCEEDED with one point per epoch", async () => {
  const model = await service.api("models", TUTORIAL_MODEL);
  const data = await service.api("datasets", example2());
  const job = await service.api("jobs", { model_id: model.id, dataset_id: data.id, epochs: 6, batch_size: 10 });
  const { page, errors } = await openPage();
  const row = page.locator(`#jobs-table tr[data-job="${job.id}"]`);
  await row.getByRole("button", { name: "Watch", exact: true }).click();
  await page.locator('#job-summary[data-state="SUCCEEDED"]').waitFor({ timeout: 60_000 });
  await assert.doesNotReject(page.locator("#job-chart canvas").waitFor());
  assert.equal(await page.locator("#job-history tbody tr").count(), 6, "one row per epoch");
  const points = await page.evaluate(() => document.querySelectorAll("#job-history tbody tr").length);
  assert.equal(points, 6);
  await shoot(page, "job.png", page.locator("#job"));
  await page.locator(`#jobs-table tr[data-job="${job.id}"] .state`).filter({ hasText: "SUCCEEDED" })
    .waitFor({ timeout: 10_000 });
  await shoot(page, "jobs.png", page.locator("#jobs"));
  assert.deepEqual(errors, []);
  assert.deepEqual(foreign, [], "the page asked no other host");
});

/** Whether an element lies wholly inside the viewport. */
async function inViewport(locator) {
  return locator.evaluate((el) => {
    const r = el.getBoundingClientRect();
    return r.height > 0 && r.top >= 0 && r.bottom <= window.innerHeight;
  });
}

test("the page as a newcomer meets it: refusals beside the form, a live job list, deep links, a log scale", async () => {
  const model = await service.api("models", TUTORIAL_MODEL);
  const data = await service.api("datasets", example2());
  const first = await service.api("jobs", { model_id: model.id, dataset_id: data.id, epochs: 3, batch_size: 10 });
  const { page, errors } = await openPage();
  await page.locator(`#jobs-table tr[data-job="${first.id}"] .state`).filter({ hasText: "SUCCEEDED" })
    .waitFor({ timeout: 60_000 });

  // a refused model: the message next to the form, in view, naming the field
  await page.fill("#model-json", JSON.stringify({ input_shape: [null, 1],
    layers: [{ type: "SimpleRNN", units: 0 }, { type: "Dense", units: 1 }] }));
  await page.getByRole("button", { name: "Create the model", exact: true }).click();
  const refusal = page.locator("#model-form + .form-error");
  await refusal.filter({ hasText: "units" }).waitFor({ timeout: 10_000 });
  assert.equal(await refusal.getAttribute("role"), "alert");
  assert.ok(await inViewport(refusal), "the refusal is where the eye is");
  await shoot(page, "refused.png", page.locator("#new-model"));

  // every listed job has ended; one submitted over the API shows up by itself
  const second = await service.api("jobs", { model_id: model.id, dataset_id: data.id, epochs: 2, batch_size: 10 });
  await page.locator(`#jobs-table tr[data-job="${second.id}"]`).waitFor({ timeout: 3_000 });

  // a deep link opens that job's curves; the log scale toggle redraws them
  await page.goto(`${service.base}#/jobs/${first.id}`);
  await page.locator(`#job-summary[data-job="${first.id}"]`).waitFor({ timeout: 10_000 });
  await page.locator("#job-chart canvas").waitFor();
  assert.equal(await page.locator("#job-chart").getAttribute("data-scale"), "linear");
  await page.check("#log-scale");
  await page.locator('#job-chart[data-scale="log"] canvas').waitFor({ timeout: 5_000 });
  await page.goto(`${service.base}#/models/${model.id}`);
  await page.locator("#model-summary").filter({ hasText: "simple_rnn (SimpleRNN)" }).waitFor({ timeout: 10_000 });
  assert.deepEqual(errors, []);
});

test("the tutorial through the page alone: upload, create, train, predict, compare", async () => {
  const { page, errors } = await openPage();
  // Example 2's data, as a file the user picks
  await page.setInputFiles("#dataset-file", { name: "example-2.json", mimeType: "application/json",
    buffer: Buffer.from(JSON.stringify(example2())) });
  await page.getByRole("button", { name: "Upload", exact: true }).click();
  await page.locator("#status").filter({ hasText: "x [100,1,1]" }).waitFor();

  // SimpleRNN(10) + Dense(1), from the layer form's defaults
  await page.fill("#nm-name", "tutorial-simple-rnn");
  await page.getByRole("button", { name: "Write the definition below", exact: true }).click();
  await page.getByRole("button", { name: "Create the model", exact: true }).click();
  await page.locator("#model-summary").filter({ hasText: "simple_rnn (SimpleRNN)" }).waitFor();
  assert.match(await page.locator("#model-summary").textContent(), /Total params: 131/);
  await shoot(page, "model.png", page.locator("#model"));

  async function train() {
    const before = await page.locator("#job-summary").getAttribute("data-job");
    await page.fill("#nj-epochs", "5");
    await page.fill("#nj-batch", "10");
    await page.getByRole("button", { name: "Train", exact: true }).click();
    const done = page.locator(`#job-summary[data-state="SUCCEEDED"]:not([data-job="${before}"])`);
    await done.waitFor({ timeout: 60_000 });
    assert.equal(await page.locator("#job-history tbody tr").count(), 5);
    return done.getAttribute("data-job");
  }
  const first = await train();

  // predict with the trained model
  await page.locator("#models-table tbody tr").filter({ hasText: "tutorial-simple-rnn" })
    .getByRole("button", { name: "Summary and predict", exact: true }).click();
  await page.getByRole("button", { name: "Predict", exact: true }).click();
  const prediction = JSON.parse(await page.locator("#predict-result").filter({ hasText: "predictions" })
    .textContent());
  assert.equal(prediction.predictions.length, 2);
  assert.equal(prediction.model_version, 1);

  // an alias set over the API (the registry's champion) shows beside its version
  const trained = (await service.api("models?size=50")).items.find((m) => m.name === "tutorial-simple-rnn");
  const aliased = await fetch(`${service.base}api/v1/models/${trained.id}/aliases/champion`, {
    method: "PUT", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ version: 1 }) });
  assert.equal(aliased.status, 200);
  await page.locator("#models-table tbody tr").filter({ hasText: "tutorial-simple-rnn" })
    .getByRole("button", { name: "Summary and predict", exact: true }).click();
  await page.locator("#model-versions").filter({ hasText: "v1 (champion)" }).waitFor();

  // the trained model as files: Keras' and ONNX, named after the model
  for (const [button, file] of [[".keras", "tutorial-simple-rnn.keras"], [".onnx (ONNX)", "tutorial-simple-rnn.onnx"]]) {
    const [saved] = await Promise.all([page.waitForEvent("download"),
      page.getByRole("button", { name: button, exact: true }).click()]);
    assert.equal(saved.suggestedFilename(), file);
  }

  // a GRU for comparison, trained on the same data
  await page.locator("#layer-rows .l-type").first().selectOption("GRU");
  await page.fill("#nm-name", "tutorial-gru");
  await page.getByRole("button", { name: "Write the definition below", exact: true }).click();
  await page.getByRole("button", { name: "Create the model", exact: true }).click();
  await page.locator("#model-summary").filter({ hasText: "gru (GRU)" }).waitFor();
  const second = await train();

  for (const id of [first, second]) {
    await page.locator(`#jobs-table tr[data-job="${id}"] input.compare`).check();
  }
  await page.getByRole("button", { name: "Compare ticked jobs", exact: true }).click();
  await page.locator("#compare-chart canvas").waitFor();
  assert.equal(await page.locator("#compare-table thead th").count(), 3, "epoch and one column per job");
  assert.ok(await page.locator("#compare-table tbody tr").count() >= 5);
  // only the settings that differ: the recurrent layer, not the epochs or the batch size both jobs had
  const rows = await page.locator("#compare-params tbody th").allTextContents();
  assert.ok(rows.includes("params.gru.class_name") && rows.includes("params.simple_rnn.units"), rows.join());
  assert.ok(!rows.includes("params.epochs") && !rows.includes("params.batch_size"), rows.join());
  assert.ok(rows.includes("metrics.loss") && rows.includes("best loss"), rows.join());
  await shoot(page, "compare.png", page.locator("#compare"));
  assert.deepEqual(errors, []);
  assert.deepEqual(foreign, [], "the page asked no other host");
});

test("a search's trials in a table, the best marked, and its trials' jobs compared", async () => {
  const data = await service.api("datasets", example2());
  const search = await service.api("tuning-jobs", {
    model: {
      input_shape: [null, 1],
      layers: [{ type: { hp: "layer" }, units: { hp: "units" } }, { type: "Dense", units: 1 }],
      compile: { optimizer: "adam", loss: "mean_squared_error" }, seed: 42,
    },
    hyperparameters: [
      { class_name: "Choice", config: { name: "layer", values: ["SimpleRNN", "LSTM", "GRU"] } },
      { class_name: "Choice", config: { name: "units", values: [5, 10] } },
    ],
    tuner: "grid_search", objective: "val_loss", dataset_id: data.id, epochs: 3, batch_size: 10,
    validation_split: 0.2, seed: 7,
  });
  const { page, errors } = await openPage();
  const row = page.locator(`#searches-table tr[data-search="${search.id}"]`);
  await row.locator(".state").filter({ hasText: "SUCCEEDED" }).waitFor({ timeout: 120_000 });
  await row.getByRole("button", { name: "Show", exact: true }).click();
  await page.locator('#search-summary[data-state="SUCCEEDED"]').waitFor();
  const done = await service.api(`tuning-jobs/${search.id}`);
  assert.equal(await page.locator("#trials-table tbody tr").count(), 6, "one row per trial");
  const headers = await page.locator("#trials-table thead th").allTextContents();
  assert.deepEqual(headers, ["Trial", "layer", "units", "State", "Score", "Job"]);
  const best = page.locator("#trials-table tbody tr.best");
  assert.equal(await best.count(), 1, "one best trial");
  assert.equal(await best.getAttribute("data-trial"), done.best_trial_id);
  assert.equal(await best.locator("td").nth(1).textContent(), done.best_hyperparameters.layer);
  assert.match(await page.locator("#search-summary").textContent(), new RegExp(`best trial ${done.best_trial_id}`));
  await shoot(page, "search.png", page.locator("#search"));
  await page.getByRole("button", { name: "Compare these trials' jobs" }).click();
  await page.locator("#compare-chart canvas").waitFor();
  assert.equal(await page.locator("#compare-table thead th").count(), 7, "epoch and one column per trial's job");
  const heads = await page.locator("#compare-table thead th").allTextContents();
  const { layer, units } = done.best_hyperparameters;
  assert.ok(heads.includes(`trial ${done.best_trial_id}: layer=${layer}, units=${units}`), heads.join());
  const params = await page.locator("#compare-params tbody th").allTextContents();
  assert.ok(params.some((p) => p.endsWith(".units")), `the differing units are shown: ${params}`);
  assert.ok(!params.includes("params.batch_size"), "settings every trial shares are not");
  await shoot(page, "search-compare.png", page.locator("#compare"));
  assert.deepEqual(errors, []);
  assert.deepEqual(foreign, [], "the page asked no other host");
});

test("a finished series job shows its forecast against the truth and the naive forecasts", async () => {
  const csv = readFileSync(resolve(import.meta.dirname, "../src/test/resources/series/sunspots.csv"), "utf8");
  const data = await service.api("datasets?sequence_length=12&targets=SUNACTIVITY&name=sunspots", csv, "text/csv");
  const model = await service.api("models", {
    name: "sunspot-forecaster", input_shape: [null, 1],
    layers: [{ type: "Normalization" }, { type: "LSTM", units: 32 }, { type: "Dense", units: 1 },
      { type: "Normalization", invert: true }],
    compile: { optimizer: { type: "adam", learning_rate: 0.01 }, loss: "mse" }, seed: 42,
  });
  const job = await service.api("jobs", { model_id: model.id, dataset_id: data.id, epochs: 40, batch_size: 16,
    validation: { last: 0.2 }, seasonality: 11, seed: 3 });
  const { page, errors } = await openPage();
  const row = page.locator(`#jobs-table tr[data-job="${job.id}"]`);
  await row.getByRole("button", { name: "Watch", exact: true }).click();
  await page.locator('#job-summary[data-state="SUCCEEDED"]').waitFor({ timeout: 120_000 });
  await page.locator("#forecast-chart canvas").waitFor({ timeout: 10_000 });
  const errorsShown = await page.locator("#forecast-errors tbody tr").evaluateAll((rows) =>
    rows.map((r) => r.dataset.forecast));
  assert.deepEqual(errorsShown, ["model", "last_value", "seasonal"]);
  const legend = await page.locator("#forecast-chart .u-legend .u-label").allTextContents();
  assert.deepEqual(legend.slice(1), ["SUNACTIVITY (truth)", "model", "last_value", "seasonal"]);
  await shoot(page, "forecast.png", page.locator("#job-forecast"));
  assert.deepEqual(errors, []);
  assert.deepEqual(foreign, [], "the page asked no other host");
});

test("when the service asks for an API key the page asks for it and keeps it for the tab only", async () => {
  const { page, errors } = await openPage();
  const context = page.context();
  const seen = [];
  // the service as it answers with access control on: 401 problem+json without the key
  await context.route("**/api/v1/**", (route) => {
    const auth = route.request().headers().authorization;
    seen.push(auth || "");
    if (auth !== "Bearer k1") {
      return route.fulfill({ status: 401, contentType: "application/problem+json",
        body: JSON.stringify({ status: 401, title: "Unauthorized", detail: "an API key is required" }) });
    }
    return route.fallback();
  });
  await page.reload();
  await page.locator("#key-form").waitFor();
  await page.fill("#api-key", "k1");
  await page.getByRole("button", { name: "Use key", exact: true }).click();
  await page.locator("#key-form").waitFor({ state: "hidden" });
  await page.locator("#models-table tbody tr").first().waitFor();
  assert.ok(seen.includes("Bearer k1"), "requests carry the key");
  assert.equal(await page.evaluate(() => sessionStorage.getItem("rnn-service.api-key")), "k1");
  assert.equal(await page.evaluate(() => localStorage.length), 0, "nothing kept beyond the tab");
  assert.deepEqual(errors, []);
});
