/**
 * The API as one Hono app: `createApp(deps)` wires middleware, routes, the
 * OpenAPI document and error handling. Mount it in-process (web) or serve
 * it (`api/main.ts`); `AppType` types the RPC client (`hc<AppType>`).
 * @module
 */
import { OpenAPIHono } from "@hono/zod-openapi";
import { bodyLimit } from "hono/body-limit";
import { cors } from "hono/cors";
import { requestId } from "hono/request-id";
import { secureHeaders } from "hono/secure-headers";
import { TieredCache } from "../store/cache/tiered.ts";
import { LocalAuth } from "./auth/local.ts";
import { docsPage } from "./docs_page.ts";
import { supabaseVerifier } from "./auth/supabase.ts";
import { rememberVerified } from "./auth/token.ts";
import type { AppEnv } from "./context.ts";
import type { AppDeps, RouteDeps } from "./deps.ts";
import { FastPath } from "./cached_responses.ts";
import { HistoryFingerprints } from "./history_fingerprint.ts";
import { jsonLogger } from "./logger.ts";
import { MemoryRateLimiter } from "./middleware/rate_limit.ts";
import { RequestLog } from "./middleware/request_log.ts";
import { StoredPosterPaths } from "./posters.ts";
import { HashGate } from "./auth/hash_gate.ts";
import { LoginGuard } from "./auth/login_guard.ts";
import { clientAddress, clientKey } from "./client_address.ts";
import { limitPolicies } from "./limits.ts";
import { notFound, onError, ProblemError, validationHook } from "./problem.ts";
import { authRoutes } from "./routes/auth.ts";
import { healthRoutes } from "./routes/health.ts";
import { interactionRoutes } from "./routes/interactions.ts";
import { movieRoutes } from "./routes/movies.ts";
import { onboardingRoutes } from "./routes/onboarding.ts";
import { recommendationRoutes } from "./routes/recommendations.ts";
import { searchRoutes } from "./routes/search.ts";
import { buildServing, type Serving } from "../serving/mod.ts";

/** Fills in every dependency `deps` leaves out, from config. */
export function resolveDeps(deps: AppDeps): RouteDeps {
  const { config, store } = deps;
  const logger = deps.logger ?? jsonLogger({ level: config.LOG_LEVEL });
  const localAuth = deps.localAuth !== undefined
    ? deps.localAuth
    : config.supabaseAuth
    ? null
    : new LocalAuth(store.meta, {
      secret: config.LOCAL_AUTH_SECRET,
      secretFile: `${config.dataDir}/local-auth.key`,
    });
  const verifier = deps.verifier ??
    (config.supabaseAuth
      ? supabaseVerifier({
        jwtSecret: config.SUPABASE_JWT_SECRET,
        supabaseUrl: config.SUPABASE_URL,
        issuer: config.SUPABASE_JWT_ISSUER,
      })
      : localAuth?.verifier);
  if (!verifier) {
    throw new Error(
      "createApp: expected a token verifier (Supabase config, local auth or deps.verifier), found none",
    );
  }
  let serving: Promise<Serving> | undefined;
  const loadServing = async (): Promise<Serving> => {
    const built =
      await (deps.serving ?? buildServing(store, config, { logger }));
    return deps.recommender
      ? { ...built, recommender: deps.recommender }
      : built;
  };
  const rateLimiter = deps.rateLimiter ?? new MemoryRateLimiter();
  const limits = limitPolicies(config);
  const addressOptions = {
    trustedProxies: config.TRUSTED_PROXY_COUNT,
    forwardedSecret: config.FORWARDED_CLIENT_SECRET,
  };
  return {
    config,
    store,
    logger,
    localAuth,
    limits,
    clientOf: (c) => clientKey(clientAddress(c.req, c.env, addressOptions)),
    loginGuard: new LoginGuard({
      limiter: rateLimiter,
      meta: store.meta,
      policies: limits.loginFailures,
    }),
    hashGate: new HashGate(config.PASSWORD_HASH_CONCURRENCY),
    verifier: rememberVerified(verifier),
    cache: deps.cache ??
      new TieredCache({
        maxEntries: config.CACHE_MAX_ENTRIES,
        maxBytes: config.CACHE_MAX_BYTES,
        ttlSeconds: config.CACHE_TTL_SECONDS,
        logger,
      }),
    rateLimiter,
    posters: deps.posters ??
      new StoredPosterPaths(store.meta, {
        logger,
        refreshSeconds: config.POSTER_REFRESH_SECONDS,
      }),
    fingerprints: new HistoryFingerprints(
      store.interactions,
      config.CACHE_MAX_ENTRIES,
    ),
    // Built once, on first use; a failed build is retried on the next request.
    serving: () => {
      serving ??= loadServing().catch((error) => {
        serving = undefined;
        throw error;
      });
      return serving;
    },
  };
}

