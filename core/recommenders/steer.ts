/**
 * "More like this, but…": similar movies steered newer, older, lighter,
 * darker or more popular, or narrowed to a genre. No new model: the
 * candidates are the movie's nearest neighbours by the same vectors, kept
 * or dropped by the facts the catalogue already has (year, genres, ratings)
 * and ranked by similarity, with popularity when asked for.
 * @module
 */
import type { ScoredMovie } from "../types.ts";

/** The directions a list of similar movies can be steered in. */
export const STEERS = [
  "newer",
  "older",
  "lighter",
  "darker",
  "popular",
] as const;
export type Steer = typeof STEERS[number];

/** What steering needs to know of a movie. */
export interface SteerFacts {
  year: number | null;
  genres: readonly string[];
  ratingCount: number;
}

/** Genres that lighten a movie's tone, and those that darken it (MovieLens names). */
const LIGHT = new Set([
  "Comedy",
  "Animation",
  "Children",
  "Musical",
  "Romance",
]);
const DARK = new Set([
  "Horror",
  "Thriller",
  "Crime",
  "War",
  "Film-Noir",
  "Mystery",
]);

/**
 * A movie's tone from its genres, from -1 (only dark genres) to 1 (only
 * light ones); 0 for neither or an even mix.
 *
 * @example
 * tone(["Comedy", "Romance"]); // 1
 * tone(["Crime", "Comedy"]); // 0
 */
export function tone(genres: readonly string[]): number {
  let light = 0;
  let dark = 0;
  for (const g of genres) {
    if (LIGHT.has(g)) light++;
    else if (DARK.has(g)) dark++;
  }
  return light + dark === 0 ? 0 : (light - dark) / (light + dark);
}

/** Options of `steerSimilar`. */
export interface SteerOptions {
  steer?: Steer;
  /** Keep only movies of this genre. */
  genre?: string;
  limit: number;
  /** The most ratings any movie has, for the popularity lift. */
  maxRatingCount: number;
}

/**
 * The movies of `candidates` (nearest first) that go the asked way from
 * `source`, best first: newer/older by release year, lighter/darker by
 * `tone`, popular by more ratings than `source` or a tenth of the most
 * rated movie, whichever is lower (ranked by similarity × (1 + 2 × log
 * popularity)); `genre` narrows any of them. Candidates without
 * facts are dropped.
 *
 * @example
 * steerSimilar(source, neighbours, facts, { steer: "newer", limit: 12, maxRatingCount: 329 });
 */
export function steerSimilar(
  source: SteerFacts,
  candidates: readonly ScoredMovie[],
  facts: (movieId: number) => SteerFacts | undefined,
  options: SteerOptions,
): ScoredMovie[] {
  const sourceTone = tone(source.genres);
  // More ratings than the source, or than a tenth of the most rated movie
  // when the source is already that well known (else hardly any is left).
  const popularFloor = Math.min(
    source.ratingCount,
    options.maxRatingCount / 10,
  );
  const logMax = Math.log1p(Math.max(1, options.maxRatingCount));
  const keeps = (m: SteerFacts): boolean => {
    if (options.genre && !m.genres.includes(options.genre)) return false;
    switch (options.steer) {
      case "newer":
        return source.year !== null && m.year !== null && m.year > source.year;
      case "older":
        return source.year !== null && m.year !== null && m.year < source.year;
      case "lighter":
        return tone(m.genres) > sourceTone;
      case "darker":
        return tone(m.genres) < sourceTone;
      case "popular":
        return m.ratingCount > popularFloor;
      default:
        return true;
    }
  };
  const kept: ScoredMovie[] = [];
  for (const candidate of candidates) {
    const m = facts(candidate.movieId);
    if (!m || !keeps(m)) continue;
    const score = options.steer === "popular"
      ? candidate.score * (1 + 2 * Math.log1p(m.ratingCount) / logMax)
      : candidate.score;
    kept.push({ movieId: candidate.movieId, score });
  }
  return kept
    .sort((a, b) => b.score - a.score || a.movieId - b.movieId)
    .slice(0, options.limit);
}
