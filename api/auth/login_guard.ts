/**
 * Failed log-ins per account, and the clients an account logged in from.
 * An account whose failures fill one of its windows (api/limits.ts) makes
 * unknown clients wait until the window frees a slot: guessing one
 * password is slow from any number of addresses. A client the account has
 * logged in from before is not held back, so an attack on an account does
 * not lock its owner out. Failures count for unknown emails too: whether
 * an account exists stays invisible.
 * @module
 */
import type { MetaStore } from "../../store/types.ts";
import {
  type RateLimitDecision,
  type RateLimiter,
  type RateLimitPolicy,
  tooManyRequests,
} from "../middleware/rate_limit.ts";

/** Clients remembered per account (the most recent ones). */
export const KNOWN_CLIENTS_KEPT = 5;

const accountOf = (email: string) => email.trim().toLowerCase();
const knownKey = (account: string) => `login-known:${account}`;

/** A client key as kept in the store: hashed, not the address itself. */
async function clientDigest(client: string): Promise<string> {
  const digest = await crypto.subtle.digest(
    "SHA-256",
    new TextEncoder().encode(`movielens-login-client:${client}`),
  );
  return Array.from(new Uint8Array(digest).subarray(0, 16))
    .map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** Options for `LoginGuard`. */
export interface LoginGuardOptions {
  limiter: RateLimiter;
  /** Where known clients are kept (`login-known:<email>`). */
  meta: MetaStore;
  /** Failure windows, shortest first (`limitPolicies().loginFailures`). */
  policies: RateLimitPolicy[];
  /** The limiter's clock, for Retry-After (default Date.now). */
  now?: () => number;
}

/**
 * The per-account back-off of log-ins.
 *
 * @example
 * await guard.admit(email, client);          // throws 429 while backing off
 * try { await auth.login(email, password); await guard.succeeded(email, client); }
 * catch (e) { await guard.failed(email); throw e; }
 */
export class LoginGuard {
  readonly #options: LoginGuardOptions;

  constructor(options: LoginGuardOptions) {
    this.#options = options;
  }

  /** Throws a 429 problem when the account backs off and `client` is new to it. */
  async admit(email: string, client: string): Promise<void> {
    const account = accountOf(email);
    let refusal:
      | { decision: RateLimitDecision; policy: RateLimitPolicy }
      | null = null;
    for (const policy of this.#options.policies) {
      const decision = await this.#options.limiter.peek(account, policy);
      if (
        !decision.allowed && decision.resetAt > (refusal?.decision.resetAt ?? 0)
      ) {
        refusal = { decision, policy };
      }
    }
    if (!refusal || await this.#knows(account, client)) return;
    throw tooManyRequests(
      refusal.decision,
      refusal.policy,
      (this.#options.now ?? Date.now)(),
    );
  }

  /** Counts a failed log-in against every window of the account. */
  async failed(email: string): Promise<void> {
    const account = accountOf(email);
    for (const policy of this.#options.policies) {
      await this.#options.limiter.check(account, policy);
    }
  }

  /** Remembers `client` as one the account logs in from. */
  async succeeded(email: string, client: string): Promise<void> {
    const account = accountOf(email);
    const digest = await clientDigest(client);
    const known = await this.#known(account);
    if (known[0] === digest) return;
    const kept = [digest, ...known.filter((d) => d !== digest)].slice(
      0,
      KNOWN_CLIENTS_KEPT,
    );
    await this.#options.meta.set(knownKey(account), JSON.stringify(kept));
  }

  async #knows(account: string, client: string): Promise<boolean> {
    return (await this.#known(account)).includes(await clientDigest(client));
  }

  async #known(account: string): Promise<string[]> {
    const text = await this.#options.meta.get(knownKey(account));
    if (!text) return [];
    const parsed: unknown = JSON.parse(text);
    return Array.isArray(parsed)
      ? parsed.filter((d) => typeof d === "string")
      : [];
  }
}
