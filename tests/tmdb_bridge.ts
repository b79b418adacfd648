/**
 * Test infrastructure for the posters step: a small HTTP server that speaks
 * the part of TMDB's API v3 the step uses, so the real client runs offline.
 *
 * Implemented (as TMDB documents it):
 * - `GET /3/movie/{movie_id}` with `?api_key=…` or `Authorization: Bearer …`
 *   → the movie (`id`, `title`, `poster_path`: a path or null);
 * - 401 `{status_code: 7, status_message: "Invalid API key…", success: false}`
 *   for a wrong key or token;
 * - 404 `{status_code: 34, …}` for an id it does not know;
 * - 429 with `Retry-After` (seconds) when rate limited.
 * Faults a test can ask for: every Nth request rate limited, some ids
 * answering 500 a few times first, some answering a body that is not JSON.
 * @module
 */
import { listen } from "../api/listen.ts";

/**
 * What the stand-in knows of the fixture dataset's TMDB ids
 * (tests/fixtures/movielens/links.csv): posters, one movie without a
 * poster (9087), and 679 and 194 unknown (404).
 */
export const FIXTURE_POSTERS: Record<number, string | null> = {
  862: "/toy_story.jpg",
  8844: "/jumanji.jpg",
  9087: null,
  429: "/good_bad_ugly.jpg",
  13916: "/heat.jpg",
  863: "/toy_story_2.jpg",
  348: "/alien.jpg",
};

/** One request the bridge answered. */
export interface TmdbBridgeRequest {
  tmdbId: number;
  status: number;
  /** `performance.now()` when it arrived. */
  at: number;
}

/** Options of `startTmdbBridge`. */
export interface TmdbBridgeOptions {
  /** The credential it accepts, as an `api_key` or a bearer token. */
  apiKey: string;
  /** tmdbId → poster path (null: TMDB has the movie but no poster). */
  movies: Record<number, string | null>;
  /** Ids whose 200 body is cut short (not JSON). */
  badJson?: number[];
  /** Ids answering 500 this many times before they answer properly. */
  serverErrors?: Record<number, number>;
  /** Every `every`th request gets a 429 with `Retry-After: retryAfterSeconds`. */
  rateLimit?: { every: number; retryAfterSeconds: number };
}

/** A running bridge. */
export interface TmdbBridge {
  /** The API root to configure (TMDB_API_URL), e.g. `http://127.0.0.1:1234/3`. */
  url: string;
  /** Every request answered so far, oldest first. */
  requests: TmdbBridgeRequest[];
  close(): Promise<void>;
}

const json = (status: number, body: unknown, headers: HeadersInit = {}) =>
  new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json;charset=utf-8", ...headers },
  });

/**
 * Starts the stand-in on a free port.
 *
 * @example
 * const tmdb = await startTmdbBridge({ apiKey: "k", movies: { 862: "/toy.jpg" } });
 * // TMDB_API_URL=tmdb.url TMDB_API_KEY=k
 * await tmdb.close();
 */
export async function startTmdbBridge(
  options: TmdbBridgeOptions,
): Promise<TmdbBridge> {
  const requests: TmdbBridgeRequest[] = [];
  const errorsLeft = new Map(
    Object.entries(options.serverErrors ?? {}).map((
      [id, n],
    ) => [Number(id), n]),
  );
  let count = 0;
  const handle = (request: Request): Response => {
    const url = new URL(request.url);
    const match = /^\/3\/movie\/(\d+)$/.exec(url.pathname);
    if (request.method !== "GET" || !match) {
      return json(404, {
        success: false,
        status_code: 34,
        status_message: "The resource you requested could not be found.",
      });
    }
    const tmdbId = Number(match[1]);
    const answer = (response: Response) => {
      requests.push({ tmdbId, status: response.status, at: performance.now() });
      return response;
    };
    const bearer = request.headers.get("authorization");
    if (
      url.searchParams.get("api_key") !== options.apiKey &&
      bearer !== `Bearer ${options.apiKey}`
    ) {
      return answer(json(401, {
        status_code: 7,
        status_message: "Invalid API key: You must be granted a valid key.",
        success: false,
      }));
    }
    count++;
    const limit = options.rateLimit;
    if (limit && count % limit.every === 0) {
      return answer(json(429, {
        status_code: 25,
        status_message:
          "Your request count (#) is over the allowed limit of (40).",
        success: false,
      }, { "retry-after": String(limit.retryAfterSeconds) }));
    }
    const errors = errorsLeft.get(tmdbId) ?? 0;
    if (errors > 0) {
      errorsLeft.set(tmdbId, errors - 1);
      return answer(json(500, {
        status_code: 11,
        status_message: "Internal error: Something went wrong, contact TMDb.",
        success: false,
      }));
    }
    if (!(tmdbId in options.movies)) {
      return answer(json(404, {
        success: false,
        status_code: 34,
        status_message: "The resource you requested could not be found.",
      }));
    }
    const body = JSON.stringify({
      adult: false,
      id: tmdbId,
      title: `Movie ${tmdbId}`,
      poster_path: options.movies[tmdbId],
      backdrop_path: null,
    });
    return answer(
      new Response(
        options.badJson?.includes(tmdbId) ? body.slice(0, 20) : body,
        { headers: { "content-type": "application/json;charset=utf-8" } },
      ),
    );
  };
  const { server, url } = await listen(handle, {
    hostname: "127.0.0.1",
    port: 0,
  });
  return {
    url: `${url.origin}/3`,
    requests,
    close: () => server.shutdown(),
  };
}
