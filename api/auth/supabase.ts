/**
 * Verifies Supabase access tokens: HS256 with the project's JWT secret, and
 * asymmetric keys (RS256, ES256, EdDSA) from the project's JWKS, fetched
 * once and cached by jose.
 * @module
 */
import {
  createRemoteJWKSet,
  decodeProtectedHeader,
  jwtVerify,
  type JWTVerifyOptions,
} from "jose";
import type { AuthUser } from "../context.ts";
import {
  hmacVerifyKey,
  InvalidTokenError,
  refusal,
  TOKEN_AUDIENCE,
  type TokenVerifier,
  userFromClaims,
} from "./token.ts";

/** Options for `supabaseVerifier`. */
export interface SupabaseVerifierOptions {
  /** `SUPABASE_JWT_SECRET`: enables HS256 tokens. */
  jwtSecret?: string;
  /** `SUPABASE_URL`: enables asymmetric tokens through its JWKS. */
  supabaseUrl?: string;
  /** `SUPABASE_JWT_ISSUER`: checked when set. */
  issuer?: string;
  /** Timeout of a JWKS fetch (default 5 s). */
  jwksTimeoutMs?: number;
}

const ASYMMETRIC_ALGORITHMS = ["RS256", "ES256", "EdDSA"];

/** The JWKS address of a Supabase project. */
export function jwksUrl(supabaseUrl: string): URL {
  return new URL(
    "auth/v1/.well-known/jwks.json",
    supabaseUrl.endsWith("/") ? supabaseUrl : `${supabaseUrl}/`,
  );
}

/**
 * A verifier for Supabase tokens. The algorithm in the token header only
 * picks which configured key to try; each key is used with its own algorithm
 * family, so an HS256 token is never checked against a public key (RS/HS
 * confusion) and `alg: none` is never accepted.
 *
 * @example
 * const verifier = supabaseVerifier({ jwtSecret: "…" });
 * const user = await verifier.verify(token); // { id: sub, email }
 */
export function supabaseVerifier(
  options: SupabaseVerifierOptions,
): TokenVerifier {
  const secret = options.jwtSecret
    ? new TextEncoder().encode(options.jwtSecret)
    : null;
  let secretKey: Promise<CryptoKey> | undefined;
  const jwks = options.supabaseUrl
    ? createRemoteJWKSet(jwksUrl(options.supabaseUrl), {
      timeoutDuration: options.jwksTimeoutMs ?? 5000,
      cooldownDuration: 30_000,
      cacheMaxAge: 10 * 60_000,
    })
    : null;
  if (!secret && !jwks) {
    throw new Error(
      "Supabase auth needs SUPABASE_JWT_SECRET or SUPABASE_URL; neither is set",
    );
  }
  const claims: JWTVerifyOptions = {
    audience: TOKEN_AUDIENCE,
    issuer: options.issuer,
    requiredClaims: ["sub", "exp"],
  };
  return {
    kind: "supabase",
    async verify(token: string): Promise<AuthUser> {
      let alg: string | undefined;
      try {
        alg = decodeProtectedHeader(token).alg;
      } catch (error) {
        throw new InvalidTokenError("The access token is malformed", {
          cause: error,
        });
      }
      try {
        if (alg === "HS256" && secret) {
          secretKey ??= hmacVerifyKey(secret);
          const { payload } = await jwtVerify(token, await secretKey, {
            ...claims,
            algorithms: ["HS256"],
          });
          return userFromClaims(payload);
        }
        if (alg && ASYMMETRIC_ALGORITHMS.includes(alg) && jwks) {
          const { payload } = await jwtVerify(token, jwks, {
            ...claims,
            algorithms: ASYMMETRIC_ALGORITHMS,
          });
          return userFromClaims(payload);
        }
      } catch (error) {
        throw refusal(error);
      }
      throw new InvalidTokenError(
        `The access token's algorithm "${alg}" is not accepted`,
      );
    },
  };
}
