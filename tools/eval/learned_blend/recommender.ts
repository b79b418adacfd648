/**
 * The hybrid re-ranked by a learned blend (model.ts): a research method the
 * evaluation measures beside the served hybrid. Its candidates are the
 * hybrid's best by the blended score plus the best of each part and of
 * popularity; the learned linear scorer orders them.
 */
import type {
  HybridComponents,
  HybridRecommender,
} from "../../../core/recommenders/hybrid.ts";
import type {
  Recommendation,
  Recommender,
  RecommendOptions,
} from "../../../core/recommender.ts";
import type { Interaction } from "../../../core/types.ts";
import {
  assertCurrentFeatures,
  candidateFeatures,
  type LearnedBlend,
  scoreFeatures,
} from "./model.ts";

/**
 * The candidates of one user, ascending catalogue indices: the `n` best by
 * the blended score plus the n / 4 best of each part and of popularity,
 * each honouring the exclusions.
 */
export function blendCandidates(
  hybrid: HybridRecommender,
  c: HybridComponents,
  options: RecommendOptions & { blended: Float32Array; n: number },
): Int32Array {
  const { blended, n } = options;
  const picked = new Set<number>();
  const add = (scores: Float32Array | null, limit: number) => {
    if (!scores) return;
    for (const r of hybrid.rank(c, scores, { ...options, limit })) {
      picked.add(r.index);
    }
  };
  add(blended, n);
  const each = Math.ceil(n / 4);
  for (const part of [c.ease, c.liked, c.knn, c.sequence, c.content]) {
    add(part, each);
  }
  add(c.popularity, each);
  return Int32Array.from(picked).sort();
}

/** Features of `candidates` for the learned blend. */
export function blendFeatures(
  c: HybridComponents,
  options: { blended: Float32Array; candidates: Int32Array },
): Float32Array {
  const { blended, candidates } = options;
  return candidateFeatures({
    ...c,
    blended,
    historyLength: c.collaborativeHistory,
  }, candidates);
}

/**
 * A hybrid whose candidates are ordered by a learned blend (ties by
 * catalogue index). Explanations are not its concern: it names no movie.
 *
 * @example
 * ```ts
 * const learned = new LearnedBlendRecommender(hybrid, fit.learned);
 * learned.recommend(history, { limit: 10 });
 * ```
 */
export class LearnedBlendRecommender implements Recommender {
  readonly name = "hybrid-learned";

  constructor(
    readonly hybrid: HybridRecommender,
    readonly blend: LearnedBlend,
  ) {
    assertCurrentFeatures(blend);
  }

  recommend(
    history: Interaction[],
    options: RecommendOptions,
  ): Recommendation[] {
    if (history.length === 0) return [];
    const { hybrid } = this;
    const c = hybrid.components(history);
    const blended = hybrid.blend(c);
    const candidates = blendCandidates(hybrid, c, {
      ...options,
      blended,
      n: this.blend.candidates,
    });
    const x = blendFeatures(c, { blended, candidates });
    const scores = scoreFeatures(this.blend, {
      features: x,
      candidates: candidates.length,
    });
    const order = Array.from(candidates.keys()).sort((a, b) =>
      scores[b] - scores[a] || candidates[a] - candidates[b]
    );
    return order.slice(0, Math.max(0, options.limit)).map((i) => ({
      movieId: hybrid.catalogue[candidates[i]],
      score: scores[i],
      explanation: { kind: "rated", because: [] },
    }));
  }
}
