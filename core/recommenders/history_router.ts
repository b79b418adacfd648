/**
 * One recommender with settings for each kind of user: histories of at
 * most `maxShort` movies (people who just signed up) go to `short`, longer
 * ones to `long`. The hybrid's weights tuned on what MovieLens users rate
 * next lean on sequence and trend signals that mislead when a user has
 * rated five movies: on 122 simulated new users of ml-latest-small (the
 * pipeline's log, `deno task pipeline`) those weights score NDCG@10 0.2563
 * and weights tuned on new users 0.3359, so each kind gets its own. Short
 * histories that came through the onboarding (they hold skips) go to
 * `onboarded`: its answers are the most rated movies, rated or skipped,
 * not a handful of movies of the user's choosing, and weights tuned on
 * simulated answers lift the onboarding protocol's NDCG@10 from 0.3500 to
 * 0.3565 (docs/onboarding/EVALUATION.md).
 */
import type {
  Recommendation,
  Recommender,
  RecommendOptions,
} from "../recommender.ts";
import { isSkip } from "../skips.ts";
import type { Interaction } from "../types.ts";

/**
 * Histories up to this many movies count as short: someone who just
 * answered the onboarding (pages of 10 until 10 ratings) has rated at most
 * 19. With 10, most of them got the long-history settings: on the
 * onboarding protocol of docs/EVALUATION.md ("hybrid-short-up-to-10").
 */
export const SHORT_HISTORY = 20;

/** Distinct movies in a history, dislikes and skips aside. */
export function historyLength(history: Interaction[]): number {
  const movies = new Set<number>();
  for (const i of history) {
    if (i.type !== "dislike" && i.type !== "skip") movies.add(i.movieId);
  }
  return movies.size;
}

/**
 * Whether a history came through the onboarding: only its questionnaire
 * offers "haven't seen it", so a skip marks one.
 */
export function isOnboarded(history: Interaction[]): boolean {
  return history.some(isSkip);
}

/**
 * Routes each history by its length, and short ones by whether they came
 * through the onboarding.
 *
 * @example
 * ```ts
 * const hybrid = new HistoryLengthRouter({ short: shortHybrid, long: longHybrid });
 * hybrid.recommend(history, { limit: 10 });
 * ```
 */
export class HistoryLengthRouter implements Recommender {
  readonly name: string;

  readonly short: Recommender;
  readonly onboarded: Recommender;
  readonly long: Recommender;
  readonly maxShort: number;

  constructor(options: {
    /** Serves histories of at most `maxShort` movies. */
    short: Recommender;
    /** Serves short histories with onboarding answers (default `short`). */
    onboarded?: Recommender;
    /** Serves the rest; the router takes its name. */
    long: Recommender;
    /** Default `SHORT_HISTORY`. */
    maxShort?: number;
  }) {
    this.short = options.short;
    this.onboarded = options.onboarded ?? options.short;
    this.long = options.long;
    this.maxShort = options.maxShort ?? SHORT_HISTORY;
    this.name = this.long.name;
  }

  /** The recommender that serves `history`. */
  pick(history: Interaction[]): Recommender {
    if (historyLength(history) > this.maxShort) return this.long;
    return isOnboarded(history) ? this.onboarded : this.short;
  }

  recommend(
    history: Interaction[],
    options: RecommendOptions,
  ): Recommendation[] {
    return this.pick(history).recommend(history, options);
  }
}
