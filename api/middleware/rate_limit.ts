/**
 * Per-user limits on writes: a sliding window in Redis through
 * `@upstash/ratelimit` when Upstash is configured (shared by every
 * instance), an in-memory window otherwise or while Redis fails.
 * @module
 */
import { Ratelimit } from "@upstash/ratelimit";
import type { Redis } from "@upstash/redis";
import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../context.ts";
import type { Logger } from "../logger.ts";
import { ProblemError } from "../problem.ts";

/** The answer for one attempt. */
export interface RateLimitDecision {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** When the window frees a slot, ms since the epoch. */
  resetAt: number;
}

/** Counts attempts per key. */
export interface RateLimiter {
  readonly kind: "memory" | "upstash";
  check(key: string): Promise<RateLimitDecision>;
}

const WINDOW_MS = 60_000;

/**
 * A sliding-window log per key, in memory. Keys whose window is empty are
 * dropped on the next check so the map does not grow without bound.
 *
 * @example
 * const limiter = new MemoryRateLimiter(60);
 * (await limiter.check("user-1")).allowed; // true
 */
export class MemoryRateLimiter implements RateLimiter {
  readonly kind = "memory";
  readonly #hits = new Map<string, number[]>();
  #lastSweep = 0;

  constructor(
    readonly perMinute: number,
    readonly now: () => number = Date.now,
  ) {}

  check(key: string): Promise<RateLimitDecision> {
    const now = this.now();
    this.#sweep(now);
    const recent = (this.#hits.get(key) ?? []).filter((t) =>
      t > now - WINDOW_MS
    );
    const allowed = recent.length < this.perMinute;
    if (allowed) recent.push(now);
    this.#hits.set(key, recent);
    return Promise.resolve({
      allowed,
      limit: this.perMinute,
      remaining: Math.max(0, this.perMinute - recent.length),
      resetAt: (recent[0] ?? now) + WINDOW_MS,
    });
  }

  #sweep(now: number): void {
    if (now - this.#lastSweep < WINDOW_MS) return;
    this.#lastSweep = now;
    for (const [key, times] of this.#hits) {
      if ((times.at(-1) ?? 0) <= now - WINDOW_MS) this.#hits.delete(key);
    }
  }
}

/** Options for `UpstashRateLimiter`. */
export interface UpstashRateLimiterOptions {
  perMinute: number;
  /** Give up on Redis after this long and use the memory fallback. */
  timeoutMs: number;
  logger: Logger;
}

/**
 * A sliding window shared through Redis. When Redis fails or times out the
 * memory limiter answers instead (the limit then holds per instance).
 */
export class UpstashRateLimiter implements RateLimiter {
  readonly kind = "upstash";
  readonly #ratelimit: Ratelimit;
  readonly #fallback: MemoryRateLimiter;
  readonly #logger: Logger;

  constructor(redis: Redis, options: UpstashRateLimiterOptions) {
    this.#ratelimit = new Ratelimit({
      redis,
      limiter: Ratelimit.slidingWindow(options.perMinute, "60 s"),
      prefix: "ratelimit:writes",
      timeout: options.timeoutMs,
      analytics: false,
    });
    this.#fallback = new MemoryRateLimiter(options.perMinute);
    this.#logger = options.logger;
  }

  async check(key: string): Promise<RateLimitDecision> {
    let result;
    try {
      result = await this.#ratelimit.limit(key);
    } catch (error) {
      this.#logger.warning("Rate limit in Redis failed; limiting in memory", {
        error: error instanceof Error ? error.message : String(error),
      });
      return this.#fallback.check(key);
    }
    if (result.reason === "timeout") {
      this.#logger.warning("Rate limit in Redis timed out; limiting in memory");
      return this.#fallback.check(key);
    }
    return {
      allowed: result.success,
      limit: result.limit,
      remaining: result.remaining,
      resetAt: result.reset,
    };
  }
}

/**
 * Counts one attempt for `key`; beyond the limit throws a 429 problem with
 * `Retry-After`, otherwise sets `RateLimit-*` headers on the response.
 */
export async function enforceLimit(
  c: Context<AppEnv>,
  limiter: RateLimiter,
  key: string,
  what = "writes",
): Promise<void> {
  const decision = await limiter.check(key);
  const retryAfter = Math.max(
    1,
    Math.ceil((decision.resetAt - Date.now()) / 1000),
  );
  const headers = {
    "RateLimit-Limit": String(decision.limit),
    "RateLimit-Remaining": String(decision.remaining),
    "RateLimit-Reset": String(retryAfter),
  };
  if (!decision.allowed) {
    throw new ProblemError(
      429,
      "Too many requests",
      `Expected at most ${decision.limit} ${what} per minute; try again in ${retryAfter} s`,
      {
        type: "/problems/rate-limited",
        headers: { ...headers, "Retry-After": String(retryAfter) },
      },
    );
  }
  for (const [name, value] of Object.entries(headers)) c.header(name, value);
}

/**
 * Refuses a user's write beyond the limit with a 429 problem and
 * `Retry-After`. Must run after `requireUser`.
 */
export function limitWrites(limiter: RateLimiter) {
  return createMiddleware<AppEnv>(async (c, next) => {
    await enforceLimit(c, limiter, `user:${c.get("user").id}`);
    await next();
  });
}
