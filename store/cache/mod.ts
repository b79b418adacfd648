/**
 * Chooses the cache from config, once at start: memory only, or memory in
 * front of Upstash Redis when `UPSTASH_REDIS_REST_URL` is set.
 * @module
 */
import type { Redis } from "@upstash/redis";
import type { Config } from "../../config/mod.ts";
import { type CacheWarningLogger, TieredCache } from "./tiered.ts";
import { UpstashCacheLayer, upstashClient } from "./upstash.ts";

/** The cache and, when configured, the Redis client it shares (rate limits use it too). */
export interface OpenedCache {
  cache: TieredCache;
  redis: Redis | null;
}

/**
 * Builds the cache that `config` asks for.
 *
 * @example
 * const { cache } = openCache(parseConfig({}));
 * cache.kind; // "memory"
 */
export function openCache(
  config: Pick<
    Config,
    | "UPSTASH_REDIS_REST_URL"
    | "UPSTASH_REDIS_REST_TOKEN"
    | "REDIS_TIMEOUT_MS"
    | "CACHE_MAX_ENTRIES"
    | "CACHE_MAX_BYTES"
    | "CACHE_TTL_SECONDS"
  >,
  logger?: CacheWarningLogger,
): OpenedCache {
  const redis = config.UPSTASH_REDIS_REST_URL && config.UPSTASH_REDIS_REST_TOKEN
    ? upstashClient({
      url: config.UPSTASH_REDIS_REST_URL,
      token: config.UPSTASH_REDIS_REST_TOKEN,
      timeoutMs: config.REDIS_TIMEOUT_MS,
    })
    : null;
  const cache = new TieredCache({
    maxEntries: config.CACHE_MAX_ENTRIES,
    maxBytes: config.CACHE_MAX_BYTES,
    ttlSeconds: config.CACHE_TTL_SECONDS,
    shared: redis ? new UpstashCacheLayer(redis) : undefined,
    logger,
  });
  return { cache, redis };
}
