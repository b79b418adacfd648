/**
 * A TMDB API client for one thing: a movie's poster path
 * (`GET /movie/{id}`). It keeps within TMDB's rate limit (a shared pace,
 * and every caller waits out a 429's `Retry-After`), retries server and
 * network errors with backoff, and turns each answer into a value: a
 * poster, none, an unknown id, or a failure with its reason. A refused key
 * throws, since every later request would be refused too.
 * @module
 */
import { isPosterPath } from "../core/poster.ts";

/** A key (v3 `api_key`) or a read access token (v4 bearer). */
export type TmdbCredentials = { apiKey: string } | {
  readAccessToken: string;
};

/** Options of `tmdbClient`. */
export interface TmdbClientOptions {
  /** API root, e.g. "https://api.themoviedb.org/3". */
  baseUrl: string;
  credentials: TmdbCredentials;
  /** Requests started per second at most, across callers. */
  requestsPerSecond: number;
  /** Tries per movie before it counts as failed (default 4). */
  maxAttempts?: number;
  /** Longest wait honoured from a `Retry-After` (default 60 s). */
  maxRetryAfterMs?: number;
  /** Abandon a request after this long (default 15 s). */
  timeoutMs?: number;
  /** For tests: the clock and the wait. */
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

/** TMDB's answer about one movie's poster. */
export type PosterLookup =
  | { status: "found"; posterPath: string }
  | { status: "none" }
  | { status: "unknown" }
  | { status: "failed"; reason: string };

/** Thrown when TMDB refuses the credentials (401): no request can succeed. */
export class TmdbAuthError extends Error {
  constructor(message: string) {
    super(
      `TMDB refused the credentials (${message}): check TMDB_API_KEY or TMDB_READ_ACCESS_TOKEN`,
    );
    this.name = "TmdbAuthError";
  }
}

/** The client `tmdbClient` returns. */
export interface TmdbClient {
  /** What TMDB says about movie `tmdbId`'s poster. */
  poster(tmdbId: number): Promise<PosterLookup>;
}

/** Seconds or an HTTP date, as `Retry-After` allows; null when absent or unreadable. */
function retryAfterMs(header: string | null, now: number): number | null {
  if (header === null) return null;
  const seconds = Number(header);
  if (header.trim() !== "" && Number.isFinite(seconds)) {
    return Math.max(0, seconds * 1000);
  }
  const date = Date.parse(header);
  return Number.isNaN(date) ? null : Math.max(0, date - now);
}

/**
 * A client of TMDB's API at `options.baseUrl`.
 *
 * @example
 * const tmdb = tmdbClient({ baseUrl: "https://api.themoviedb.org/3", credentials: { apiKey }, requestsPerSecond: 20 });
 * await tmdb.poster(862); // { status: "found", posterPath: "/uXDfjJbdP4ijW5hWSBrPrlKpxab.jpg" }
 */
export function tmdbClient(options: TmdbClientOptions): TmdbClient {
  const now = options.now ?? (() => Date.now());
  const sleep = options.sleep ??
    ((ms: number) => new Promise<void>((done) => setTimeout(done, ms)));
  const maxAttempts = options.maxAttempts ?? 4;
  const maxRetryAfterMs = options.maxRetryAfterMs ?? 60_000;
  const timeoutMs = options.timeoutMs ?? 15_000;
  const spacingMs = 1000 / options.requestsPerSecond;
  // The next free start slot, and the end of a 429's pause for every caller.
  let nextStart = 0;
  let pausedUntil = 0;
  const headers: Record<string, string> = { accept: "application/json" };
  if ("readAccessToken" in options.credentials) {
    headers.authorization = `Bearer ${options.credentials.readAccessToken}`;
  }
  const base = options.baseUrl.replace(/\/+$/, "");

  const url = (tmdbId: number) => {
    const u = new URL(`${base}/movie/${tmdbId}`);
    if ("apiKey" in options.credentials) {
      u.searchParams.set("api_key", options.credentials.apiKey);
    }
    return u;
  };

  // Network errors quote the URL, which carries the key: never pass it on.
  const redact = (message: string) =>
    "apiKey" in options.credentials
      ? message.replaceAll(options.credentials.apiKey, "***")
      : message;

  const waitTurn = async () => {
    for (;;) {
      const t = now();
      const start = Math.max(t, nextStart, pausedUntil);
      nextStart = start + spacingMs;
      if (start > t) await sleep(start - t);
      // A 429 that arrived while this caller slept pauses it too.
      if (now() >= pausedUntil) return;
    }
  };

  const attempt = async (tmdbId: number): Promise<
    PosterLookup | { retry: number; reason: string }
  > => {
    await waitTurn();
    let response: Response;
    try {
      response = await fetch(url(tmdbId), {
        headers,
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      return { retry: 0, reason: redact((error as Error).message) };
    }
    const text = await response.text().catch(() => "");
    if (response.status === 401) {
      throw new TmdbAuthError(`HTTP 401 ${text.slice(0, 200)}`);
    }
    if (response.status === 404) return { status: "unknown" };
    if (response.status === 429) {
      const wait = retryAfterMs(response.headers.get("retry-after"), now());
      const pause = Math.min(wait ?? 1000, maxRetryAfterMs);
      pausedUntil = Math.max(pausedUntil, now() + pause);
      return { retry: 0, reason: "HTTP 429 Too Many Requests" };
    }
    if (!response.ok) {
      return { retry: 0, reason: `HTTP ${response.status}` };
    }
    let body;
    try {
      body = JSON.parse(text);
    } catch {
      // A broken body is not retried: TMDB would likely send it again.
      return { status: "failed", reason: "response is not JSON" };
    }
    const path = body?.poster_path;
    if (path === null) return { status: "none" };
    if (!isPosterPath(path)) {
      return {
        status: "failed",
        reason: `unexpected poster_path ${JSON.stringify(path)?.slice(0, 80)}`,
      };
    }
    return { status: "found", posterPath: path };
  };

  return {
    async poster(tmdbId) {
      let reason = "";
      for (let n = 1; n <= maxAttempts; n++) {
        const result = await attempt(tmdbId);
        if ("status" in result) return result;
        reason = result.reason;
        // Backoff 0.5 s, 1 s, 2 s … on top of any Retry-After pause.
        if (n < maxAttempts && !reason.startsWith("HTTP 429")) {
          await sleep(500 * 2 ** (n - 1));
        }
      }
      return {
        status: "failed",
        reason: `${reason} after ${maxAttempts} attempts`,
      };
    },
  };
}
