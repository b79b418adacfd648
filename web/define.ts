/**
 * Types shared by the route files, in the spirit of Fresh's `define`
 * helpers: a route file exports `handler = defineRoute({ GET, POST })`.
 */
import type { Context } from "hono";
import type { WebApi } from "./web_api.ts";
import type { AuthProvider, WebSession } from "./auth.ts";

/** The Hono environment of the web app. */
export interface WebEnv {
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

/**
 * A same-site path to return to after a form post; anything else (absent,
 * absolute, protocol-relative) becomes `fallback`.
 */
export function safeNext(value: unknown, fallback = "/"): string {
  return typeof value === "string" && value.startsWith("/") &&
      !value.startsWith("//") && !value.startsWith("/\\")
    ? value
    : fallback;
}
