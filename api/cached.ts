/**
 * Read-through caching for route handlers, recording the outcome in the
 * `X-Cache` header and the request log.
 * @module
 */
import type { Context } from "hono";
import type { Cache } from "../store/cache.ts";
import type { AppEnv } from "./context.ts";

/**
 * The cached value of `key`, or `compute()` stored under it. A null result
 * is returned but not cached (a missing movie may be loaded later).
 *
 * @example
 * const genres = await cached(c, cache, "genres", () => store.movies.genres());
 */
export async function cached<T>(
  c: Context<AppEnv>,
  cache: Cache,
  key: string,
  compute: () => Promise<T>,
): Promise<T> {
  const hit = await cache.lookup<T>(key);
  if (hit) {
    c.set("cache", hit.layer === "memory" ? "hit-memory" : "hit-redis");
    c.header("X-Cache", `hit-${hit.layer}`);
    return hit.value;
  }
  const value = await compute();
  if (value !== null) await cache.set(key, value);
  c.set("cache", "miss");
  c.header("X-Cache", "miss");
  return value;
}
