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
      REQUEST_LOG_SAMPLE: "1",
    }),
    store: await openSqliteStore(`${dir}/movielens.db`),
    logger,
    port: 0,
    hostname: "127.0.0.1",
    signals: [],
  });
  const headers = {
    "X-Cloud-Trace-Context": "105445aa7843bc8bf206b12000100000/1;o=1",
    "User-Agent": "api-test",
    "X-Forwarded-For": "203.0.113.7, 10.0.0.1",
  };
  const entries = () =>
    lines.map((l) => JSON.parse(l)).filter((e) => e.requestId);
  try {
    const res = await fetch(new URL("/health?token=abc", api.url), {
      headers,
    });
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { status: "ok" });
    // Cloud Run logs method, URL, status, latency and agent itself: an
    // ordinary request's line carries only what its entry lacks.
    const [ok] = entries();
    assert.ok(ok, "a request log entry was written");
    assert.equal(ok.severity, "INFO");
    assert.equal(ok.message, "GET /health 200");
    assert.equal(ok.httpRequest, undefined);
    assert.equal(typeof ok.latencyMs, "number");
    assert.equal(
      ok["logging.googleapis.com/trace"],
      "projects/demo-project/traces/105445aa7843bc8bf206b12000100000",
    );
    assert.equal(ok["logging.googleapis.com/spanId"], "1");
    assert.equal(ok["logging.googleapis.com/trace_sampled"], true);
    assert.equal(ok.requestId, res.headers.get("x-request-id"));
    assert.ok(!lines.some((l) => l.includes("abc")), "the token is not logged");

    // A user-visible error gets the whole story in one entry.
    const missing = await fetch(
      new URL("/api/movies/999999?token=abc", api.url),
      { headers },
    );
    assert.equal(missing.status, 404);
    await missing.body?.cancel();
    const error = entries().at(-1);
    assert.equal(error.severity, "WARNING");
    assert.equal(error.message, "GET /api/movies/999999 404");
    assert.equal(error.requestId, missing.headers.get("x-request-id"));
    assert.equal(error.httpRequest.requestMethod, "GET");
    assert.equal(error.httpRequest.status, 404);
    assert.equal(
      error.httpRequest.requestUrl,
      "/api/movies/999999?token=%5Bredacted%5D",
    );
    assert.equal(error.httpRequest.userAgent, "api-test");
    assert.equal(error.httpRequest.remoteIp, "203.0.113.7");
    assert.match(error.httpRequest.latency, /^\d+\.\d+s$/);
    assert.equal(
      error["logging.googleapis.com/trace"],
      "projects/demo-project/traces/105445aa7843bc8bf206b12000100000",
    );
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
