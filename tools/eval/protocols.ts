/**
 * The evaluation's protocols (how ratings are split into what a method
 * learns from and what it must predict) and the helpers every method's
 * scoring shares.
 */
import {
  newUserSplit,
  type Random,
  randomSplit,
  seededRandom,
  type Split,
  temporalSplit,
} from "../../core/training/split.ts";
import { LIKED_RATING } from "../../core/models/item_item_model.ts";
import { PopularityRecommender } from "../../core/recommenders/popular.ts";
import type { Recommender } from "../../core/recommender.ts";
import { seenMovies } from "../../core/skips.ts";
import type { Interaction } from "../../core/types.ts";

/** Every protocol, in the order they are run and reported. */
export const PROTOCOLS = [
  "random",
  "temporal",
  "new-users",
  "onboarding",
] as const;

export type Protocol = typeof PROTOCOLS[number];

/** The protocols that split each user's ratings (onboarding holds users out: onboarding.ts). */
export type SplitProtocol = Exclude<Protocol, "onboarding">;

/**
 * The baselines that recommend one list to everybody; each protocol's
 * summary leads with the strongest of them (the Bayesian average
 * "popular" is the browse order, a weaker baseline, so it is not one).
 */
export const NON_PERSONALISED = [
  "most-liked",
  "most-rated",
  "recent-popular",
] as const;

/** The recent-popularity baseline's window: ratings in the training data's last year. */
export const RECENT_DAYS = 365;

/** Ratings at or above this are relevant when held out. */
export const RELEVANT_RATING = LIKED_RATING;

/** Applies the protocol's split. */
export function splitFor(
  ratings: Interaction[],
  options: { protocol: SplitProtocol; seed: number },
): Split {
  const { protocol, seed } = options;
  switch (protocol) {
    case "random":
      return randomSplit(ratings, { seed, testFraction: 0.2, minRatings: 5 });
    case "temporal":
      return temporalSplit(ratings, { holdout: 5 });
    case "new-users":
      return newUserSplit(ratings, { seed, userFraction: 0.2, keep: 5 });
  }
}

/** Groups interactions by user. */
export function byUser(rows: Interaction[]): Map<string, Interaction[]> {
  const out = new Map<string, Interaction[]>();
  for (const r of rows) {
    let list = out.get(r.userId);
    if (!list) out.set(r.userId, list = []);
    list.push(r);
  }
  return out;
}

/** Held-out ratings ≥ `RELEVANT_RATING`, by user. */
export function relevantByUser(test: Interaction[]): Map<string, Set<number>> {
  const out = new Map<string, Set<number>>();
  for (const r of test) {
    if ((r.value ?? 0) < RELEVANT_RATING) continue;
    let set = out.get(r.userId);
    if (!set) out.set(r.userId, set = new Set());
    set.add(r.movieId);
  }
  return out;
}

/** Rating counts per movie. */
export function countsOf(rows: Interaction[]): Map<number, number> {
  const out = new Map<number, number>();
  for (const r of rows) out.set(r.movieId, (out.get(r.movieId) ?? 0) + 1);
  return out;
}

/**
 * Recommends the movies rated most often in the last `days` of `train`
 * (the serving time's recent popularity: one list for everybody).
 *
 * @example
 * ```ts
 * recentPopularRecommender(split.train, RECENT_DAYS).recommend([], { limit: 10 });
 * ```
 */
export function recentPopularRecommender(
  train: Interaction[],
  days: number,
): PopularityRecommender {
  let latest = -Infinity;
  for (const r of train) latest = Math.max(latest, r.timestamp);
  const from = latest - days * 86_400_000;
  const counts = new Map<number, number>();
  for (const r of train) {
    if (r.type === "rating" && r.timestamp > from) {
      counts.set(r.movieId, (counts.get(r.movieId) ?? 0) + 1);
    }
  }
  return new PopularityRecommender(
    [...counts].map(([movieId, ratingCount]) => ({ movieId, ratingCount })),
    { name: "recent-popular", score: (s) => s.ratingCount },
  );
}

/** Recommends uniformly at random among the candidates (seeded per call order). */
export class RandomRecommender implements Recommender {
  readonly name = "random";
  readonly #random: Random;
  constructor(readonly catalogue: number[], seed: number) {
    this.#random = seededRandom(seed);
  }
  recommend(history: Interaction[], options: { limit: number }) {
    const seen = seenMovies(history);
    const picked = new Set<number>();
    const out = [];
    const want = Math.min(options.limit, this.catalogue.length - seen.size);
    while (out.length < want) {
      const id =
        this.catalogue[Math.floor(this.#random() * this.catalogue.length)];
      if (seen.has(id) || picked.has(id)) continue;
      picked.add(id);
      out.push({
        movieId: id,
        score: 0,
        explanation: { kind: "popular" as const, because: [] },
      });
    }
    return out;
  }
}
