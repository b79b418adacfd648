/**
 * Rate limits: sliding windows per key under named policies (writes per
 * user, sign-ups and log-ins per client, …; api/limits.ts defines them).
 * In memory here; shared through Redis in rate_limit_upstash.ts, which
 * falls back to this one while Redis fails.
 * @module
 */
import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../context.ts";
import { ProblemError } from "../problem.ts";

/** One limit: at most `limit` counted events per `windowSeconds`, per key. */
export interface RateLimitPolicy {
  /** Names the policy's keys (and its Redis prefix). */
  name: string;
  limit: number;
  windowSeconds: number;
  /** What is counted, for messages: "writes", "log-in attempts". */
  what: string;
}

/** The answer for one attempt. */
export interface RateLimitDecision {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** When the window frees a slot, ms since the epoch. */
  resetAt: number;
}

/** Counts events per key and policy. */
export interface RateLimiter {
  readonly kind: "memory" | "upstash";
  /** Counts one event for `key` when the policy allows it. */
  check(key: string, policy: RateLimitPolicy): Promise<RateLimitDecision>;
  /** The budget left for `key`, counting nothing. */
  peek(key: string, policy: RateLimitPolicy): Promise<RateLimitDecision>;
}

/** Options for `MemoryRateLimiter`. */
export interface MemoryRateLimiterOptions {
  now?: () => number;
  /**
   * Keys kept at most (default 100,000, a few MiB): beyond, the least
   * recently counted key is dropped, so a flood of keys cannot grow memory.
   */
  maxKeys?: number;
}

/**
 * A sliding-window log per key, in memory. Keys whose window is empty are
 * swept, and at most `maxKeys` are kept.
 *
 * @example
 * const limiter = new MemoryRateLimiter();
 * const writes = { name: "writes", limit: 60, windowSeconds: 60, what: "writes" };
 * (await limiter.check("user-1", writes)).allowed; // true
 */
export class MemoryRateLimiter implements RateLimiter {
  readonly kind = "memory";
  readonly #hits = new Map<string, { windowMs: number; times: number[] }>();
  readonly #now: () => number;
  readonly #maxKeys: number;
  #lastSweep = 0;

  constructor(options: MemoryRateLimiterOptions = {}) {
    this.#now = options.now ?? Date.now;
    this.#maxKeys = options.maxKeys ?? 100_000;
  }

  check(key: string, policy: RateLimitPolicy): Promise<RateLimitDecision> {
    return Promise.resolve(this.#decide(key, policy, true));
  }

  peek(key: string, policy: RateLimitPolicy): Promise<RateLimitDecision> {
    return Promise.resolve(this.#decide(key, policy, false));
  }

  /**
   * Makes `key`'s window hold at least `used` events, the newest counted
   * now: what a shared limiter reported, kept here for when it fails.
   */
  sync(key: string, policy: RateLimitPolicy, used: number): void {
    const now = this.#now();
    const times = this.#recent(`${policy.name}:${key}`, policy, now);
    while (times.length < Math.min(used, policy.limit)) times.push(now);
    this.#store(`${policy.name}:${key}`, policy, times);
  }

  #decide(
    key: string,
    policy: RateLimitPolicy,
    count: boolean,
  ): RateLimitDecision {
    const now = this.#now();
    this.#sweep(now);
    const id = `${policy.name}:${key}`;
    const times = this.#recent(id, policy, now);
    const allowed = times.length < policy.limit;
    if (allowed && count) times.push(now);
    if (times.length > 0) this.#store(id, policy, times);
    else this.#hits.delete(id);
    return {
      allowed,
      limit: policy.limit,
      remaining: Math.max(0, policy.limit - times.length),
      resetAt: (times[0] ?? now) + policy.windowSeconds * 1000,
    };
  }

  #recent(id: string, policy: RateLimitPolicy, now: number): number[] {
    const windowMs = policy.windowSeconds * 1000;
    return (this.#hits.get(id)?.times ?? []).filter((t) => t > now - windowMs);
  }

  #store(id: string, policy: RateLimitPolicy, times: number[]): void {
    this.#hits.delete(id); // re-inserted last: the most recently counted
    this.#hits.set(id, { windowMs: policy.windowSeconds * 1000, times });
    while (this.#hits.size > this.#maxKeys) {
      this.#hits.delete(this.#hits.keys().next().value as string);
    }
  }

  #sweep(now: number): void {
    if (now - this.#lastSweep < 60_000) return;
    this.#lastSweep = now;
    for (const [id, { windowMs, times }] of this.#hits) {
      if ((times.at(-1) ?? 0) <= now - windowMs) this.#hits.delete(id);
    }
  }
}

/** "minute", "hour", "day" or "N s", for messages. */
export function windowWords(seconds: number): string {
  return seconds === 60
    ? "minute"
    : seconds === 3600
    ? "hour"
    : seconds === 86400
    ? "day"
    : `${seconds} s`;
}

/** The 429 problem for a refused decision, with `Retry-After`. */
export function tooManyRequests(
  decision: RateLimitDecision,
  policy: RateLimitPolicy,
  now = Date.now(),
): ProblemError {
  const retryAfter = Math.max(1, Math.ceil((decision.resetAt - now) / 1000));
  return new ProblemError(
    429,
    "Too many requests",
    `Expected at most ${decision.limit} ${policy.what} per ${
      windowWords(policy.windowSeconds)
    }; try again in ${retryAfter} s`,
    {
      type: "/problems/rate-limited",
      headers: {
        "RateLimit-Limit": String(decision.limit),
        "RateLimit-Remaining": "0",
        "RateLimit-Reset": String(retryAfter),
        "Retry-After": String(retryAfter),
      },
    },
  );
}

/**
 * Counts one event for `key`; beyond the limit throws a 429 problem with
 * `Retry-After`, otherwise sets `RateLimit-*` headers on the response.
 */
export async function enforceLimit(
  c: Context<AppEnv>,
  limiter: RateLimiter,
  key: string,
  policy: RateLimitPolicy,
): Promise<void> {
  const decision = await limiter.check(key, policy);
  if (!decision.allowed) throw tooManyRequests(decision, policy);
  const reset = Math.max(1, Math.ceil((decision.resetAt - Date.now()) / 1000));
  c.header("RateLimit-Limit", String(decision.limit));
  c.header("RateLimit-Remaining", String(decision.remaining));
  c.header("RateLimit-Reset", String(reset));
}

/**
 * Refuses a user's write beyond the limit with a 429 problem and
 * `Retry-After`. Must run after `requireUser`.
 */
export function limitWrites(limiter: RateLimiter, policy: RateLimitPolicy) {
  return createMiddleware<AppEnv>(async (c, next) => {
    await enforceLimit(c, limiter, `user:${c.get("user").id}`, policy);
    await next();
  });
}

/** What `countedRead` needs from the route's dependencies. */
export interface ReadLimitDeps {
  rateLimiter: RateLimiter;
  limits: { reads: RateLimitPolicy };
  clientOf(c: Context<AppEnv>): string;
}

/**
 * `compute`, counted first against the caller's budget of uncached reads:
 * pass it to `cached()` so that answers from the cache cost nothing.
 *
 * @example
 * const page = await cached(c, cache, key, countedRead(c, deps, () => query()));
 */
export function countedRead<T>(
  c: Context<AppEnv>,
  deps: ReadLimitDeps,
  compute: () => Promise<T>,
): () => Promise<T> {
  return async () => {
    await enforceLimit(
      c,
      deps.rateLimiter,
      deps.clientOf(c),
      deps.limits.reads,
    );
    return await compute();
  };
}
