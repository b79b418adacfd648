/**
 * The session cookie: the access token in an HTTP-only, SameSite=Lax cookie
 * (Secure over https). The web forwards it to the API as a Bearer token; the
 * API verifies it, the web only reads the email and expiry to render.
 */
import type { Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import type { WebSession } from "./auth.ts";

/** Name of the session cookie. */
export const SESSION_COOKIE = "ml_session";

function isHttps(c: Context): boolean {
  // Behind Vercel or a proxy the original scheme is in x-forwarded-proto.
  const forwarded = c.req.header("x-forwarded-proto");
  return (forwarded ?? new URL(c.req.url).protocol.slice(0, -1)) === "https";
}

/** Stores a session in the cookie until the token expires. */
export function saveSession(c: Context, session: WebSession): void {
  setCookie(c, SESSION_COOKIE, session.accessToken, {
    httpOnly: true,
    sameSite: "Lax",
    secure: isHttps(c),
    path: "/",
    expires: new Date(session.expiresAt * 1000),
  });
}

/** Removes the session cookie. */
export function clearSession(c: Context): void {
  deleteCookie(c, SESSION_COOKIE, { path: "/", secure: isHttps(c) });
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
 * The session in the request's cookie, or null when absent, malformed or
 * expired. The signature is not checked here: the API checks it on use.
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
  };
}
