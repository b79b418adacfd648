/**
 * The stored-response fast path (api/cached_responses.ts): public cached GETs
 * answered ahead of the middleware chain give the same body and headers as
 * the full path, count as memory hits, log the same line, and never outlive
 * the cache entries they were built from; and over real sockets, through
 * the one-port server as shipped, every probe of a check the full path makes
 * (request id, CORS, body limit, rate limit, odd paths) gets the answer the
 * API alone gives with the fast path off.
 */
import assert from "node:assert/strict";
import { jsonLogger } from "../api/logger.ts";
import type { Movie, MovieStats } from "../core/types.ts";
import { type Cache, TieredCache } from "../store/cache/tiered.ts";
import { parseConfig } from "../config/mod.ts";
import { createServer } from "../web/server.ts";
import { BASE_ENV, emptyStore, testApp } from "./api_fixture.ts";

const MOVIES: Movie[] = [1, 2, 3, 4, 5].map((id) => ({
  id,
  title: `Movie ${id}`,
  year: 1990 + id,
  genres: id % 2 ? ["Comedy"] : ["Drama", "Comedy"],
  tags: [],
  imdbId: `tt000000${id}`,
  tmdbId: id * 10,
}));

const STATS: MovieStats[] = MOVIES.map((m) => ({
  movieId: m.id,
  ratingCount: m.id * 3,
  ratingMean: 3 + m.id / 10,
  bayesianScore: 3 + m.id / 20,
  ratingHistogram: [0, 0, 0, 0, 0, 1, 0, 0, 0, m.id],
}));

/** A cache that counts full lookups, to tell which path answered. */
function countingCache(inner: TieredCache): Cache & { lookups: number } {
  const counting = {
    kind: inner.kind,
    lookups: 0,
    lookup<T>(key: string) {
      counting.lookups++;
      return inner.lookup<T>(key);
    },
    set: (key: string, value: unknown, ttl?: number) =>
      inner.set(key, value, ttl),
    delete: (keys: string[]) => inner.delete(keys),
    ping: () => inner.ping(),
    stats: () => inner.stats(),
    memoryVersion: (key: string, touch?: boolean) =>
      inner.memoryVersion(key, touch),
    countMemoryHit: () => inner.countMemoryHit(),
  };
  return counting;
}

async function smallStore() {
  const small = await emptyStore("api_fast_path_");
  const { store } = small;
  await store.movies.upsert(MOVIES);
  await store.movies.putStats(STATS);
  await store.neighbours.put([{
    movieId: 1,
    neighbours: [{ movieId: 2, score: 0.9 }, { movieId: 3, score: 0.5 }],
  }]);
  return small;
}

/** Headers as sorted pairs, without the per-request id. */
function headerPairs(res: Response): [string, string][] {
  return [...res.headers].filter(([name]) => name !== "x-request-id");
}

