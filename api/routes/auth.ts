/**
 * Local sign-up and log-in (only when Supabase is not configured; with
 * Supabase the web app signs in against Supabase directly).
 * @module
 */
import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import type { Context } from "hono";
import { type LocalAuth, LocalAuthError } from "../auth/local.ts";
import type { AppEnv } from "../context.ts";
import type { RouteDeps } from "../deps.ts";
import { enforceLimit } from "../middleware/rate_limit.ts";
import { ProblemError, validationHook } from "../problem.ts";
import { credentialsSchema, json, problem, sessionSchema } from "../schemas.ts";

const body = {
  required: true,
  content: { "application/json": { schema: credentialsSchema } },
};

const signup = createRoute({
  method: "post",
  path: "/api/auth/signup",
  tags: ["auth"],
  summary: "Create a local account (only without Supabase)",
  request: { body },
  responses: {
    201: json(sessionSchema, "The new account's session"),
    400: problem("Email or password is invalid"),
    403: problem("Supabase is configured; local accounts are disabled"),
    409: problem("The email is already registered"),
    429: problem("Too many sign-ups from this address; see Retry-After"),
  },
});

const login = createRoute({
  method: "post",
  path: "/api/auth/login",
  tags: ["auth"],
  summary: "Log in to a local account (only without Supabase)",
  request: { body },
  responses: {
    200: json(sessionSchema, "A session"),
    400: problem("Email or password is invalid"),
    401: problem("Wrong email or password"),
    403: problem("Supabase is configured; local accounts are disabled"),
    429: problem("Too many log-in attempts for this email; see Retry-After"),
  },
});

/** The caller's address as Cloud Run's front end reports it. */
function clientIp(c: Context<AppEnv>): string {
  return c.req.header("x-forwarded-for")?.split(",")[0].trim() || "unknown";
}

function enabled(localAuth: LocalAuth | null): LocalAuth {
  if (!localAuth) {
    throw new ProblemError(
      403,
      "Local accounts disabled",
      "Supabase is configured: sign in with Supabase and send its access token",
    );
  }
  return localAuth;
}

function refused(error: unknown): never {
  if (error instanceof LocalAuthError) {
    throw error.reason === "email-taken"
      ? new ProblemError(409, "Email already registered", error.message)
      : new ProblemError(401, "Unauthorized", error.message, {
        type: "/problems/unauthorized",
      });
  }
  throw error;
}

/** The local auth routes. */
export function authRoutes(deps: RouteDeps) {
  return new OpenAPIHono<AppEnv>({ defaultHook: validationHook })
    .openapi(signup, async (c) => {
      const auth = enabled(deps.localAuth);
      const { email, password } = c.req.valid("json");
      await enforceLimit(
        c,
        deps.rateLimiter,
        `signup:${clientIp(c)}`,
        "sign-ups",
      );
      const session = await auth.signup(email, password).catch(refused);
      c.header("Cache-Control", "no-store");
      return c.json(session, 201);
    })
    .openapi(login, async (c) => {
      const auth = enabled(deps.localAuth);
      const { email, password } = c.req.valid("json");
      // Per account, so guessing one user's password is slow whatever the IP.
      await enforceLimit(
        c,
        deps.rateLimiter,
        `login:${email.trim().toLowerCase()}`,
        "log-in attempts",
      );
      const session = await auth.login(email, password).catch(refused);
      c.header("Cache-Control", "no-store");
      return c.json(session, 200);
    });
}
