/**
 * Step 5: poster paths from TMDB for every stored movie with a `tmdbId`
 * (links.csv). Only movies without a fresh cache entry are asked for:
 * entries older than POSTER_MAX_AGE_DAYS, failed ones, and movies whose
 * TMDB id changed. The cache is saved after every batch, so an
 * interrupted run resumes where it stopped. Without TMDB credentials the
 * step is skipped and says so; the web keeps its initials placeholders.
 * @module
 */
import type { Config } from "../config/mod.ts";
import {
  loadPosterCache,
  type PosterRecord,
  type PosterStatus,
  savePosterCache,
} from "../store/posters.ts";
import type { MovieStore } from "../store/types.ts";
import type { PipelineContext, StepOptions, StepResult } from "./context.ts";
import { type TmdbClient, tmdbClient, type TmdbCredentials } from "./tmdb.ts";

/** Movies asked for per batch by default; the cache is saved after each. */
const BATCH_SIZE = 100;
/** Requests in flight at once (the client also paces their starts). */
const CONCURRENCY = 8;
const DAY_MS = 24 * 60 * 60 * 1000;

/** The credentials in `config`, or null when none are set. */
export function tmdbCredentials(config: Config): TmdbCredentials | null {
  if (config.TMDB_READ_ACCESS_TOKEN) {
    return { readAccessToken: config.TMDB_READ_ACCESS_TOKEN };
  }
  return config.TMDB_API_KEY ? { apiKey: config.TMDB_API_KEY } : null;
}

/** movieId → tmdbId of every stored movie that has one, read in pages. */
async function storedTmdbIds(movies: MovieStore): Promise<Map<number, number>> {
  const ids = await movies.ids();
  const tmdbIds = new Map<number, number>();
  for (let i = 0; i < ids.length; i += 1000) {
    for (const movie of await movies.getMany(ids.slice(i, i + 1000))) {
      if (movie.tmdbId !== null) tmdbIds.set(movie.id, movie.tmdbId);
    }
  }
  return tmdbIds;
}

/** True when `record` answers for `tmdbId` and is young enough to keep. */
function isFresh(
  record: PosterRecord | undefined,
  tmdbId: number,
  options: { now: number; maxAgeMs: number },
): boolean {
  return record !== undefined && record.tmdbId === tmdbId &&
    record.status !== "failed" &&
    options.now - record.checkedAt < options.maxAgeMs;
}

/** Runs `work` over `items` with at most `limit` at once. */
async function eachLimited<T>(
  items: T[],
  limit: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++]);
  };
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, worker),
  );
}

/** Options of `fetchPosters`. */
export interface FetchPostersOptions extends StepOptions {
  /** The client to ask; default one built from `ctx.config`. */
  tmdb?: TmdbClient;
  /** Movies per batch (default 100); the cache is saved after each. */
  batchSize?: number;
  /** Clock in ms since the epoch, for tests. */
  now?: () => number;
}

/**
 * The posters step: fetches missing and stale poster paths into the store's
 * poster cache. `force` asks again for every movie.
 *
 * @example
 * const result = await postersStep(ctx);
 * result.detail; // "9 movies with a TMDB id: 7 asked (…); found 6, …"
 */
export async function postersStep(
  ctx: PipelineContext,
  options: FetchPostersOptions = {},
): Promise<StepResult> {
  const { config, store, progress } = ctx;
  const credentials = tmdbCredentials(config);
  if (!credentials && !options.tmdb) {
    return {
      step: "posters",
      skipped: true,
      detail:
        "no TMDB_API_KEY or TMDB_READ_ACCESS_TOKEN set: posters not fetched, the web shows initials",
    };
  }
  const tmdb = options.tmdb ?? tmdbClient({
    baseUrl: config.TMDB_API_URL,
    credentials: credentials!,
    requestsPerSecond: config.TMDB_REQUESTS_PER_SECOND,
  });
  const now = options.now ?? (() => Date.now());
  const tmdbIds = await storedTmdbIds(store.movies);
  const stored = await loadPosterCache(store.meta);
  // Entries of movies gone from the store are dropped.
  const cache = new Map<number, PosterRecord>();
  for (const movieId of tmdbIds.keys()) {
    const record = stored.get(movieId);
    if (record) cache.set(movieId, record);
  }
  const started = now();
  const maxAgeMs = config.POSTER_MAX_AGE_DAYS * DAY_MS;
  const due = [...tmdbIds].filter(([movieId, tmdbId]) =>
    options.force ||
    !isFresh(cache.get(movieId), tmdbId, { now: started, maxAgeMs })
  );
  const counts: Record<PosterStatus, number> = {
    found: 0,
    none: 0,
    unknown: 0,
    failed: 0,
  };
  const failures: string[] = [];
  const task = progress.task("posters", due.length, "movies");
  try {
    const batchSize = options.batchSize ?? BATCH_SIZE;
    for (let i = 0; i < due.length; i += batchSize) {
      await eachLimited(
        due.slice(i, i + batchSize),
        CONCURRENCY,
        async ([movieId, tmdbId]) => {
          const answer = await tmdb.poster(tmdbId);
          counts[answer.status]++;
          if (answer.status === "failed") {
            failures.push(
              `movie ${movieId} (TMDB ${tmdbId}): ${answer.reason}`,
            );
          }
          cache.set(movieId, {
            tmdbId,
            status: answer.status,
            posterPath: answer.status === "found" ? answer.posterPath : null,
            checkedAt: now(),
          });
          task.advance(1);
        },
      );
      await savePosterCache(store.meta, cache);
    }
  } finally {
    task.done();
  }
  if (due.length === 0) await savePosterCache(store.meta, cache);
  const withPoster = [...cache.values()].filter((r) => r.posterPath).length;
  const shownFailures = failures.slice(0, 5).join("; ");
  return {
    step: "posters",
    skipped: due.length === 0,
    detail: `${tmdbIds.size} movies with a TMDB id, ${
      tmdbIds.size - due.length
    } cached and fresh, ${due.length} asked: found ${counts.found}, no poster ${counts.none}, unknown to TMDB ${counts.unknown}, failed ${counts.failed}${
      failures.length
        ? ` (${shownFailures}${
          failures.length > 5 ? `; and ${failures.length - 5} more` : ""
        }; they are asked again next run)`
        : ""
    }; ${withPoster} movies have a poster`,
  };
}
