/**
 * The poster cache: what TMDB said about each movie's poster and when, one
 * `store.meta` blob for every adapter. The posters step reads it to fetch
 * only missing or stale entries and writes it after every batch (so an
 * interrupted run resumes). Each write also stores a new version token
 * (a short `store.meta` value), so a running API notices a new cache by
 * reading a few bytes instead of the whole blob.
 * @module
 */
import { isPosterPath } from "../core/poster.ts";
import type { MetaStore } from "./types.ts";

/**
 * What TMDB answered: a poster, a movie without one, an id TMDB does not
 * know (404), or no usable answer after retries.
 */
export type PosterStatus = "found" | "none" | "unknown" | "failed";

/** One movie's entry. */
export interface PosterRecord {
  /** The TMDB id it was asked for (a changed links.csv asks again). */
  tmdbId: number;
  status: PosterStatus;
  /** The image path when `status` is "found", e.g. "/abc.jpg". */
  posterPath: string | null;
  /** When TMDB answered, in ms since the epoch. */
  checkedAt: number;
}

/** The `store.meta` blob key. */
export const POSTER_CACHE_KEY = "posters";

/**
 * The `store.meta` key of the cache's version token: a new random value
 * after every write, absent before the first one.
 */
export const POSTER_VERSION_KEY = "posters.version";

/** Format version, bumped when the layout changes. */
const VERSION = 1;
const STATUSES: readonly PosterStatus[] = [
  "found",
  "none",
  "unknown",
  "failed",
];

/** Thrown when the stored cache cannot be read back. */
export class PosterCacheError extends Error {
  constructor(reason: string) {
    super(
      `Cannot read the poster cache stored under "${POSTER_CACHE_KEY}": ${reason}; rerun deno task pipeline posters --force`,
    );
    this.name = "PosterCacheError";
  }
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * Writes the whole cache (movie id → record), replacing the previous one.
 *
 * @example
 * await savePosterCache(store.meta, new Map([[1, { tmdbId: 862, status: "found", posterPath: "/a.jpg", checkedAt: Date.now() }]]));
 */
export async function savePosterCache(
  meta: MetaStore,
  cache: ReadonlyMap<number, PosterRecord>,
): Promise<void> {
  // Rows, not objects: a 87k-movie catalogue stays a few MB.
  const rows = [...cache].sort((a, b) => a[0] - b[0]).map((
    [movieId, r],
  ) => [movieId, r.tmdbId, r.status, r.posterPath, r.checkedAt]);
  await meta.setBlob(
    POSTER_CACHE_KEY,
    encoder.encode(JSON.stringify({ version: VERSION, rows })),
  );
  // After the blob: a reader that sees the new token reads the new blob.
  await meta.set(POSTER_VERSION_KEY, crypto.randomUUID());
}

/**
 * The cache's version token, or null when the posters step never wrote one:
 * it changes on every `savePosterCache`.
 *
 * @example
 * const before = await posterCacheVersion(store.meta);
 * // … the posters step runs …
 * (await posterCacheVersion(store.meta)) !== before; // true
 */
export function posterCacheVersion(meta: MetaStore): Promise<string | null> {
  return meta.get(POSTER_VERSION_KEY);
}

/**
 * The stored cache; empty when the posters step never ran. Throws
 * `PosterCacheError` when it is unreadable.
 *
 * @example
 * const cache = await loadPosterCache(store.meta);
 * cache.get(1)?.posterPath; // "/a.jpg"
 */
export async function loadPosterCache(
  meta: MetaStore,
): Promise<Map<number, PosterRecord>> {
  const bytes = await meta.getBlob(POSTER_CACHE_KEY);
  const cache = new Map<number, PosterRecord>();
  if (!bytes) return cache;
  let body;
  try {
    body = JSON.parse(decoder.decode(bytes));
  } catch (error) {
    throw new PosterCacheError((error as Error).message);
  }
  if (body?.version !== VERSION || !Array.isArray(body.rows)) {
    throw new PosterCacheError(
      `expected format version ${VERSION}, found ${body?.version}`,
    );
  }
  for (const row of body.rows) {
    const [movieId, tmdbId, status, posterPath, checkedAt] = row;
    if (
      !Number.isInteger(movieId) || !Number.isInteger(tmdbId) ||
      !STATUSES.includes(status) || typeof checkedAt !== "number" ||
      (status === "found" ? !isPosterPath(posterPath) : posterPath !== null)
    ) {
      throw new PosterCacheError(`bad row ${JSON.stringify(row)}`);
    }
    cache.set(movieId, { tmdbId, status, posterPath, checkedAt });
  }
  return cache;
}

/**
 * Movie id → poster path for the movies that have one (what serving shows).
 *
 * @example
 * const posters = await loadPosterPaths(store.meta);
 * posters.get(1); // "/a.jpg"
 */
export async function loadPosterPaths(
  meta: MetaStore,
): Promise<Map<number, string>> {
  const paths = new Map<number, string>();
  for (const [movieId, record] of await loadPosterCache(meta)) {
    if (record.posterPath) paths.set(movieId, record.posterPath);
  }
  return paths;
}
