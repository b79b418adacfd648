/**
 * The API as a process: `api/main.ts` reads the environment, serves on
 * PORT, writes Cloud Logging JSON lines, and stops cleanly on SIGTERM.
 */
import assert from "node:assert/strict";
import { serveApi } from "../api/main.ts";
import { parseConfig } from "../config/mod.ts";
import { openSqliteStore } from "../store/mod.ts";
import { BASE_ENV, collectingLogger } from "./api_fixture.ts";

function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr;
  listener.close();
  return port;
}

Deno.test("serveApi serves over HTTP and logs requests for Cloud Logging", async () => {
  const dir = await Deno.makeTempDir({ prefix: "api_server_" });
  const { logger, lines } = collectingLogger();
  const api = await serveApi({
    config: parseConfig({
      ...BASE_ENV,
      DATA_DIR: dir,
      GOOGLE_CLOUD_PROJECT: "demo-project",
    }),
    store: await openSqliteStore(`${dir}/movielens.db`),
    logger,
    port: 0,
    hostname: "127.0.0.1",
    signals: [],
  });
  try {
    const res = await fetch(new URL("/health?token=abc", api.url), {
      headers: {
        "X-Cloud-Trace-Context": "105445aa7843bc8bf206b12000100000/1;o=1",
        "User-Agent": "api-test",
      },
    });
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { status: "ok" });
    const entry = lines.map((l) => JSON.parse(l)).find((e) => e.httpRequest);
    assert.ok(entry, "a request log entry was written");
    assert.equal(entry.severity, "INFO");
    assert.equal(entry.httpRequest.requestMethod, "GET");
    assert.equal(entry.httpRequest.status, 200);
    assert.equal(entry.httpRequest.requestUrl, "/health?token=%5Bredacted%5D");
    assert.equal(entry.httpRequest.userAgent, "api-test");
    assert.match(entry.httpRequest.latency, /^\d+\.\d+s$/);
    assert.equal(
      entry["logging.googleapis.com/trace"],
      "projects/demo-project/traces/105445aa7843bc8bf206b12000100000",
    );
    assert.equal(entry["logging.googleapis.com/trace_sampled"], true);
    assert.equal(entry.requestId, res.headers.get("x-request-id"));
  } finally {
    await api.shutdown();
    await api.finished;
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("api/main.ts stops gracefully on SIGTERM", async () => {
  const dir = await Deno.makeTempDir({ prefix: "api_main_" });
  const port = freePort();
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", new URL("../api/main.ts", import.meta.url).pathname],
    env: { ...BASE_ENV, DATA_DIR: dir, PORT: String(port), LOG_LEVEL: "info" },
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  try {
    let up = false;
    for (let i = 0; i < 300 && !up; i++) {
      try {
        const res = await fetch(`http://127.0.0.1:${port}/health`);
        up = res.status === 200;
        await res.body?.cancel();
      } catch (error) {
        if (!(error instanceof TypeError)) throw error;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    assert.ok(up, "the server answered /health");
    child.kill("SIGTERM");
    const { code, stdout, stderr } = await child.output();
    const logs = new TextDecoder().decode(stdout);
    assert.equal(code, 0, new TextDecoder().decode(stderr));
    const messages = logs.trim().split("\n").map((l) => JSON.parse(l).message);
    assert.ok(messages.includes("API listening"));
    assert.ok(messages.includes("Shutting down: draining requests"));
    assert.equal(messages.at(-1), "Stopped");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
