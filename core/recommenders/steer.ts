/**
 * "More like this, but…": similar movies steered newer, older, lighter,
 * darker or more popular, or narrowed to a genre. No new model: the
 * candidates are the movie's nearest neighbours by the same vectors, kept
 * or dropped by the facts the catalogue already has (year, genres, ratings,
 * the tone the content vectors read: core/recommenders/tone.ts) and ranked
 * by similarity, with popularity when asked for.
 * @module
 */
import type { ScoredMovie } from "../types.ts";
import { genreTone } from "./tone.ts";

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
  /** Tone its content vector reads (`textTones`); absent without vectors. */
  textTone?: number;
}

/**
 * How much lighter or darker (in standard deviations of `textTone`) a movie
 * whose genres read the same as the source's must read to count.
 */
export const TEXT_TONE_MARGIN = 0.1;

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
 * `source`, best first: newer/older by release year; lighter/darker first
 * by the genres' tone, then, among movies whose genres read the same as
 * the source's, by the text's tone (at least `TEXT_TONE_MARGIN` apart; these
 * come after the movies the genres already set apart); popular by more
 * ratings than `source` or a tenth of the most rated movie, whichever is
 * lower (ranked by similarity × (1 + 2 × log popularity)); `genre` narrows
 * any of them. Candidates without facts are dropped.
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
  const sourceTone = genreTone(source.genres);
  // More ratings than the source, or than a tenth of the most rated movie
  // when the source is already that well known (else hardly any is left).
  const popularFloor = Math.min(
    source.ratingCount,
    options.maxRatingCount / 10,
  );
  const logMax = Math.log1p(Math.max(1, options.maxRatingCount));
  /** 0: goes the asked way; 1: only by the text's tone; null: dropped. */
  const tier = (m: SteerFacts): 0 | 1 | null => {
    if (options.genre && !m.genres.includes(options.genre)) return null;
    switch (options.steer) {
      case "newer":
        return source.year !== null && m.year !== null && m.year > source.year
          ? 0
          : null;
      case "older":
        return source.year !== null && m.year !== null && m.year < source.year
          ? 0
          : null;
      case "lighter":
      case "darker":
        return toneTier(source, m, {
          sourceTone,
          sign: options.steer === "lighter" ? 1 : -1,
        });
      case "popular":
        return m.ratingCount > popularFloor ? 0 : null;
      default:
        return 0;
    }
  };
  const kept: (ScoredMovie & { tier: number })[] = [];
  for (const candidate of candidates) {
    const m = facts(candidate.movieId);
    const t = m && tier(m);
    if (!m || t === null || t === undefined) continue;
    const score = options.steer === "popular"
      ? candidate.score * (1 + 2 * Math.log1p(m.ratingCount) / logMax)
      : candidate.score;
    kept.push({ movieId: candidate.movieId, score, tier: t });
  }
  return kept
    .sort((a, b) =>
      a.tier - b.tier || b.score - a.score || a.movieId - b.movieId
    )
    .slice(0, options.limit)
    .map(({ movieId, score }) => ({ movieId, score }));
}

/** Whether `m` is lighter (`sign` 1) or darker (-1) than `source`, and how. */
function toneTier(
  source: SteerFacts,
  m: SteerFacts,
  options: { sourceTone: number; sign: 1 | -1 },
): 0 | 1 | null {
  const byGenres = options.sign * (genreTone(m.genres) - options.sourceTone);
  if (byGenres > 0) return 0;
  if (
    byGenres === 0 && m.textTone !== undefined &&
    source.textTone !== undefined &&
    options.sign * (m.textTone - source.textTone) >= TEXT_TONE_MARGIN
  ) return 1;
  return null;
}
