/**
 * The shared cache layer on Upstash Redis (REST), with a bounded timeout on
 * every call so that a slow Redis never holds a request for long.
 * @module
 */
import { Redis } from "@upstash/redis";
import type { SharedCacheLayer } from "./tiered.ts";

/** Connection settings for `upstashClient`. */
export interface UpstashOptions {
  url: string;
  token: string;
  /** Every call is aborted after this many milliseconds. */
  timeoutMs: number;
}

/**
 * An Upstash client that fails fast: no retries (the cache is optional, a
 * retry would only add latency) and a fresh timeout signal per call.
 *
 * @example
 * const redis = upstashClient({ url, token, timeoutMs: 250 });
 */
export function upstashClient(options: UpstashOptions): Redis {
  return new Redis({
    url: options.url,
    token: options.token,
    retry: false,
    signal: () => AbortSignal.timeout(options.timeoutMs),
    automaticDeserialization: false,
    enableTelemetry: false,
    // Read-your-writes tokens only matter for Upstash replicas; keep calls stateless.
    readYourWrites: false,
  });
}

/**
 * Adapts an Upstash client to `SharedCacheLayer`. Keys are prefixed so that
 * one Redis can serve several deployments.
 *
 * @example
 * const shared = new UpstashCacheLayer(upstashClient(options), "ml:");
 */
export class UpstashCacheLayer implements SharedCacheLayer {
  constructor(readonly redis: Redis, readonly prefix = "cache:") {}

  async get(key: string): Promise<string | null> {
    const value = await this.redis.get<string>(this.prefix + key);
    if (value === null || value === undefined) return null;
    if (typeof value !== "string") {
      throw new TypeError(
        `Upstash GET ${key}: expected a string, got ${typeof value}`,
      );
    }
    return value;
  }

  async set(key: string, value: string, ttlSeconds: number): Promise<void> {
    await this.redis.set(this.prefix + key, value, { ex: ttlSeconds });
  }

  async delete(keys: string[]): Promise<void> {
    await this.redis.del(...keys.map((k) => this.prefix + k));
  }

  async ping(): Promise<void> {
    const answer = await this.redis.ping();
    if (answer !== "PONG") {
      throw new Error(`Upstash PING: expected "PONG", got "${answer}"`);
    }
  }
}
