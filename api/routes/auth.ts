/**
 * Local sign-up and log-in (only when Supabase is not configured; with
 * Supabase the web app signs in against Supabase directly).
 * @module
 */
import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import { type LocalAuth, LocalAuthError } from "../auth/local.ts";
import { RefreshRefused } from "../auth/sessions.ts";
import { requireUser } from "../middleware/auth.ts";
import type { AppEnv } from "../context.ts";
import type { RouteDeps } from "../deps.ts";
import { enforceLimit } from "../middleware/rate_limit.ts";
import { ProblemError, validationHook } from "../problem.ts";
import {
  credentialsSchema,
  json,
  problem,
  refreshSchema,
  sessionSchema,
  signupAcceptedSchema,
} from "../schemas.ts";

const body = {
  required: true,
  content: { "application/json": { schema: credentialsSchema } },
};

const signup = createRoute({
  method: "post",
  path: "/api/auth/signup",
  tags: ["auth"],
  summary: "Create a local account (only without Supabase)",
  description:
    "Answers 202 whether or not the email was free, as Supabase does, so that sign-up does not tell who has an account: log in next with the same email and password.",
  request: { body },
  responses: {
    202: json(signupAcceptedSchema, "Accepted: log in with these credentials"),
    400: problem("Email or password is invalid"),
    403: problem("Supabase is configured; local accounts are disabled"),
    429: problem("Too many sign-ups from this address; see Retry-After"),
    503: problem("Too many password hashes at once; see Retry-After"),
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
    429: problem(
      "Too many attempts from this address, or failed log-ins for this account from a new address; see Retry-After",
    ),
    503: problem("Too many password hashes at once; see Retry-After"),
  },
});

const refresh = createRoute({
  method: "post",
  path: "/api/auth/refresh",
  tags: ["auth"],
  summary: "Trade a refresh token for a new session (local accounts)",
  description:
    "Returns a new access token and the next refresh token; the one sent stops working. Sending a used refresh token again (after a 10 s grace for concurrent requests) ends the session.",
  request: {
    body: {
      required: true,
      content: { "application/json": { schema: refreshSchema } },
    },
  },
  responses: {
    200: json(sessionSchema, "The renewed session"),
    400: problem("The body is not { refreshToken }"),
    401: problem("The refresh token is unknown, used, or its session ended"),
    403: problem("Supabase is configured; local accounts are disabled"),
  },
});

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

const badCredentials = (error: unknown) =>
  error instanceof LocalAuthError && error.reason === "bad-credentials";

/** The local auth routes. */
export function authRoutes(deps: RouteDeps) {
  const logout = createRoute({
    method: "post",
    path: "/api/auth/logout",
    tags: ["auth"],
    summary: "End the caller's session (local accounts)",
    description:
      "Its refresh token and access tokens stop working; other sessions of the same user stay.",
    security: [{ bearerAuth: [] }],
    middleware: [requireUser(deps.verifier)] as const,
    responses: {
      204: { description: "The session ended" },
      401: problem("No valid access token"),
      403: problem("Supabase is configured; local accounts are disabled"),
    },
  });
  return new OpenAPIHono<AppEnv>({ defaultHook: validationHook })
    .openapi(signup, async (c) => {
      const auth = enabled(deps.localAuth);
      const { email, password } = c.req.valid("json");
      const client = deps.clientOf(c);
      await enforceLimit(c, deps.rateLimiter, client, deps.limits.signups);
      await deps.hashGate.run(() => auth.signup(email, password)).catch(
        (error) => {
          // a taken email is answered like a new one (it took as long)
          if (
            !(error instanceof LocalAuthError && error.reason === "email-taken")
          ) throw error;
        },
      );
      c.header("Cache-Control", "no-store");
      return c.json({
        status: "accepted" as const,
        detail: "Log in with this email and password to start a session",
      }, 202);
    })
    .openapi(login, async (c) => {
      const auth = enabled(deps.localAuth);
      const { email, password } = c.req.valid("json");
      const client = deps.clientOf(c);
      await enforceLimit(c, deps.rateLimiter, client, deps.limits.logins);
      await deps.loginGuard.admit(email, client);
      let session;
      try {
        session = await deps.hashGate.run(() => auth.login(email, password));
      } catch (error) {
        if (!badCredentials(error)) throw error;
        await deps.loginGuard.failed(email);
        throw new ProblemError(401, "Unauthorized", (error as Error).message, {
          type: "/problems/unauthorized",
        });
      }
      await deps.loginGuard.succeeded(email, client);
      c.header("Cache-Control", "no-store");
      return c.json(session, 200);
    })
    .openapi(refresh, async (c) => {
      const auth = enabled(deps.localAuth);
      const { refreshToken } = c.req.valid("json");
      const session = await auth.refresh(refreshToken).catch((error) => {
        if (!(error instanceof RefreshRefused)) throw error;
        if (error.endedSession) {
          deps.verifier.forgetSession?.(error.endedSession);
        }
        throw new ProblemError(401, "Unauthorized", error.message, {
          type: "/problems/unauthorized",
        });
      });
      c.header("Cache-Control", "no-store");
      return c.json(session, 200);
    })
    .openapi(logout, async (c) => {
      const auth = enabled(deps.localAuth);
      const { sessionId } = c.get("user");
      if (sessionId) {
        await auth.logout(sessionId);
        deps.verifier.forgetSession?.(sessionId);
      }
      return c.body(null, 204);
    });
}
