/**
 * The Upstash path against a real redis-server through the REST bridge:
 * the shared cache layer, shared rate limits, and requests that still
 * succeed while Redis is slow or stopped.
 */
import assert from "node:assert/strict";
import { createApp } from "../api/app.ts";
import { prepareDeps } from "../api/deps.ts";
import { parseConfig } from "../config/mod.ts";
import {
  BASE_ENV,
  collectingLogger,
  hasDataset,
  loadedStore,
  localAuth,
  postJson,
} from "./api_fixture.ts";
import {
  redisServerInstalled,
  RespClient,
  startRedisServer,
  startUpstashBridge,
} from "./upstash_bridge.ts";

const hasRedis = redisServerInstalled();
const missing = [
  hasRedis ? null : "redis-server is not installed",
  hasDataset ? null : "../shared/data/ml-latest-small is absent",
].filter(Boolean);

Deno.test({
  name: missing.length === 0
    ? "API with Upstash (real redis-server via the REST bridge)"
    : `API with Upstash (ignored: ${missing.join("; ")})`,
  ignore: missing.length > 0,
  async fn(t) {
    const loaded = await loadedStore();
    const redis = await startRedisServer();
    const bridge = await startUpstashBridge({ redisPort: redis.port });
    const direct = await RespClient.connect(redis.port);
    const env = {
      ...BASE_ENV,
      UPSTASH_REDIS_REST_URL: bridge.url,
      UPSTASH_REDIS_REST_TOKEN: bridge.token,
      REDIS_TIMEOUT_MS: "200",
      RATE_LIMIT_PER_MINUTE: "3",
    };
    const config = parseConfig(env);
    const instance = async () => {
      const { logger, lines } = collectingLogger();
      const deps = await prepareDeps(config, loaded.store, { logger });
      return { app: createApp(deps), lines };
    };
    const a = await instance();
    const b = await instance();
    try {
      await t.step("readiness reports the Upstash cache", async () => {
        const ready = await (await a.app.request("/health/ready")).json();
        assert.deepEqual(ready.cache, { kind: "upstash", ok: true });
        assert.equal(ready.status, "ok");
      });

      await t.step(
        "a cached response is stored in Redis and shared by instances",
        async () => {
          const first = await a.app.request("/api/movies/1");
          assert.equal(first.headers.get("x-cache"), "miss");
          const stored = await direct.command(["GET", "cache:movies:detail:1"]);
          assert.equal(typeof stored, "string");
          assert.equal(JSON.parse(stored as string).title, "Toy Story");
          const ttl = await direct.command(["TTL", "cache:movies:detail:1"]);
          assert.ok(
            typeof ttl === "number" && ttl > 0 &&
              ttl <= config.CACHE_TTL_SECONDS,
          );

          const fromB = await b.app.request("/api/movies/1");
          assert.equal(fromB.headers.get("x-cache"), "hit-redis");
          assert.deepEqual(await fromB.json(), await first.json());
          const again = await b.app.request("/api/movies/1");
          assert.equal(again.headers.get("x-cache"), "hit-memory");
          const metrics = await (await b.app.request("/metrics")).json();
          assert.equal(metrics.cache.kind, "upstash");
          assert.equal(metrics.cache.hitsByLayer.redis, 1);
          assert.equal(metrics.cache.hitsByLayer.memory, 1);
          assert.equal(metrics.rateLimiter, "upstash");
        },
      );

      await t.step(
        "a write on one instance invalidates the user's recommendations on the other",
        async () => {
          const auth = await localAuth("shared-user");
          const cold = await a.app.request(
            "/api/recommendations/user/me?limit=5",
            { headers: auth },
          );
          assert.equal((await cold.json()).coldStart, true);
          const cachedOnB = await b.app.request(
            "/api/recommendations/user/me?limit=5",
            { headers: auth },
          );
          assert.equal(cachedOnB.headers.get("x-cache"), "hit-redis");
          const write = await b.app.request(
            "/api/interactions",
            postJson({ movieId: 1, type: "rating", value: 5 }, auth),
          );
          assert.equal(write.status, 201);
          const fresh = await a.app.request(
            "/api/recommendations/user/me?limit=5",
            { headers: auth },
          );
          assert.equal(fresh.headers.get("x-cache"), "miss");
          const body = await fresh.json();
          assert.equal(body.coldStart, false);
          assert.ok(
            !body.items.some((i: { movie: { id: number } }) =>
              i.movie.id === 1
            ),
          );
        },
      );

      await t.step("the write limit is shared through Redis", async () => {
        const auth = await localAuth("limited-user");
        const write = (app: typeof a.app) =>
          app.request(
            "/api/interactions",
            postJson({ movieId: 2, type: "view" }, auth),
          );
        assert.equal((await write(a.app)).status, 201);
        assert.equal((await write(b.app)).status, 201);
        assert.equal((await write(a.app)).status, 201);
        const refused = await write(b.app);
        assert.equal(refused.status, 429);
        assert.ok(Number(refused.headers.get("retry-after")) >= 1);
        const keys = await direct.command(["KEYS", "ratelimit:writes:*"]);
        assert.ok(
          Array.isArray(keys) && keys.length > 0,
          "the limiter keeps its window in Redis",
        );
      });

      await t.step(
        "a hanging Redis costs a bounded wait, and requests succeed",
        async () => {
          bridge.setHanging(true);
          try {
            const started = performance.now();
            const res = await a.app.request("/api/movies?q=heat&pageSize=3");
            const elapsed = performance.now() - started;
            assert.equal(res.status, 200);
            assert.ok((await res.json()).items.length > 0);
            console.log(
              `  request with Redis hanging took ${
                elapsed.toFixed(0)
              } ms (REDIS_TIMEOUT_MS=200)`,
            );
            const write = await a.app.request(
              "/api/interactions",
              postJson(
                { movieId: 3, type: "view" },
                await localAuth("slow-user"),
              ),
            );
            assert.equal(write.status, 201);
          } finally {
            bridge.setHanging(false);
          }
          assert.ok(
            a.lines.some((l) => l.includes("Shared cache call failed")),
          );
        },
      );

      await t.step(
        "with redis-server stopped, every request still succeeds",
        async () => {
          await redis.stop();
          const auth = await localAuth("after-stop");
          const checks: [string, RequestInit | undefined, number][] = [
            ["/api/movies?q=matrix", undefined, 200],
            ["/api/movies/2571", undefined, 200],
            ["/api/genres", undefined, 200],
            ["/api/recommendations/item/2571?limit=5", undefined, 200],
            [
              "/api/interactions",
              postJson({ movieId: 2571, type: "rating", value: 4 }, auth),
              201,
            ],
            ["/api/recommendations/user/me?limit=5", { headers: auth }, 200],
            ["/api/users/me/interactions", { headers: auth }, 200],
          ];
          for (const app of [b.app, a.app]) {
            for (const [path, init, status] of checks) {
              const res = await app.request(path, init);
              assert.equal(res.status, status, `${path} with Redis stopped`);
            }
          }
          const ready = await (await b.app.request("/health/ready")).json();
          assert.equal(ready.status, "degraded");
          assert.deepEqual(ready.cache, { kind: "upstash", ok: false });
          assert.deepEqual(ready.store, { kind: "sqlite", ok: true });
          const metrics = await (await b.app.request("/metrics")).json();
          assert.ok(metrics.cache.sharedErrors >= 1);
          const warnings = b.lines.map((l) => JSON.parse(l)).filter((e) =>
            e.severity === "WARNING" &&
            /Shared cache|Rate limit in Redis/.test(e.message)
          );
          assert.ok(warnings.length > 0, "Redis failures are logged");
          assert.ok(
            !b.lines.join("\n").includes(bridge.token),
            "the Upstash token is not logged",
          );
        },
      );
    } finally {
      direct.close();
      await direct.done;
      await bridge.close();
      await redis.stop();
      await loaded.close();
    }
  },
});
