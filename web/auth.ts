/**
 * Sign up, log in, stay signed in and log out: Supabase Auth when
 * configured, the API's local auth otherwise. Both hand back the same
 * session (an access token the API verifies, and a refresh token that
 * renews it, rotated on each use), which the web keeps in cookies.
 */
import { ApiError, type WebApi } from "./web_api.ts";

/** A signed-in session. */
export interface WebSession {
  accessToken: string;
  /** Expiry of the access token, seconds since the epoch. */
  expiresAt: number;
  email: string;
  /** Renews the session once (then its successor does); null when unknown. */
  refreshToken: string | null;
}

/** What signing up gives: a session, or a request to confirm the email. */
export type SignupResult =
  | { kind: "session"; session: WebSession }
  | { kind: "confirm-email" };

/**
 * A refused sign up or log in, with a message fit for the form and, when one
 * field is at fault, which.
 */
export class AuthError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly field: "email" | "password" | null = null,
  ) {
    super(message);
    this.name = "AuthError";
  }
}

/** One way to sign up and log in. */
export interface AuthProvider {
  readonly kind: "local" | "supabase";
  signup(email: string, password: string): Promise<SignupResult>;
  login(email: string, password: string): Promise<WebSession>;
  /**
   * Trades a refresh token for a new session; an `AuthError` (401) when the
   * token was used, revoked or its session ended.
   */
  refresh(refreshToken: string): Promise<WebSession>;
  /** Ends the session server-side; a session already ended is no error. */
  logout(session: WebSession): Promise<void>;
}

function authError(e: unknown, fallback: string): never {
  if (e instanceof ApiError && e.status >= 400 && e.status < 500) {
    // 409: the email is already registered, so the email is at fault.
    throw new AuthError(
      e.status,
      e.detail || fallback,
      e.status === 409 ? "email" : null,
    );
  }
  throw e;
}

/**
 * The API's own accounts (POST /api/auth/signup and /login).
 *
 * @example
 * const auth = localAuth(api);
 * const session = await auth.login("ada@example.com", "correct horse");
 */
export function localAuth(api: WebApi): AuthProvider {
  const session = (r: {
    accessToken: string;
    expiresAt: number;
    refreshToken: string;
    user: { email: string };
  }): WebSession => ({
    accessToken: r.accessToken,
    expiresAt: r.expiresAt,
    email: r.user.email,
    refreshToken: r.refreshToken,
  });
  return {
    kind: "local",
    async signup(email, password) {
      // The API accepts a taken email like a free one (it does not tell who
      // has an account); logging in with the same password tells the user.
      await api.signup(email, password).catch((e) =>
        authError(e, "Could not sign up")
      );
      const result = await api.login(email, password).catch((e) => {
        if (e instanceof ApiError && e.status === 401) {
          throw new AuthError(
            409,
            "This email and password do not open an account. If the email is yours, log in instead.",
          );
        }
        return authError(e, "Could not sign up");
      });
      return { kind: "session", session: session(result) };
    },
    async login(email, password) {
      const result = await api.login(email, password).catch((e) =>
        authError(e, "Wrong email or password")
      );
      return session(result);
    },
    async refresh(refreshToken) {
      const result = await api.refresh(refreshToken).catch((e) =>
        authError(e, "The session has ended")
      );
      return session(result);
    },
    async logout(current) {
      await api.logout(current.accessToken).catch((e) => {
        // Already ended (or expired): nothing left to end.
        if (!(e instanceof ApiError && e.status === 401)) throw e;
      });
    },
  };
}

/** Options for `supabaseAuth`. */
export interface SupabaseAuthOptions {
  url: string;
  anonKey: string;
  fetch?: typeof fetch;
  /** Current time in ms (tests). */
  now?: () => number;
}

interface SupabaseSession {
  access_token?: string;
  refresh_token?: string;
  expires_in?: number;
  expires_at?: number;
  user?: { email?: string };
  error_description?: string;
  msg?: string;
  message?: string;
}

/**
 * Supabase Auth over its REST API (`/auth/v1/signup`,
 * `/auth/v1/token?grant_type=password` and `=refresh_token`,
 * `/auth/v1/logout`).
 *
 * @example
 * const auth = supabaseAuth({ url: "https://x.supabase.co", anonKey: "..." });
 */
export function supabaseAuth(options: SupabaseAuthOptions): AuthProvider {
  const base = options.url.replace(/\/+$/, "");
  const doFetch = options.fetch ?? fetch;
  const now = options.now ?? Date.now;
  const headers = (token = options.anonKey) => ({
    apikey: options.anonKey,
    authorization: `Bearer ${token}`,
    "content-type": "application/json",
  });
  async function call(path: string, json: Record<string, string>) {
    const response = await doFetch(`${base}/auth/v1/${path}`, {
      method: "POST",
      headers: headers(),
      body: JSON.stringify(json),
    });
    const body = await response.json() as SupabaseSession;
    if (response.status >= 500) {
      throw new Error(
        `Supabase Auth answered ${response.status} on ${path}: ${
          body.msg ?? body.message ?? ""
        }`,
      );
    }
    if (!response.ok) {
      throw new AuthError(
        response.status === 400 ? 401 : response.status,
        body.error_description ?? body.msg ?? body.message ??
          "Supabase refused the request",
      );
    }
    return body;
  }
  const toSession = (body: SupabaseSession, email: string): WebSession => ({
    accessToken: body.access_token!,
    expiresAt: body.expires_at ??
      Math.floor(now() / 1000) + (body.expires_in ?? 3600),
    email: body.user?.email ?? email,
    refreshToken: body.refresh_token ?? null,
  });
  const grant = async (path: string, json: Record<string, string>) => {
    const body = await call(path, json);
    if (!body.access_token) {
      throw new Error(
        `Expected an access_token from Supabase's ${path}, found none`,
      );
    }
    return body;
  };
  return {
    kind: "supabase",
    async signup(email, password) {
      const body = await call("signup", { email, password });
      // With email confirmation on, Supabase returns the user but no session.
      return body.access_token
        ? { kind: "session", session: toSession(body, email) }
        : { kind: "confirm-email" };
    },
    async login(email, password) {
      const body = await grant("token?grant_type=password", {
        email,
        password,
      });
      return toSession(body, email);
    },
    async refresh(refreshToken) {
      const body = await grant("token?grant_type=refresh_token", {
        refresh_token: refreshToken,
      });
      return toSession(body, "you");
    },
    async logout(session) {
      // scope=local ends this session only (the user's other devices stay).
      const response = await doFetch(`${base}/auth/v1/logout?scope=local`, {
        method: "POST",
        headers: headers(session.accessToken),
      });
      await response.body?.cancel();
      // 401/403/404: the token or its session is already gone.
      if (response.status >= 500) {
        throw new Error(`Supabase Auth answered ${response.status} on logout`);
      }
    },
  };
}
