/** Content-based recommendations: similarity to the user's profile vector. */
import type { EmbeddingMatrix, Interaction } from "../types.ts";
import type {
  Recommendation,
  Recommender,
  RecommendOptions,
} from "../recommender.ts";
import {
  type ProfileOptions,
  type ProfileWeight,
  profileWeights,
  userProfile,
} from "../profile.ts";
import { rowIndex, topK } from "../vectors/top_k.ts";
import { explain } from "../explain.ts";
import { seenMovies } from "../skips.ts";

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
    const profile = userProfile(weights, {
      matrix: this.matrix,
      index: this.index,
    });
    if (!profile) return [];
    const exclude = seenMovies(history);
    for (const id of options.exclude ?? []) exclude.add(id);
    const best = topK(this.matrix, profile, {
      k: options.limit,
      exclude,
      filter: options.filter,
    });
    const contributions = this.explainedContributions(
      weights,
      best.map((b) => b.movieId),
    );
    return best.map(({ movieId, score }, i) => ({
      movieId,
      score,
      explanation: explain(weights, contributions[i]),
    }));
  }

  /**
   * What `explain` reads of `contributions(weights, id)` for each id: the
   * same values where the weight is positive, 0 elsewhere (explain never
   * names a movie with a weight ≤ 0). The positive-weight history rows are
   * looked up once, and four candidates are scored per pass over a history
   * row with independent sums, each added in the order `contributions`
   * uses, so every value is bit-for-bit the one it computes.
   */
  explainedContributions(
    weights: ProfileWeight[],
    movieIds: number[],
  ): Float64Array[] {
    const { dim, vectors } = this.matrix;
    const out = movieIds.map(() => new Float64Array(weights.length));
    const used: number[] = [];
    const offsets: number[] = [];
    for (let w = 0; w < weights.length; w++) {
      if (!(weights[w].weight > 0)) continue;
      const row = this.index.get(weights[w].movieId);
      if (row === undefined) continue;
      used.push(w);
      offsets.push(row * dim);
    }
    const candidates: number[] = [];
    const outputs: Float64Array[] = [];
    movieIds.forEach((id, i) => {
      const row = this.index.get(id);
      if (row === undefined) return;
      candidates.push(row * dim);
      outputs.push(out[i]);
    });
    for (let c = 0; c < candidates.length; c += 4) {
      // a short last block repeats its first candidate and drops the extra sums
      const c0 = candidates[c];
      const c1 = candidates[c + 1] ?? c0;
      const c2 = candidates[c + 2] ?? c0;
      const c3 = candidates[c + 3] ?? c0;
      for (let h = 0; h < used.length; h++) {
        const r = offsets[h];
        let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        for (let d = 0; d < dim; d++) {
          const x = vectors[r + d];
          s0 += x * vectors[c0 + d];
          s1 += x * vectors[c1 + d];
          s2 += x * vectors[c2 + d];
          s3 += x * vectors[c3 + d];
        }
        const w = used[h];
        const weight = weights[w].weight;
        outputs[c][w] = weight * s0;
        if (c + 1 < outputs.length) outputs[c + 1][w] = weight * s1;
        if (c + 2 < outputs.length) outputs[c + 2][w] = weight * s2;
        if (c + 3 < outputs.length) outputs[c + 3][w] = weight * s3;
      }
    }
    return out;
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