Deno.test("fast path answers like the full path, counted and logged the same", async (t) => {
  const small = await smallStore();
  let now = 1_000_000;
  const inner = new TieredCache({
    maxEntries: 100,
    ttlSeconds: 60,
    now: () => now,
  });
  const cache = countingCache(inner);
  const lines: string[] = [];
  const logger = jsonLogger({ level: "info", write: (l) => lines.push(l) });
  const env = {
    CORS_ORIGINS: "https://web.example",
    LOG_LEVEL: "info",
    REQUEST_LOG_SAMPLE: "1",
  };
  // Two instances on one cache: `other` has stored nothing yet, so its
  // answers to requests `app` stores come from the full path's memory hits.
  const app = testApp(small.store, env, { cache, logger });
  const fresh = () => testApp(small.store, env, { cache, logger });
  const paths = [
    "/api/movies/1",
    "/api/recommendations/item/1?limit=2",
    "/api/movies?pageSize=2",
    "/api/movies?genre=Drama&pageSize=2",
    "/api/genres",
  ];
  try {
    for (const origin of [undefined, "https://web.example"]) {
      await t.step(`same body and headers (Origin ${origin})`, async () => {
        const other = fresh();
        for (const path of paths) {
          const headers: Record<string, string> = { "X-Request-Id": "req-1" };
          if (origin) headers.Origin = origin;
          // fills the cache (or hits it) and stores the response
          await (await app.request(path, { headers })).arrayBuffer();
          const lookups = cache.lookups;
          const hitsBefore = inner.stats().hitsByLayer.memory;
          const fast = await app.request(path, { headers });
          assert.equal(cache.lookups, lookups, `${path}: fast path answered`);
          const fastHits = inner.stats().hitsByLayer.memory - hitsBefore;
          const full = await other.request(path, { headers });
          assert.ok(cache.lookups > lookups, `${path}: full path looked up`);
          assert.equal(
            fastHits,
            cache.lookups - lookups,
            `${path}: the fast path counts the hits the full path does`,
          );
          assert.equal(fast.status, 200);
          assert.equal(full.status, 200);
          assert.equal(full.headers.get("x-cache"), "hit-memory");
          assert.deepEqual(headerPairs(fast), headerPairs(full), path);
          assert.equal(fast.headers.get("x-request-id"), "req-1");
          assert.deepEqual(
            new Uint8Array(await fast.arrayBuffer()),
            new Uint8Array(await full.arrayBuffer()),
            `${path}: byte-identical bodies`,
          );
          if (origin) {
            assert.equal(
              fast.headers.get("access-control-allow-origin"),
              origin,
            );
          }
        }
      });
    }

    await t.step(
      "an invalid request id is replaced, as hono does",
      async () => {
        const res = await app.request("/api/movies/1", {
          headers: { "X-Request-Id": "no spaces allowed" },
        });
        assert.match(res.headers.get("x-request-id") ?? "", /^[0-9a-f-]{36}$/);
        await res.body?.cancel();
      },
    );

    await t.step("the log lines of both paths are the same", async () => {
      lines.length = 0;
      const headers = { "User-Agent": "fast-test", "X-Request-Id": "log-1" };
      await (await app.request("/api/movies/3", { headers })).text();
      const lookups = cache.lookups;
      await (await app.request("/api/movies/3", { headers })).text();
      assert.equal(cache.lookups, lookups, "the second took the fast path");
      await (await fresh().request("/api/movies/3", { headers })).text();
      const entries = lines.map((l) => JSON.parse(l));
      assert.equal(entries.length, 3);
      const comparable = (e: Record<string, unknown>) => {
        const { time: _time, latencyMs: _latency, ...rest } = e;
        return rest;
      };
      assert.equal(entries[2].cache, "hit-memory");
      assert.deepEqual(comparable(entries[1]), comparable(entries[2]));
      assert.equal(entries[1].message, "GET /api/movies/3 200");
      assert.equal(entries[1].requestId, "log-1");
      assert.equal(typeof entries[1].latencyMs, "number");
    });

    await t.step("a changed cache entry is never served stale", async () => {
      const path = "/api/movies/2";
      await (await app.request(path)).text(); // stored
      const stored = await inner.lookup<Movie>("movies:detail:2");
      await inner.set("movies:detail:2", {
        ...stored!.value,
        title: "Renamed",
      });
      const after = await app.request(path);
      assert.equal((await after.json()).title, "Renamed");
      const again = await app.request(path);
      assert.equal((await again.json()).title, "Renamed");
      await inner.delete(["movies:detail:2"]);
      const lookups = cache.lookups;
      const reloaded = await app.request(path);
      assert.equal(reloaded.headers.get("x-cache"), "miss");
      assert.equal(cache.lookups, lookups + 1);
      assert.equal((await reloaded.json()).title, "Movie 2");
    });

    await t.step("stored bytes expire with their cache entry", async () => {
      const path = "/api/movies/4";
      await (await app.request(path)).text();
      now += 61_000;
      const expired = await app.request(path);
      assert.equal(expired.headers.get("x-cache"), "miss");
      await expired.body?.cancel();
    });

    await t.step("errors and private answers take the full path", async () => {
      for (let i = 0; i < 3; i++) {
        const missing = await app.request("/api/movies/999");
        assert.equal(missing.status, 404);
        await missing.body?.cancel();
      }
      const lookups = cache.lookups;
      await (await app.request("/api/movies/999")).text();
      assert.equal(cache.lookups, lookups + 1, "a 404 is never stored");
      const noStore = await app.request("/health/ready");
      assert.equal(noStore.headers.get("cache-control"), "no-store");
      await noStore.body?.cancel();
    });
  } finally {
    await small.close();
  }
});

