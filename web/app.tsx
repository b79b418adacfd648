/**
 * The web app: server-rendered pages over the API. Runtime-neutral (no
 * Deno APIs), so the same app runs in `deno task start` and on Vercel.
 */
import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { csrf } from "hono/csrf";
import { HTTPException } from "hono/http-exception";
import { TMDB_IMAGE_ORIGIN } from "../core/poster.ts";
import { ApiError, WebApi } from "./web_api.ts";
import { addressFromProxies } from "../api/client_address.ts";
import type { Config } from "../config/mod.ts";
import {
  type ApiClient,
  createApiClient,
  type InProcessApp,
} from "./api_client.ts";
import { type AuthProvider, localAuth, supabaseAuth } from "./auth.ts";
import type { WebEnv } from "./define.ts";
import { registerRoutes } from "./router.ts";
import { clearSession, resolveSession } from "./session.ts";
import { notFound } from "./routes/_404.tsx";
import { errorPage } from "./routes/_500.tsx";
import { compressResponses } from "./compression.ts";

/** What the web app needs. */
export interface WebAppOptions {
  client: ApiClient;
  /** Defaults to the API's local auth. */
  auth?: (api: WebApi) => AuthProvider;
  /** Where unexpected errors are reported (default: console.error). */
  onUnexpectedError?: (error: unknown, path: string) => void;
  /** Proxies in front that append to X-Forwarded-For (TRUSTED_PROXY_COUNT). */
  trustedProxies?: number;
}

/**
 * Largest request body the web reads. Its forms (log in, sign up, a rating)
 * post well under 1 KiB; anything bigger is refused before it is read.
 */
export const WEB_FORM_MAX_BYTES = 8 * 1024;

const SECURITY_HEADERS = {
  "content-security-policy": [
    "default-src 'self'",
    "script-src 'self'",
    // Poster tiles set a CSS variable in a style attribute.
    "style-src 'self' 'unsafe-inline'",
    // Posters come from TMDB's image host, and from nowhere else.
    `img-src 'self' data: ${TMDB_IMAGE_ORIGIN}`,
    "connect-src 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    "base-uri 'self'",
  ].join("; "),
  "x-content-type-options": "nosniff",
  "referrer-policy": "strict-origin-when-cross-origin",
};

/**
 * Creates the web app.
 *
 * @example
 * const web = createWebApp({ client: createApiClient({ app: apiApp }) });
 * Deno.serve(web.fetch);
 */
export function createWebApp(options: WebAppOptions): Hono<WebEnv> {
  const api = new WebApi(options.client);
  const authFor = options.auth ?? localAuth;
  const report = options.onUnexpectedError ??
    ((error, path) => console.error(`Error on ${path}:`, error));
  const app = new Hono<WebEnv>();
  // Outermost, so that error pages are compressed too.
  app.use(compressResponses());
  app.use(async (c, next) => {
    // Calls for this browser carry its address, for the API's per-client limits.
    const browser = addressFromProxies(
      c.req.header("x-forwarded-for"),
      c.env?.remoteAddr?.hostname,
      options.trustedProxies ?? 0,
    );
    const forBrowser = api.forClient(browser);
    c.set("api", forBrowser);
    const auth = authFor(forBrowser);
    c.set("auth", auth);
    c.set("session", await resolveSession(c, auth));
    await next();
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) {
      if (!c.res.headers.has(name)) c.res.headers.set(name, value);
    }
  });
  app.use(
    bodyLimit({
      maxSize: WEB_FORM_MAX_BYTES,
      onError: (c) =>
        errorPage(
          c,
          413,
          `This form was larger than ${WEB_FORM_MAX_BYTES} bytes, so it was refused.`,
        ),
    }),
  );
  app.use(csrf());
  registerRoutes(app);
  app.notFound((c) => notFound(c));
  app.onError((error, c) => {
    if (error instanceof ApiError && error.status === 401) {
      // The token expired or was revoked: sign out and ask to log in again.
      clearSession(c);
      const next = encodeURIComponent(new URL(c.req.url).pathname);
      return c.redirect(`/login?next=${next}`, 303);
    }
    if (error instanceof ApiError && error.status === 404) return notFound(c);
    if (error instanceof HTTPException && error.status === 403) {
      return errorPage(
        c,
        400,
        "This form came from another site, so it was refused. Please use the form on this site.",
      );
    }
    if (error instanceof ApiError && error.status === 503) {
      // the API is busy (a store locked by another writer): nothing broke
      c.header("Retry-After", "1");
      return errorPage(
        c,
        503,
        "The movie service is busy: nothing was saved. Please try again in a moment.",
      );
    }
    report(error, c.req.path);
    if (error instanceof ApiError && error.status === 429) {
      return errorPage(
        c,
        503,
        "Too many requests: please wait a minute and try again.",
      );
    }
    return errorPage(
      c,
      error instanceof ApiError || error instanceof TypeError ? 502 : 500,
      error instanceof ApiError || error instanceof TypeError
        ? "The movie service did not answer as expected. Please try again in a moment."
        : "An unexpected error happened on our side. Please try again.",
    );
  });
  return app;
}

/**
 * The web app wired from config: Supabase Auth when SUPABASE_URL and
 * SUPABASE_ANON_KEY are set, the API's local auth otherwise.
 */
export function webAppFromConfig(
  config: Config,
  api?: InProcessApp,
  onUnexpectedError?: (error: unknown, path: string) => void,
) {
  const client = config.API_URL
    ? createApiClient({
      apiUrl: config.API_URL,
      forwardedSecret: config.FORWARDED_CLIENT_SECRET,
    })
    : api
    ? createApiClient({ app: api })
    : null;
  if (!client) {
    throw new Error(
      "The web app needs an API: expected API_URL or an in-process API, found neither",
    );
  }
  const { SUPABASE_URL: url, SUPABASE_ANON_KEY: anonKey } = config;
  return createWebApp({
    client,
    auth: url && anonKey ? () => supabaseAuth({ url, anonKey }) : undefined,
    onUnexpectedError,
    trustedProxies: config.TRUSTED_PROXY_COUNT,
  });
}
