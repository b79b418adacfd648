/**
 * Access-token verification shared by Supabase and local auth: both issue
 * JWTs with `aud: "authenticated"` and the user id in `sub`.
 * @module
 */
import { decodeJwt, errors, type JWTPayload } from "jose";
import type { AuthUser } from "../context.ts";

/** The audience Supabase puts in user access tokens. */
export const TOKEN_AUDIENCE = "authenticated";

/** Verifies a bearer token and says who it belongs to. */
export interface TokenVerifier {
  readonly kind: "supabase" | "local";
  /** The token's user; throws `InvalidTokenError` for any bad token. */
  verify(token: string): Promise<AuthUser>;
  /** Forgets what it remembered of a session's tokens (it just ended). */
  forgetSession?(sessionId: string): void;
}

/** Any reason a token is refused; becomes a 401 problem. */
export class InvalidTokenError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "InvalidTokenError";
  }
}

/**
 * An HS256 verification key for `secret`. jose imports a raw secret into a
 * CryptoKey on every call (about 40 µs here); verifiers import it once.
 *
 * @example
 * const key = await hmacVerifyKey(new TextEncoder().encode(secret));
 * await jwtVerify(token, key, { algorithms: ["HS256"] });
 */
export function hmacVerifyKey(secret: Uint8Array): Promise<CryptoKey> {
  return crypto.subtle.importKey(
    "raw",
    secret as Uint8Array<ArrayBuffer>,
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["verify"],
  );
}

/** Options for `rememberVerified`. */
export interface RememberVerifiedOptions {
  /** Tokens remembered at most (default 10,000). */
  maxEntries?: number;
  /** Clock in ms (tests). */
  now?: () => number;
}

/**
 * A verifier that remembers tokens it accepted until they expire, so that a
 * client repeating its token (every request of a session) is checked once:
 * a signature check is about a third of a cached personalised answer. The
 * token string is the key, so any other token is verified in full; only
 * acceptances are remembered, and never past the token's `exp`.
 *
 * @example
 * const verifier = rememberVerified(localAuth.verifier);
 */
export function rememberVerified(
  verifier: TokenVerifier,
  options: RememberVerifiedOptions = {},
): TokenVerifier {
  const maxEntries = options.maxEntries ?? 10_000;
  const now = options.now ?? Date.now;
  const known = new Map<string, { user: AuthUser; expiresAt: number }>();
  return {
    kind: verifier.kind,
    forgetSession(sessionId: string): void {
      for (const [token, entry] of known) {
        if (entry.user.sessionId === sessionId) known.delete(token);
      }
      verifier.forgetSession?.(sessionId);
    },
    async verify(token: string): Promise<AuthUser> {
      const entry = known.get(token);
      if (entry) {
        if (now() < entry.expiresAt) return { ...entry.user };
        known.delete(token);
      }
      const user = await verifier.verify(token);
      // verified, so the payload decodes; exp is a required claim
      const { exp } = decodeJwt(token);
      if (typeof exp === "number") {
        known.set(token, { user: { ...user }, expiresAt: exp * 1000 });
        if (known.size > maxEntries) {
          known.delete(known.keys().next().value as string);
        }
      }
      return user;
    },
  };
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
  // Supabase and local tokens name their session; logging out ends it.
  const sessionId = typeof payload.session_id === "string"
    ? payload.session_id
    : undefined;
  return { id: payload.sub, email, ...(sessionId ? { sessionId } : {}) };
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
