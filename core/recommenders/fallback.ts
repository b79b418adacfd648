/** A recommender that fills what its primary cannot say from a fallback. */
import type {
  Recommendation,
  Recommender,
  RecommendOptions,
} from "../recommender.ts";
import type { Interaction } from "../types.ts";

/**
 * Serves `primary` and fills what it cannot say (a history of movies nobody
 * rated, or fewer results than asked) from `fallback`, e.g. content.
 */
export class FallbackRecommender implements Recommender {
  readonly name: string;
  constructor(
    readonly primary: Recommender,
    readonly fallback: Recommender | null,
  ) {
    this.name = primary.name;
  }

  recommend(
    history: Interaction[],
    options: RecommendOptions,
  ): Recommendation[] {
    const first = this.primary.recommend(history, options);
    if (first.length >= options.limit || !this.fallback) return first;
    const exclude = new Set(options.exclude ?? []);
    for (const r of first) exclude.add(r.movieId);
    const rest = this.fallback.recommend(history, {
      ...options,
      exclude,
      limit: options.limit - first.length,
    });
    // Fallback scores live on another scale: place them below the primary's.
    const floor = first.length ? Math.min(...first.map((r) => r.score)) : 0;
    return [
      ...first,
      ...rest.map((r, i) => ({ ...r, score: Math.min(floor, 0) - 1 - i })),
    ];
  }
}
