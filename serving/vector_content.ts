/**
 * Content recommendations through a `VectorIndex`: the same profile, search
 * and explanations as `ContentRecommender` (core/recommenders/content.ts), but reading
 * only the vectors it needs (the user's history, then the candidates), so it
 * works when the matrix stays in Atlas. Over the in-memory index it returns
 * exactly what `ContentRecommender` returns (tested).
 * @module
 */
import { ContentRecommender } from "../core/recommenders/content.ts";
import { explain } from "../core/explain.ts";
import {
  type ProfileOptions,
  profileWeights,
  userProfile,
} from "../core/profile.ts";
import type { Recommendation, RecommendOptions } from "../core/recommender.ts";
import { seenMovies } from "../core/skips.ts";
import { rowIndex } from "../core/vectors/top_k.ts";
import type { EmbeddingMatrix, Interaction } from "../core/types.ts";
import type { VectorIndex } from "./vector_search.ts";

/** Stacks two matrices of one model (either may be empty). */
function stack(a: EmbeddingMatrix, b: EmbeddingMatrix): EmbeddingMatrix {
  if (a.ids.length === 0) return b;
  if (b.ids.length === 0) return a;
  if (a.dim !== b.dim) {
    throw new RangeError(
      `Cannot stack vectors of ${a.dim} and ${b.dim} dimensions: expected one model`,
    );
  }
  const ids = new Int32Array(a.ids.length + b.ids.length);
  ids.set(a.ids);
  ids.set(b.ids, a.ids.length);
  const vectors = new Float32Array(a.vectors.length + b.vectors.length);
  vectors.set(a.vectors);
  vectors.set(b.vectors, a.vectors.length);
  return { ids, dim: a.dim, vectors };
}

/**
 * Recommends the movies nearest to the user's profile vector, searched in
 * `index`.
 *
 * @example
 * const recommender = new VectorContentRecommender(atlasIndex);
 * await recommender.recommend(history, { limit: 20 });
 */
export class VectorContentRecommender {
  readonly name = "content";

  constructor(
    readonly index: VectorIndex,
    readonly profileOptions: ProfileOptions = {},
  ) {}

  async recommend(
    history: Interaction[],
    options: RecommendOptions,
  ): Promise<Recommendation[]> {
    const weights = profileWeights(history, {
      ...this.profileOptions,
      now: options.now ?? this.profileOptions.now,
    });
    const seen = await this.index.vectors(weights.map((w) => w.movieId));
    const profile = userProfile(weights, {
      matrix: seen,
      index: rowIndex(seen),
    });
    if (!profile) return [];
    const exclude = seenMovies(history);
    for (const id of options.exclude ?? []) exclude.add(id);
    const best = await this.index.search(profile, options.limit, {
      exclude,
      filter: options.filter,
    });
    // Explanations need the candidates' vectors too: one more small read.
    const candidates = await this.index.vectors(best.map((b) => b.movieId));
    const explainer = new ContentRecommender(stack(seen, candidates));
    return best.map(({ movieId, score }) => ({
      movieId,
      score,
      explanation: explain(weights, explainer.contributions(weights, movieId)),
    }));
  }
}
