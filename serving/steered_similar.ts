/**
 * "More like this, but…" for serving: a wide pool of the movie's nearest
 * neighbours by the served vectors, steered by the catalogue's facts and
 * the tone the same vectors read (core/recommenders/steer.ts, tone.ts). No new model and no new index.
 * @module
 */
import { type Steer, steerSimilar } from "../core/recommenders/steer.ts";
import type { ScoredMovie } from "../core/types.ts";
import type { CatalogEntry } from "./catalog.ts";

/** Neighbours asked for before steering keeps the ones that go the asked way. */
export const STEER_POOL = 400;

/** Options of a steered list. */
export interface SteeredOptions {
  steer?: Steer;
  genre?: string;
  limit: number;
}

/** What `steeredSimilar` reads. */
export interface SteeredSimilarDeps {
  catalog: ReadonlyMap<number, CatalogEntry>;
  ratingCounts: ReadonlyMap<number, number>;
  /**
   * Each movie's tone as its content vector reads it (`textTones`), when
   * the vectors are in memory: computed on the first lighter or darker
   * list (a pass over the matrix kept off start-up), then kept.
   */
  textTones?: () => ReadonlyMap<number, number>;
  /** Up to `k` nearest movies to `movieId`, nearest first. */
  nearest(movieId: number, k: number): Promise<ScoredMovie[]>;
}

/**
 * A function giving `movieId`'s similar movies steered as asked; [] for a
 * movie serving does not know.
 *
 * @example
 * const steered = steeredSimilar({ catalog, ratingCounts, nearest });
 * await steered(1, { steer: "newer", limit: 12 });
 */
export function steeredSimilar(
  deps: SteeredSimilarDeps,
): (movieId: number, options: SteeredOptions) => Promise<ScoredMovie[]> {
  let maxRatingCount = 0;
  for (const count of deps.ratingCounts.values()) {
    maxRatingCount = Math.max(maxRatingCount, count);
  }
  let tones: ReadonlyMap<number, number> | undefined;
  const facts = (movieId: number) => {
    const entry = deps.catalog.get(movieId);
    return entry && {
      year: entry.year,
      genres: entry.genres,
      ratingCount: deps.ratingCounts.get(movieId) ?? 0,
      textTone: tones?.get(movieId),
    };
  };
  return async (movieId, options) => {
    if (options.steer === "lighter" || options.steer === "darker") {
      tones ??= deps.textTones?.();
    }
    const source = facts(movieId);
    if (!source) return [];
    const pool = await deps.nearest(movieId, STEER_POOL);
    return steerSimilar(
      source,
      pool.filter((m) => m.movieId !== movieId),
      facts,
      { ...options, maxRatingCount },
    );
  };
}
