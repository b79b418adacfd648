import assert from "node:assert/strict";
import { Hono } from "hono";
import { requestId } from "hono/request-id";
import type { AppEnv } from "../context.ts";
import { jsonLogger } from "../logger.ts";
import {
  loggableUrl,
  RequestLog,
  type RequestLogOptions,
} from "./request_log.ts";

const TRACE = "105445aa7843bc8bf206b12000100000/7;o=1";

/** A small app behind the request log, and the entries it wrote. */
function loggedApp(
  options: RequestLogOptions & { level?: "info" | "warning" } = {},
) {
  const lines: string[] = [];
  const logger = jsonLogger({
    level: options.level ?? "info",
    write: (line) => lines.push(line),
  });
  const log = new RequestLog(logger, { projectId: "demo", ...options });
  const app = new Hono<AppEnv>();
  app.use(requestId(), log.middleware());
  app.get("/ok", (c) => {
    c.set("cache", "hit-memory");
    return c.json({ ok: true });
  });
  app.get("/slow", async (c) => {
    await new Promise((resolve) => setTimeout(resolve, 40));
    return c.text("late");
  });
  app.get("/noisy", (c) => {
    c.get("logger").error("Store is not answering", { code: 7 });
    return c.text("degraded", 503);
  });
  const request = async (path: string) => {
    const res = await app.request(path, {
      headers: { "X-Cloud-Trace-Context": TRACE, "User-Agent": "log-test" },
    });
    await res.body?.cancel();
    return res;
  };
  return {
    request,
    entries: () => lines.map((l) => JSON.parse(l)),
  };
}

Deno.test("an ordinary request gets a short line: what Cloud Run's request log lacks", async () => {
  const { request, entries } = loggedApp();
  const res = await request("/ok");
  const [entry] = entries();
  assert.deepEqual(Object.keys(entry).sort(), [
    "cache",
    "latencyMs",
    "logging.googleapis.com/spanId",
    "logging.googleapis.com/trace",
    "logging.googleapis.com/trace_sampled",
    "message",
    "requestId",
    "severity",
    "time",
  ]);
  assert.equal(entry.severity, "INFO");
  assert.equal(entry.message, "GET /ok 200");
  assert.equal(entry.requestId, res.headers.get("x-request-id"));
  assert.equal(
    entry["logging.googleapis.com/trace"],
    "projects/demo/traces/105445aa7843bc8bf206b12000100000",
  );
  assert.equal(entry.cache, "hit-memory");
});

Deno.test("errors and slow requests carry the whole request and are never sampled out", async () => {
  const { request, entries } = loggedApp({ sampleRate: 0, slowMs: 20 });
  await request("/ok");
  assert.equal(entries().length, 0, "sample rate 0: no ordinary line");
  await request("/missing?token=abc");
  await request("/slow");
  const [missing, slow] = entries();
  assert.equal(missing.severity, "WARNING");
  assert.equal(missing.message, "GET /missing 404");
  assert.equal(missing.httpRequest.status, 404);
  assert.equal(
    missing.httpRequest.requestUrl,
    "/missing?token=%5Bredacted%5D",
  );
  assert.equal(missing.httpRequest.userAgent, "log-test");
  assert.equal(slow.severity, "WARNING");
  assert.equal(slow.message, "GET /slow 200");
  assert.equal(slow.slow, true);
  assert.ok(slow.latencyMs >= 20, `latency ${slow.latencyMs} ms`);
  assert.match(slow.httpRequest.latency, /^\d+\.\d{4}s$/);
});

Deno.test("a route's own entries and a 5xx name the request and its trace", async () => {
  const { request, entries } = loggedApp({ sampleRate: 0 });
  const res = await request("/noisy");
  const [routeEntry, requestEntry] = entries();
  const id = res.headers.get("x-request-id");
  assert.equal(routeEntry.message, "Store is not answering");
  assert.equal(routeEntry.code, 7);
  assert.equal(routeEntry.requestId, id);
  assert.equal(routeEntry["logging.googleapis.com/spanId"], "7");
  assert.equal(requestEntry.severity, "ERROR");
  assert.equal(requestEntry.message, "GET /noisy 503");
  assert.equal(requestEntry.requestId, id);
});

Deno.test("a sample rate keeps that share of ordinary lines, evenly", async () => {
  const { request, entries } = loggedApp({ sampleRate: 0.25 });
  for (let i = 0; i < 100; i++) await request("/ok");
  assert.equal(entries().length, 25);
  const quiet = loggedApp({ level: "warning" });
  await quiet.request("/ok");
  await quiet.request("/missing");
  assert.deepEqual(quiet.entries().map((e) => e.message), [
    "GET /missing 404",
  ]);
});

Deno.test("loggableUrl redacts secret-looking query values only", () => {
  assert.equal(loggableUrl("http://h/api/movies/1"), "/api/movies/1");
  assert.equal(
    loggableUrl("http://h/a?q=toy&api_key=s&code=c"),
    "/a?q=toy&api_key=%5Bredacted%5D&code=%5Bredacted%5D",
  );
});
