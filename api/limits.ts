/**
 * Every rate limit of the API, in one place, from config: what is counted,
 * per what, how many per window. docs/SECURITY.md explains each default.
 * @module
 */
import type { Config } from "../config/mod.ts";
import type { RateLimitPolicy } from "./middleware/rate_limit.ts";

/** The API's rate-limit policies. */
export interface LimitPolicies {
  /** Writes per signed-in user (RATE_LIMIT_PER_MINUTE). */
  writes: RateLimitPolicy;
  /** Sign-ups per client address (AUTH_RATE_LIMIT_PER_MINUTE). */
  signups: RateLimitPolicy;
  /** Log-in attempts per client address (AUTH_RATE_LIMIT_PER_MINUTE). */
  logins: RateLimitPolicy;
  /** Uncached expensive reads per client address (READ_RATE_LIMIT_PER_MINUTE). */
  reads: RateLimitPolicy;
  /**
   * Failed log-ins per account, each tier a longer window: once one is
   * spent, an unknown client waits until it frees a slot — a back-off that
   * grows from a minute to an hour to a day as failures pile up. Clients
   * the account logged in from before are not held back (api/auth/login_guard.ts).
   */
  loginFailures: RateLimitPolicy[];
}

/** Failed log-ins an account allows per minute, hour and day. */
export const LOGIN_FAILURE_TIERS = [
  { limit: 5, windowSeconds: 60 },
  { limit: 20, windowSeconds: 3600 },
  { limit: 100, windowSeconds: 86400 },
] as const;

/**
 * The policies `config` sets.
 *
 * @example
 * limitPolicies(parseConfig({})).logins.limit; // 10
 */
export function limitPolicies(
  config: Pick<
    Config,
    | "RATE_LIMIT_PER_MINUTE"
    | "AUTH_RATE_LIMIT_PER_MINUTE"
    | "READ_RATE_LIMIT_PER_MINUTE"
  >,
): LimitPolicies {
  const perMinute = (name: string, limit: number, what: string) => ({
    name,
    limit,
    windowSeconds: 60,
    what,
  });
  return {
    writes: perMinute("writes", config.RATE_LIMIT_PER_MINUTE, "writes"),
    signups: perMinute(
      "signups",
      config.AUTH_RATE_LIMIT_PER_MINUTE,
      "sign-ups from one address",
    ),
    logins: perMinute(
      "logins",
      config.AUTH_RATE_LIMIT_PER_MINUTE,
      "log-in attempts from one address",
    ),
    reads: perMinute(
      "reads",
      config.READ_RATE_LIMIT_PER_MINUTE,
      "uncached reads from one address",
    ),
    loginFailures: LOGIN_FAILURE_TIERS.map(({ limit, windowSeconds }) => ({
      name: `login-failures-${windowSeconds}s`,
      limit,
      windowSeconds,
      what: "failed log-ins for this account",
    })),
  };
}