/** A response as read off the socket: status, headers by name, body text. */
interface RawResponse {
  status: number;
  headers: [string, string][];
  body: string;
}

/** Decodes a chunked body (the servers under test send well-formed ones). */
function unchunk(text: string): string {
  let out = "";
  let rest = text;
  for (;;) {
    const end = rest.indexOf("\r\n");
    const size = parseInt(rest.slice(0, end), 16);
    if (!size) return out;
    out += rest.slice(end + 2, end + 2 + size);
    rest = rest.slice(end + 2 + size + 2);
  }
}

/**
 * One HTTP/1.1 exchange over a real socket, byte for byte as given: a GET
 * with a body, raw dot segments and odd headers reach the server unchanged.
 */
async function rawRequest(
  url: URL,
  head: string[],
  body = "",
): Promise<RawResponse> {
  const conn = await Deno.connect({
    hostname: url.hostname,
    port: Number(url.port),
  });
  const request = [...head, `Host: ${url.host}`, "Connection: close", "", ""]
    .join("\r\n") + body;
  await conn.write(new TextEncoder().encode(request));
  // A server that answers without reading the body may leave the socket
  // open: that is a failure, not a hang.
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    conn.close();
  }, 5000);
  let text = "";
  try {
    text = await new Response(conn.readable).text();
  } catch (error) {
    if (!timedOut) throw error;
  } finally {
    clearTimeout(timer);
  }
  if (timedOut) {
    throw new Error(
      `Expected the server to answer and close within 5 s: ${head[0]}`,
    );
  }
  const split = text.indexOf("\r\n\r\n");
  const [statusLine, ...lines] = text.slice(0, split).split("\r\n");
  const headers = lines.map((line): [string, string] => {
    const colon = line.indexOf(":");
    return [line.slice(0, colon).toLowerCase(), line.slice(colon + 1).trim()];
  }).sort(([a], [b]) => a.localeCompare(b));
  const raw = text.slice(split + 4);
  const chunked = headers.some(([name, value]) =>
    name === "transfer-encoding" && value === "chunked"
  );
  return {
    status: Number(statusLine.split(" ")[1]),
    headers,
    body: chunked ? unchunk(raw) : raw,
  };
}

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;

/** What must be equal: everything but the date and generated request ids. */
function comparable(response: RawResponse) {
  return {
    status: response.status,
    headers: response.headers.filter(([name]) => name !== "date")
      .map(([name, value]) => [name, value.replace(UUID, "<uuid>")]),
    body: response.body.replace(UUID, "<uuid>"),
  };
}

