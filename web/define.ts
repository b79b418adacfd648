/**
 * Types shared by the route files, in the spirit of Fresh's `define`
 * helpers: a route file exports `handler = defineRoute({ GET, POST })`.
 */
import type { Context } from "hono";
import type { WebApi } from "./web_api.ts";
import type { AuthProvider, WebSession } from "./auth.ts";
import type { RequestBindings } from "../api/client_address.ts";

/** The Hono environment of the web app. */
export interface WebEnv {
  /** `c.env`: the connection (Deno.serve's info, or the Vercel adapter's). */
  Bindings: RequestBindings | undefined;
  Variables: {
    api: WebApi;
    auth: AuthProvider;
    /** The signed-in session, or null. */
    session: WebSession | null;
  };
}

/** The context every handler receives. */
export type WebContext = Context<WebEnv>;

/** A handler for one method. */
export type Handler = (c: WebContext) => Response | Promise<Response>;

/** The methods a route file handles. */
export interface RouteHandlers {
  GET?: Handler;
  POST?: Handler;
}

/**
 * Declares a route file's handlers (typed, nothing more).
 *
 * @example
 * export const handler = defineRoute({ GET: (c) => c.text("hi") });
 */
export function defineRoute(handlers: RouteHandlers): RouteHandlers {
  return handlers;
}

/** Any origin: only paths are resolved against it. */
const BASE = "http://same-origin.invalid";

/**
 * A same-site path to return to after a form post; anything else becomes
 * `fallback`. `value` is resolved as a browser resolves a Location header
 * (tabs and newlines dropped, `\\` read as `/`, dot segments removed), and
 * only a path on this origin that a browser cannot read as another host
 * (`//host`) is kept.
 *
 * @example
 * safeNext("/movies?page=2"); // "/movies?page=2"
 * safeNext("/\t/evil.example/x", "/"); // "/"
 */
export function safeNext(value: unknown, fallback = "/"): string {
  if (typeof value !== "string" || !value.startsWith("/")) return fallback;
  let url: URL;
  try {
    url = new URL(value, BASE);
  } catch {
    // not a URL a browser would follow
    return fallback;
  }
  const path = `${url.pathname}${url.search}${url.hash}`;
  return url.origin === BASE && !path.startsWith("//") ? path : fallback;
}
