/**
 * Liveness, readiness (store and cache checked) and cache metrics.
 * @module
 */
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import type { AppEnv } from "../context.ts";
import type { RouteDeps } from "../deps.ts";
import { validationHook } from "../problem.ts";
import { healthSchema, json, readinessSchema } from "../schemas.ts";

const live = createRoute({
  method: "get",
  path: "/health",
  tags: ["operations"],
  summary: "Liveness: the process answers",
  responses: { 200: json(healthSchema, "Alive") },
});

const ready = createRoute({
  method: "get",
  path: "/health/ready",
  tags: ["operations"],
  summary: "Readiness: the store answers (the cache is optional)",
  responses: {
    200: json(readinessSchema, "Ready; degraded when the cache fails"),
    503: json(readinessSchema, "The store does not answer"),
  },
});

const cacheStatsSchema = z.object({
  kind: z.string(),
  hits: z.number().int(),
  misses: z.number().int(),
  hitRatio: z.number(),
  hitsByLayer: z.object({ memory: z.number(), redis: z.number() }),
  entries: z.number().int(),
  bytes: z.number().int(),
  maxBytes: z.number(),
  sharedErrors: z.number().int(),
  sharedDown: z.boolean(),
});

const metrics = createRoute({
  method: "get",
  path: "/metrics",
  tags: ["operations"],
  summary: "Cache hit ratio and counters, rate limiter kind, uptime",
  responses: {
    200: json(
      z.object({
        cache: cacheStatsSchema,
        rateLimiter: z.string(),
        uptimeSeconds: z.number(),
      }).openapi("Metrics"),
      "Counters since start",
    ),
  },
});

/** The operations routes. */
export function healthRoutes(deps: RouteDeps) {
  const started = performance.now();
  return new OpenAPIHono<AppEnv>({ defaultHook: validationHook })
    .openapi(live, (c) => c.json({ status: "ok" as const }, 200))
    .openapi(ready, async (c) => {
      const [movies, cacheOk] = await Promise.all([
        deps.store.ping().then(() => deps.store.movies.count()).catch(
          (error: unknown) => {
            c.get("logger").error("Store is not answering", { error });
            return null;
          },
        ),
        deps.cache.ping(),
      ]);
      const storeOk = movies !== null;
      const body = {
        status: storeOk && cacheOk ? "ok" as const : "degraded" as const,
        store: { kind: deps.store.kind, ok: storeOk },
        cache: { kind: deps.cache.kind, ok: cacheOk },
        movies: movies ?? 0,
      };
      c.header("Cache-Control", "no-store");
      return storeOk ? c.json(body, 200) : c.json(body, 503);
    })
    .openapi(metrics, (c) => {
      c.header("Cache-Control", "no-store");
      return c.json({
        cache: deps.cache.stats(),
        rateLimiter: deps.rateLimiter.kind,
        uptimeSeconds: Math.round((performance.now() - started) / 1000),
      }, 200);
    });
}
