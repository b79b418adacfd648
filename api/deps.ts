/**
 * What the app is built from. `createApp` takes `AppDeps` (only config and
 * store are required) and resolves the rest into `RouteDeps`;
 * `prepareDeps` chooses them from config for a server.
 * @module
 */
import type { Config } from "../config/mod.ts";
import type { Recommender } from "../core/recommender.ts";
import type { Cache } from "../store/cache/tiered.ts";
import { openCache } from "../store/cache/mod.ts";
import { openObjectStorage } from "../store/mod.ts";
import type { ObjectStorage, Store } from "../store/types.ts";
import type { LocalAuth } from "./auth/local.ts";
import type { HistoryFingerprints } from "./history_fingerprint.ts";
import type { TokenVerifier } from "./auth/token.ts";
import type { Logger } from "./logger.ts";
import type { PosterPaths } from "./posters.ts";
import type { HashGate } from "./auth/hash_gate.ts";
import type { LoginGuard } from "./auth/login_guard.ts";
import type { AppEnv } from "./context.ts";
import type { LimitPolicies } from "./limits.ts";
import {
  MemoryRateLimiter,
  type RateLimiter,
} from "./middleware/rate_limit.ts";
import { UpstashRateLimiter } from "./middleware/rate_limit_upstash.ts";
import type { Context } from "hono";
import { buildServing, type Serving } from "../serving/mod.ts";

/** The inputs of `createApp`. */
export interface AppDeps {
  config: Config;
  store: Store;
  /** Default: a memory-only cache sized from config. */
  cache?: Cache;
  /** Default: built from the store on first use (`buildServing`). */
  serving?: Serving | Promise<Serving>;
  /**
   * Default: the posters step's paths from `store.meta`, read on first use
   * and again when the step wrote new ones (`POSTER_REFRESH_SECONDS`).
   */
  posters?: PosterPaths;
  /** Replaces the personalised recommender of `serving`. */
  recommender?: Recommender;
  /** Default: JSON logs at `LOG_LEVEL`. */
  logger?: Logger;
  /** Default: in memory (limits from config, api/limits.ts). */
  rateLimiter?: RateLimiter;
  /** Default: Supabase when configured, local auth otherwise. */
  verifier?: TokenVerifier;
  /** Default: local auth over `store.meta` when Supabase is not configured. */
  localAuth?: LocalAuth | null;
  /**
   * Answer public cached GETs from stored bytes ahead of the middleware
   * chain (api/cached_responses.ts). Default true; false sends every
   * request through the chain, so tests can compare the two paths.
   */
  fastPath?: boolean;
}

/** What routes receive: every dependency resolved. */
export interface RouteDeps {
  config: Config;
  store: Store;
  cache: Cache;
  serving: () => Promise<Serving>;
  posters: PosterPaths;
  /** Users' history fingerprints: the cache keys of what depends on a history. */
  fingerprints: HistoryFingerprints;
  logger: Logger;
  rateLimiter: RateLimiter;
  /** Every rate-limit policy, from config. */
  limits: LimitPolicies;
  /** The key per-client limits count under (api/client_address.ts). */
  clientOf(c: Context<AppEnv>): string;
  verifier: TokenVerifier;
  localAuth: LocalAuth | null;
  /** Per-account back-off of failed log-ins (with local auth). */
  loginGuard: LoginGuard;
  /** Password hashes at once (PASSWORD_HASH_CONCURRENCY). */
  hashGate: HashGate;
}

/** Options for `prepareDeps`. */
export interface PrepareDepsOptions {
  logger: Logger;
  /** Build serving now (the default), so the first request is not slow. */
  eager?: boolean;
  /**
   * Where the serving artifact is read from; default
   * `openObjectStorage(config)` (the GCS bucket, or the local folder).
   */
  objects?: ObjectStorage;
}

/**
 * Everything `createApp` needs beyond config and store, chosen from config:
 * the cache (memory, or memory + Upstash), the rate limiter (Upstash or
 * memory) and, eagerly, the serving state (from the serving artifact in
 * object storage when there is one: one object instead of every row).
 *
 * @example
 * const deps = await prepareDeps(config, store, { logger });
 * const app = createApp(deps);
 */
export async function prepareDeps(
  config: Config,
  store: Store,
  options: PrepareDepsOptions,
): Promise<AppDeps> {
  const { logger } = options;
  const { cache, redis } = openCache(config, logger);
  const rateLimiter = redis
    ? new UpstashRateLimiter(redis, {
      timeoutMs: config.REDIS_TIMEOUT_MS,
      logger,
    })
    : new MemoryRateLimiter();
  const serving = options.eager === false
    ? undefined
    : await buildServing(store, config, {
      logger,
      objects: options.objects ?? openObjectStorage(config),
    });
  if (options.eager !== false) {
    // In the background: the server answers meanwhile, searches wait for it.
    store.movies.prepareSearch().catch((error) =>
      logger.warning("Title search index not built at start", { error })
    );
  }
  return { config, store, cache, rateLimiter, logger, serving };
}

/**
 * Builds what the first requests do not need (the search indexes) once the
 * server listens, logging when it is ready or why it failed (a search then
 * builds it itself). Settles when done; await it before closing the store.
 *
 * @example
 * const preparing = prepareInBackground(deps);
 * // … on shutdown:
 * await preparing;
 */
export async function prepareInBackground(deps: AppDeps): Promise<void> {
  if (!deps.serving) return;
  const started = performance.now();
  try {
    await (await deps.serving).prepareInBackground();
    deps.logger?.info("Search ready", {
      ms: Math.round(performance.now() - started),
    });
  } catch (error) {
    deps.logger?.error("Preparing search failed", {
      error: error instanceof Error ? error.message : String(error),
    });
  }
}
