/**
 * The Hono environment shared by the app, its routes and middleware.
 * @module
 */
import type { RequestBindings } from "./client_address.ts";
import type { Logger } from "./logger.ts";

/** The authenticated caller (from a verified access token). */
export interface AuthUser {
  /** The token's `sub`: a Supabase user id, a local user id, or `ml:<userId>`. */
  id: string;
  email?: string;
  /** The token's `session_id` (Supabase and local tokens carry one). */
  sessionId?: string;
}

/** Per-request variables. */
export interface AppVariables {
  requestId: string;
  logger: Logger;
  /** Set by `requireUser` on authenticated routes. */
  user: AuthUser;
  /** How the response was served from the cache, for the request log. */
  cache?: "hit-memory" | "hit-redis" | "miss";
  /**
   * Every cache entry the response was built from, with its memory-layer
   * version (undefined when the value was not cached, e.g. a 404).
   */
  cacheSources?: { key: string; version: number | undefined }[];
}

/** The Hono `Env` of the API. */
export interface AppEnv {
  /** `c.env`: connection info (Deno.serve) or the in-process web's word. */
  Bindings: RequestBindings | undefined;
  Variables: AppVariables;
}
