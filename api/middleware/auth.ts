/**
 * `requireUser`: the bearer-token gate of authenticated routes.
 * @module
 */
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../context.ts";
import { ProblemError } from "../problem.ts";
import { InvalidTokenError, type TokenVerifier } from "../auth/token.ts";

/** Longer headers are refused before any parsing. */
const MAX_TOKEN_LENGTH = 8192;

function unauthorized(detail: string, error = "invalid_token"): ProblemError {
  return new ProblemError(401, "Unauthorized", detail, {
    type: "/problems/unauthorized",
    headers: { "WWW-Authenticate": `Bearer error="${error}"` },
  });
}

/**
 * Verifies `Authorization: Bearer <token>` and sets `c.var.user`; anything
 * else is a 401 problem that says what was wrong (never the token itself).
 *
 * @example
 * createRoute({ ..., middleware: [requireUser(verifier)] });
 */
export function requireUser(verifier: TokenVerifier) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const header = c.req.header("authorization");
    if (!header) {
      throw new ProblemError(
        401,
        "Unauthorized",
        "Expected an Authorization: Bearer <access token> header",
        {
          type: "/problems/unauthorized",
          headers: { "WWW-Authenticate": "Bearer" },
        },
      );
    }
    const match = /^Bearer +([^\s]+)\s*$/i.exec(header);
    if (!match) {
      throw unauthorized(
        "Expected the Authorization header to be 'Bearer <access token>'",
        "invalid_request",
      );
    }
    if (match[1].length > MAX_TOKEN_LENGTH) {
      throw unauthorized("The access token is too long");
    }
    try {
      c.set("user", await verifier.verify(match[1]));
    } catch (error) {
      if (error instanceof InvalidTokenError) {
        throw unauthorized(error.message);
      }
      // Not about the token: the key set could not be fetched.
      c.get("logger").error("Token verification failed", { error });
      throw new ProblemError(
        503,
        "Service unavailable",
        "Access tokens cannot be verified right now; try again shortly",
        { headers: { "Retry-After": "5" } },
      );
    }
    await next();
  });
}
