/**
 * The session cookies. `ml_session` holds the access token (HTTP-only,
 * SameSite=Lax, Secure over https) until it expires; the web forwards it to
 * the API as a Bearer token, and only reads its email and expiry to render.
 * `ml_refresh` holds the refresh token for 30 days: when the access token
 * is gone or about to expire, the next request trades it for a new pair, so
 * people stay signed in on their own device for weeks. Logging out ends the
 * session on the server and clears both.
 */
import type { Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { AuthError, type AuthProvider, type WebSession } from "./auth.ts";

/** Name of the access token cookie. */
export const SESSION_COOKIE = "ml_session";
/** Name of the refresh token cookie. */
export const REFRESH_COOKIE = "ml_refresh";
/** How long a browser keeps the refresh token without using it. */
export const REFRESH_COOKIE_DAYS = 30;
/** An access token this close to expiry is renewed before use. */
export const RENEW_BEFORE_MS = 60_000;

function isHttps(c: Context): boolean {
  // Behind Vercel or a proxy the original scheme is in x-forwarded-proto.
  const forwarded = c.req.header("x-forwarded-proto");
  return (forwarded ?? new URL(c.req.url).protocol.slice(0, -1)) === "https";
}

/** Stores a session: the access token until it expires, the refresh token for 30 days. */
export function saveSession(c: Context, session: WebSession): void {
  const secure = isHttps(c);
  setCookie(c, SESSION_COOKIE, session.accessToken, {
    httpOnly: true,
    sameSite: "Lax",
    secure,
    path: "/",
    expires: new Date(session.expiresAt * 1000),
  });
  if (session.refreshToken) {
    setCookie(c, REFRESH_COOKIE, session.refreshToken, {
      httpOnly: true,
      sameSite: "Lax",
      secure,
      path: "/",
      maxAge: REFRESH_COOKIE_DAYS * 86_400,
    });
  }
}

/** Removes both session cookies. */
export function clearSession(c: Context): void {
  deleteCookie(c, SESSION_COOKIE, { path: "/", secure: isHttps(c) });
  deleteCookie(c, REFRESH_COOKIE, { path: "/", secure: isHttps(c) });
}

function decodePayload(token: string): Record<string, unknown> | null {
  const part = token.split(".")[1];
  if (!part) return null;
  try {
    const base64 = part.replace(/-/g, "+").replace(/_/g, "/");
    const json = new TextDecoder().decode(
      Uint8Array.from(atob(base64), (ch) => ch.charCodeAt(0)),
    );
    const payload = JSON.parse(json);
    return typeof payload === "object" && payload ? payload : null;
  } catch {
    // A malformed cookie is treated as no session (the API would refuse it).
    return null;
  }
}

/**
 * The session in the request's cookies, or null when the access token is
 * absent, malformed or expired. The signature is not checked here: the API
 * checks it on use.
 */
export function readSession(c: Context, nowMs = Date.now()): WebSession | null {
  const token = getCookie(c, SESSION_COOKIE);
  if (!token) return null;
  const payload = decodePayload(token);
  const exp = payload?.exp;
  if (typeof exp !== "number" || exp * 1000 <= nowMs) return null;
  return {
    accessToken: token,
    expiresAt: exp,
    email: typeof payload?.email === "string" ? payload.email : "you",
    refreshToken: getCookie(c, REFRESH_COOKIE) ?? null,
  };
}

/**
 * The request's session, renewed first when its access token is gone or
 * expires within `RENEW_BEFORE_MS` and a refresh token is at hand (the new
 * cookies go out with the response). A refused refresh token (used,
 * revoked, session ended) signs the browser out; an auth service that does
 * not answer is an error of this request.
 */
export async function resolveSession(
  c: Context,
  auth: AuthProvider,
  nowMs = Date.now(),
): Promise<WebSession | null> {
  const session = readSession(c, nowMs);
  const refreshToken = getCookie(c, REFRESH_COOKIE);
  const fresh = session && session.expiresAt * 1000 - nowMs > RENEW_BEFORE_MS;
  if (fresh || !refreshToken) return session;
  try {
    const renewed = await auth.refresh(refreshToken);
    saveSession(c, renewed);
    return renewed;
  } catch (error) {
    if (!(error instanceof AuthError)) throw error;
    clearSession(c);
    return null;
  }
}
