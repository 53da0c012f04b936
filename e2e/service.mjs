// Starts the packaged service on a free loopback port with its own data directory, for the browser tests.
import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const ROOT = resolve(import.meta.dirname, "..");

function freePort() {
  return new Promise((ok, fail) => {
    const server = createServer();
    server.unref();
    server.on("error", fail);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => ok(port));
    });
  });
}

function jar() {
  const target = join(ROOT, "target");
  const found = readdirSync(target).find((f) => /^rnn-service-.*\.jar$/.test(f) && !f.endsWith(".original"));
  if (!found) throw new Error("no target/rnn-service-*.jar: run ./mvnw -DskipTests package first");
  return join(target, found);
}

/** The running service: its base URL, a JSON helper for its API, and stop(). */
export async function startService() {
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), "rnn-e2e-"));
  const java = process.env.JAVA_HOME ? join(process.env.JAVA_HOME, "bin", "java") : "java";
  const child = spawn(java, ["--add-modules=jdk.incubator.vector", "-jar", jar(), `--server.port=${port}`,
    "--server.address=127.0.0.1", `--rnn.data-dir=${dataDir}`], { stdio: ["ignore", "pipe", "pipe"] });
  let log = "";
  child.stdout.on("data", (d) => { log += d; });
  child.stderr.on("data", (d) => { log += d; });
  const base = `http://127.0.0.1:${port}/`;
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the service exited:\n${log}`);
    try {
      const health = await fetch(base + "actuator/health");
      if (health.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`the service did not become healthy in 90 s:\n${log}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  async function api(path, body, type = "application/json") {
    const response = await fetch(base + "api/v1/" + path, body === undefined ? {} : {
      method: "POST", headers: { "Content-Type": type }, body: typeof body === "string" ? body : JSON.stringify(body),
    });
    const json = await response.json();
    if (!response.ok) throw new Error(`${path}: ${response.status} ${JSON.stringify(json)}`);
    return json;
  }
  async function stop() {
    const exited = new Promise((r) => child.once("exit", r));
    child.kill("SIGTERM");
    await exited;
    rmSync(dataDir, { recursive: true, force: true });
  }
  return { base, api, stop, log: () => log };
}

/** Example 2 of the tutorial: x = i/100 with shape (100, 1, 1), y = x + 0.1. */
export function example2() {
  const x = [];
  const y = [];
  for (let i = 0; i < 100; i++) {
    x.push([[i / 100]]);
    y.push(i / 100 + 0.1);
  }
  return { name: "example-2", x, y };
}
