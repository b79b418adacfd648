/**
 * Access-token verification shared by Supabase and local auth: both issue
 * JWTs with `aud: "authenticated"` and the user id in `sub`.
 * @module
 */
import { errors, type JWTPayload } from "jose";
import type { AuthUser } from "../context.ts";

/** The audience Supabase puts in user access tokens. */
export const TOKEN_AUDIENCE = "authenticated";

/** Verifies a bearer token and says who it belongs to. */
export interface TokenVerifier {
  readonly kind: "supabase" | "local";
  /** The token's user; throws `InvalidTokenError` for any bad token. */
  verify(token: string): Promise<AuthUser>;
}

/** Any reason a token is refused; becomes a 401 problem. */
export class InvalidTokenError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "InvalidTokenError";
  }
}

/** The user named by verified claims; a token without `sub` is refused. */
export function userFromClaims(payload: JWTPayload): AuthUser {
  if (typeof payload.sub !== "string" || payload.sub.length === 0) {
    throw new InvalidTokenError("The access token has no subject (sub)");
  }
  if (payload.sub.length > 200) {
    throw new InvalidTokenError("The access token subject is too long");
  }
  const email = typeof payload.email === "string" ? payload.email : undefined;
  return { id: payload.sub, email };
}

/**
 * Turns a jose failure into a refusal that says why without echoing the token.
 * Errors that are not about the token (e.g. the JWKS endpoint being down)
 * are rethrown so that they surface as server errors.
 */
export function refusal(error: unknown): InvalidTokenError {
  if (error instanceof InvalidTokenError) return error;
  if (error instanceof errors.JWTExpired) {
    return new InvalidTokenError("The access token has expired", {
      cause: error,
    });
  }
  if (error instanceof errors.JWTClaimValidationFailed) {
    return new InvalidTokenError(
      `The access token's "${error.claim}" claim is not acceptable`,
      { cause: error },
    );
  }
  if (error instanceof errors.JWKSNoMatchingKey) {
    return new InvalidTokenError(
      "The access token's signing key (kid) is unknown",
      { cause: error },
    );
  }
  if (
    error instanceof errors.JWSSignatureVerificationFailed ||
    error instanceof errors.JWSInvalid ||
    error instanceof errors.JWTInvalid ||
    error instanceof errors.JOSEAlgNotAllowed ||
    error instanceof errors.JOSENotSupported ||
    error instanceof errors.JWKSMultipleMatchingKeys ||
    error instanceof TypeError
  ) {
    return new InvalidTokenError(
      "The access token is malformed or its signature does not verify",
      { cause: error },
    );
  }
  throw error;
}