/** Requests that probe each check of the full path, as [name, head, body]. */
function probes(path: string): [string, string[], string?][] {
  const get = `GET ${path} HTTP/1.1`;
  const id = "X-Request-Id: probe-1";
  return [
    ["plain", [get, id]],
    ["no request id", [get]],
    ["an invalid request id", [get, "X-Request-Id: not valid!"]],
    ["a request id over 255 characters", [
      get,
      `X-Request-Id: ${"a".repeat(300)}`,
    ]],
    ["an allowed Origin", [get, id, "Origin: https://web.example"]],
    ["another Origin", [get, id, "Origin: https://evil.example"]],
    ["Origin null", [get, id, "Origin: null"]],
    ["HEAD", [`HEAD ${path} HTTP/1.1`, id]],
    ["a CORS preflight", [
      `OPTIONS ${path} HTTP/1.1`,
      id,
      "Origin: https://web.example",
      "Access-Control-Request-Method: GET",
      "Access-Control-Request-Headers: authorization",
    ]],
    [
      "a GET with a body over the limit",
      [get, id, "Content-Length: 2000"],
      "x".repeat(2000),
    ],
    ["a GET with a chunked body over the limit", [
      get,
      id,
      "Transfer-Encoding: chunked",
    ], `7d0\r\n${"x".repeat(2000)}\r\n0\r\n\r\n`],
    ["a GET with a small body", [get, id, "Content-Length: 5"], "hello"],
    ["a bearer token on a public path", [
      get,
      id,
      "Authorization: Bearer not-a-token",
    ]],
    ["a percent-encoded path", [
      `GET ${path.replace(/(\d)/, "%3$1")} HTTP/1.1`,
      id,
    ]],
    ["a trailing slash", [`GET ${path.replace(/(\?|$)/, "/$1")} HTTP/1.1`, id]],
    ["dot segments", [`GET /api/..${path} HTTP/1.1`, id]],
    ["Accept-Encoding gzip", [get, id, "Accept-Encoding: gzip"]],
  ];
}

Deno.test("the fast path and the one-port dispatch make every check the full path makes", async (t) => {
  const small = await smallStore();
  const inner = new TieredCache({ maxEntries: 100, ttlSeconds: 60 });
  const cache = countingCache(inner);
  const env = {
    CORS_ORIGINS: "https://web.example",
    MAX_BODY_BYTES: "1024",
    RATE_LIMIT_PER_MINUTE: "5",
  };
  const config = parseConfig({ ...BASE_ENV, ...env });
  // Shipped: web and API on one port, fast path on. Reference: the API
  // alone with every request through the middleware chain.
  const shipped = createServer({
    config,
    api: testApp(small.store, env, { cache }),
  });
  const reference = testApp(small.store, env, { cache, fastPath: false });
  const servers = [shipped.fetch, reference.fetch].map((handler) =>
    Deno.serve({ port: 0, hostname: "127.0.0.1", onListen() {} }, handler)
  );
  const [fastUrl, fullUrl] = servers.map((s) =>
    new URL(`http://127.0.0.1:${s.addr.port}`)
  );
  try {
    for (
      const path of [
        "/api/movies/1",
        "/api/recommendations/item/1?limit=2",
        "/api/movies?q=movie&pageSize=2",
      ]
    ) {
      const plain = [`GET ${path} HTTP/1.1`, "X-Request-Id: probe-1"];
      await t.step(`${path}: the fast path answers a plain GET`, async () => {
        for (const url of [fastUrl, fullUrl]) await rawRequest(url, plain);
        const lookups = cache.lookups;
        await rawRequest(fastUrl, plain);
        assert.equal(cache.lookups, lookups, "no cache lookup: stored bytes");
      });
      for (const [name, head, body] of probes(path)) {
        await t.step(`${path}: ${name}`, async () => {
          const fast = await rawRequest(fastUrl, head, body);
          const full = await rawRequest(fullUrl, head, body);
          assert.deepEqual(comparable(fast), comparable(full));
        });
      }
      await t.step(
        `${path}: the same answers past the rate limit`,
        async () => {
          for (let i = 0; i < 8; i++) {
            const fast = await rawRequest(fastUrl, plain);
            const full = await rawRequest(fullUrl, plain);
            assert.deepEqual(
              comparable(fast),
              comparable(full),
              `request ${i}`,
            );
          }
        },
      );
    }
    await t.step("a page meets no API middleware", async () => {
      const page = await rawRequest(fastUrl, [
        "GET /static/style.css HTTP/1.1",
      ]);
      const names = page.headers.map(([name]) => name);
      assert.ok(!names.includes("x-request-id"), names.join(", "));
      assert.ok(!names.includes("access-control-expose-headers"));
    });
  } finally {
    for (const server of servers) await server.shutdown();
    await small.close();
  }
});