/**
 * Builds the API.
 *
 * @example
 * const app = createApp({ config: parseConfig({}), store });
 * const res = await app.request("/api/movies?q=toy");
 */
export function createApp(deps: AppDeps) {
  const resolved = resolveDeps(deps);
  const { config, logger } = resolved;
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
  const requestLog = new RequestLog(logger, {
    projectId: config.GOOGLE_CLOUD_PROJECT,
    sampleRate: config.REQUEST_LOG_SAMPLE,
    slowMs: config.SLOW_REQUEST_MS,
  });
  const fast = new FastPath({
    cache: resolved.cache,
    requestLog,
    maxEntries: config.CACHE_MAX_ENTRIES,
    // bodies carry poster paths, which the cache entries do not
    generation: () => resolved.posters.generation(),
  });
  // Public cached GETs are answered from stored bytes ahead of the chain
  // below (`app.fetch` is wrapped at the end); this keeps them up to date.
  const fastPath = deps.fastPath ?? true;
  if (fastPath) app.use(fast.capture());
  app.use(requestId());
  app.use(requestLog.middleware());
  app.use(secureHeaders());
  app.use(
    cors({
      origin: (origin) =>
        config.corsOrigins.includes("*") || config.corsOrigins.includes(origin)
          ? origin
          : null,
      allowMethods: ["GET", "POST", "DELETE", "OPTIONS"],
      allowHeaders: ["Authorization", "Content-Type", "X-Request-Id"],
      exposeHeaders: [
        "X-Request-Id",
        "Retry-After",
        "RateLimit-Limit",
        "RateLimit-Remaining",
        "RateLimit-Reset",
        "X-Cache",
      ],
      maxAge: 600,
    }),
  );
  app.use(
    "/api/*",
    bodyLimit({
      maxSize: config.MAX_BODY_BYTES,
      onError: () => {
        throw new ProblemError(
          413,
          "Payload too large",
          `Expected a body of at most ${config.MAX_BODY_BYTES} bytes`,
        );
      },
    }),
  );
  app.openAPIRegistry.registerComponent("securitySchemes", "bearerAuth", {
    type: "http",
    scheme: "bearer",
    bearerFormat: "JWT",
    description:
      "A Supabase access token, or one from /api/auth/login when Supabase is not configured",
  });
  const routes = app
    .route("/", healthRoutes(resolved))
    .route("/", movieRoutes(resolved))
    .route("/", searchRoutes(resolved))
    .route("/", interactionRoutes(resolved))
    .route("/", recommendationRoutes(resolved))
    .route("/", onboardingRoutes(resolved))
    .route("/", authRoutes(resolved));
  app.doc("/openapi.json", {
    openapi: "3.0.3",
    info: {
      title: "MovieLens Recommender API",
      version: "1.0.0",
      description:
        "Movies, ratings and recommendations over MovieLens. Errors are RFC 9457 problem details.",
    },
  });
  app.get("/docs", docsPage("/openapi.json"));
  app.onError(onError);
  app.notFound(notFound);
  // `fetch` is an own property of a Hono app, and `app.request()` (tests,
  // the web server) goes through it too.
  const fetchThroughChain = routes.fetch;
  if (fastPath) {
    routes.fetch = (request, env, executionCtx) =>
      fast.serve(request) ?? fetchThroughChain(request, env, executionCtx);
  }
  return routes;
}

/** The API's type, for `hc<AppType>` in the web app. */
export type AppType = ReturnType<typeof createApp>;
