/**
 * Read-through caching for route handlers, recording the outcome in the
 * `X-Cache` header and the request log, and which memory-layer entries the
 * response was built from (so that api/cached_responses.ts can keep its bytes).
 * @module
 */
import type { Context, TypedResponse } from "hono";
import type { JSONParsed } from "hono/utils/types";
import type { Cache } from "../store/cache/tiered.ts";
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
    noteSource(c, cache, key);
    return hit.value;
  }
  const value = await compute();
  if (value !== null) await cache.set(key, value);
  c.set("cache", "miss");
  c.header("X-Cache", "miss");
  noteSource(c, cache, key);
  return value;
}

/**
 * Like `cached`, but resolves to the value's JSON text as the cache holds
 * it, so that a hit is answered without parsing and re-serialising the
 * value: the text is what `JSON.stringify(value)` gives, byte for byte.
 *
 * @example
 * const text = await cachedJson(c, cache, key, () => build());
 * return text === null ? notFound() : jsonText<Body>(c, text);
 */
export async function cachedJson<T>(
  c: Context<AppEnv>,
  cache: Cache,
  key: string,
  compute: () => Promise<T>,
): Promise<string | (null extends T ? null : never)> {
  type Text = string | (null extends T ? null : never);
  const hit = cache.lookupText
    ? await cache.lookupText(key)
    : await cache.lookup<T>(key).then((found) =>
      found && { text: JSON.stringify(found.value), layer: found.layer }
    );
  if (hit) {
    c.set("cache", hit.layer === "memory" ? "hit-memory" : "hit-redis");
    c.header("X-Cache", `hit-${hit.layer}`);
    noteSource(c, cache, key);
    return hit.text as Text;
  }
  const value = await compute();
  if (value !== null) await cache.set(key, value);
  c.set("cache", "miss");
  c.header("X-Cache", "miss");
  noteSource(c, cache, key);
  return (value === null ? null : JSON.stringify(value)) as Text;
}

/**
 * A 200 response of JSON text, with the headers and type `c.json(value)`
 * would give it.
 */
export function jsonText<T>(
  c: Context<AppEnv>,
  text: string,
): Response & TypedResponse<JSONParsed<T>, 200, "json"> {
  // the text is JSON of a T: only the type of the response changes
  const response: Response = c.body(text, 200, {
    "Content-Type": "application/json",
  });
  return response as Response & TypedResponse<JSONParsed<T>, 200, "json">;
}

/** Records the memory-layer version the response is about to be built from. */
function noteSource(c: Context<AppEnv>, cache: Cache, key: string): void {
  const sources = c.get("cacheSources") ?? [];
  sources.push({ key, version: cache.memoryVersion?.(key) });
  c.set("cacheSources", sources);
}
