/** Popularity recommendations: the cold-start fallback. */
import type { Interaction, MovieStats } from "./types.ts";
import type {
  Recommendation,
  Recommender,
  RecommendOptions,
} from "./recommender.ts";

/**
 * Recommends the movies with the highest Bayesian-average rating that the
 * user has not interacted with.
 */
export class PopularityRecommender implements Recommender {
  readonly name = "popular";
  readonly #ranked: { movieId: number; score: number }[];

  constructor(
    stats: Pick<MovieStats, "movieId" | "bayesianScore" | "ratingCount">[],
  ) {
    this.#ranked = stats
      .filter((s) => s.ratingCount > 0)
      .map((s) => ({ movieId: s.movieId, score: s.bayesianScore }))
      .sort((a, b) => b.score - a.score || a.movieId - b.movieId);
  }

  recommend(
    history: Interaction[],
    options: RecommendOptions,
  ): Recommendation[] {
    const seen = new Set(history.map((i) => i.movieId));
    const out: Recommendation[] = [];
    for (const { movieId, score } of this.#ranked) {
      if (out.length >= options.limit) break;
      if (seen.has(movieId) || options.exclude?.has(movieId)) continue;
      if (options.filter && !options.filter(movieId)) continue;
      out.push({
        movieId,
        score,
        explanation: { kind: "popular", because: [] },
      });
    }
    return out;
  }
}
