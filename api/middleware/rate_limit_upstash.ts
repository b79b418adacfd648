/**
 * Rate limits shared by every instance: sliding windows in Redis through
 * `@upstash/ratelimit`. Each answer from Redis is copied into a memory
 * limiter, which answers while Redis fails or times out — with the budgets
 * Redis last reported, so losing Redis does not hand every client a fresh
 * budget (the limit then holds per instance).
 * @module
 */
import { Ratelimit } from "@upstash/ratelimit";
import type { Redis } from "@upstash/redis";
import type { Logger } from "../logger.ts";
import {
  MemoryRateLimiter,
  type RateLimitDecision,
  type RateLimiter,
  type RateLimitPolicy,
} from "./rate_limit.ts";

/** Options for `UpstashRateLimiter`. */
export interface UpstashRateLimiterOptions {
  /** Give up on Redis after this long and use the memory fallback. */
  timeoutMs: number;
  logger: Logger;
  /** After a failure, limit in memory for this long (default 5 s). */
  cooldownMs?: number;
}

/**
 * A sliding window per policy in Redis (keys `ratelimit:<policy>:<key>`).
 *
 * @example
 * const limiter = new UpstashRateLimiter(redis, { timeoutMs: 250, logger });
 */
export class UpstashRateLimiter implements RateLimiter {
  readonly kind = "upstash";
  readonly #redis: Redis;
  readonly #timeoutMs: number;
  readonly #windows = new Map<string, Ratelimit>();
  readonly #fallback = new MemoryRateLimiter();
  readonly #logger: Logger;
  readonly #cooldownMs: number;
  /** Until then Redis is skipped: a dead Redis costs no timeout per request. */
  #downUntil = 0;

  constructor(redis: Redis, options: UpstashRateLimiterOptions) {
    this.#redis = redis;
    this.#timeoutMs = options.timeoutMs;
    this.#logger = options.logger;
    this.#cooldownMs = options.cooldownMs ?? 5000;
  }

  async check(
    key: string,
    policy: RateLimitPolicy,
  ): Promise<RateLimitDecision> {
    if (Date.now() < this.#downUntil) return this.#fallback.check(key, policy);
    let result;
    try {
      result = await this.#window(policy).limit(key);
    } catch (error) {
      return this.#failed(error, () => this.#fallback.check(key, policy));
    }
    if (result.reason === "timeout") {
      return this.#failed(
        new Error(`no answer within ${this.#timeoutMs} ms`),
        () => this.#fallback.check(key, policy),
      );
    }
    this.#fallback.sync(key, policy, result.limit - result.remaining);
    return {
      allowed: result.success,
      limit: result.limit,
      remaining: result.remaining,
      resetAt: result.reset,
    };
  }

  async peek(
    key: string,
    policy: RateLimitPolicy,
  ): Promise<RateLimitDecision> {
    if (Date.now() < this.#downUntil) return this.#fallback.peek(key, policy);
    let timer: ReturnType<typeof setTimeout> | undefined;
    try {
      const result = await Promise.race([
        this.#window(policy).getRemaining(key),
        new Promise<never>((_, reject) => {
          timer = setTimeout(
            () => reject(new Error(`no answer within ${this.#timeoutMs} ms`)),
            this.#timeoutMs,
          );
        }),
      ]);
      this.#fallback.sync(key, policy, result.limit - result.remaining);
      return {
        allowed: result.remaining > 0,
        limit: result.limit,
        remaining: result.remaining,
        resetAt: result.reset,
      };
    } catch (error) {
      return this.#failed(error, () => this.#fallback.peek(key, policy));
    } finally {
      clearTimeout(timer);
    }
  }

  #window(policy: RateLimitPolicy): Ratelimit {
    let window = this.#windows.get(policy.name);
    if (!window) {
      window = new Ratelimit({
        redis: this.#redis,
        limiter: Ratelimit.slidingWindow(
          policy.limit,
          `${policy.windowSeconds} s`,
        ),
        prefix: `ratelimit:${policy.name}`,
        timeout: this.#timeoutMs,
        analytics: false,
      });
      this.#windows.set(policy.name, window);
    }
    return window;
  }

  #failed(
    error: unknown,
    fallback: () => Promise<RateLimitDecision>,
  ): Promise<RateLimitDecision> {
    this.#downUntil = Date.now() + this.#cooldownMs;
    this.#logger.warning("Rate limit in Redis failed; limiting in memory", {
      error: (error instanceof Error ? error.message : String(error)).slice(
        0,
        200,
      ),
      cooldownMs: this.#cooldownMs,
    });
    return fallback();
  }
}
