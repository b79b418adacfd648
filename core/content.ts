/** Content-based recommendations: similarity to the user's profile vector. */
import type { EmbeddingMatrix, Interaction } from "./types.ts";
import type {
  Recommendation,
  Recommender,
  RecommendOptions,
} from "./recommender.ts";
import { type ProfileOptions, profileWeights, userProfile } from "./profile.ts";
import { rowIndex, topK } from "./top_k.ts";
import { explain } from "./explain.ts";

/**
 * Recommends the movies closest to the user's profile (the seed design).
 *
 * @example
 * const recommender = new ContentRecommender(matrix);
 * recommender.recommend(history, { limit: 10 });
 */
export class ContentRecommender implements Recommender {
  readonly name = "content";
  readonly index: Map<number, number>;

  constructor(
    readonly matrix: EmbeddingMatrix,
    readonly profileOptions: ProfileOptions = {},
  ) {
    this.index = rowIndex(matrix);
  }

  recommend(
    history: Interaction[],
    options: RecommendOptions,
  ): Recommendation[] {
    const weights = profileWeights(history, {
      ...this.profileOptions,
      now: options.now ?? this.profileOptions.now,
    });
    const profile = userProfile(this.matrix, this.index, weights);
    if (!profile) return [];
    const exclude = new Set(options.exclude ?? []);
    for (const i of history) exclude.add(i.movieId);
    const best = topK(this.matrix, profile, options.limit, {
      exclude,
      filter: options.filter,
    });
    return best.map(({ movieId, score }) => ({
      movieId,
      score,
      explanation: explain(weights, this.contributions(weights, movieId)),
    }));
  }

  /** weight × cosine(history movie, candidate) for each history movie. */
  contributions(
    weights: { movieId: number; weight: number }[],
    movieId: number,
  ) {
    const { dim, vectors } = this.matrix;
    const out = new Float64Array(weights.length);
    const candidate = this.index.get(movieId);
    if (candidate === undefined) return out;
    const c = candidate * dim;
    for (let w = 0; w < weights.length; w++) {
      const row = this.index.get(weights[w].movieId);
      if (row === undefined) continue;
      let similarity = 0;
      const r = row * dim;
      for (let d = 0; d < dim; d++) {
        similarity += vectors[r + d] * vectors[c + d];
      }
      out[w] = weights[w].weight * similarity;
    }
    return out;
  }
}
