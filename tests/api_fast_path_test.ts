/**
 * The stored-response fast path (api/cached_responses.ts): public cached GETs
 * answered ahead of the middleware chain give the same body and headers as
 * the full path, count as memory hits, log the same line, and never outlive
 * the cache entries they were built from.
 */
import assert from "node:assert/strict";
import { jsonLogger } from "../api/logger.ts";
import type { Movie, MovieStats } from "../core/types.ts";
import { type Cache, TieredCache } from "../store/cache/tiered.ts";
import { openSqliteStore } from "../store/mod.ts";
import { testApp } from "./api_fixture.ts";

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
  const dir = await Deno.makeTempDir({ prefix: "api_fast_path_" });
  const store = await openSqliteStore(`${dir}/movielens.db`);
  await store.movies.upsert(MOVIES);
  await store.movies.putStats(STATS);
  await store.neighbours.put([{
    movieId: 1,
    neighbours: [{ movieId: 2, score: 0.9 }, { movieId: 3, score: 0.5 }],
  }]);
  return {
    store,
    async close() {
      await store.close();
      await Deno.remove(dir, { recursive: true });
    },
  };
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
  const env = { CORS_ORIGINS: "https://web.example", LOG_LEVEL: "info" };
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
        const { time: _time, ...rest } = e;
        const http = { ...(rest.httpRequest as Record<string, unknown>) };
        delete http.latency;
        return { ...rest, httpRequest: http };
      };
      assert.equal(entries[2].cache, "hit-memory");
      assert.deepEqual(comparable(entries[1]), comparable(entries[2]));
      assert.equal(entries[1].message, "GET /api/movies/3 200");
      assert.equal(entries[1].httpRequest.userAgent, "fast-test");
      assert.match(entries[1].httpRequest.latency, /^\d+\.\d+s$/);
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
