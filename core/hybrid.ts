/**
 * The hybrid recommender: collaborative scores (EASE, item-kNN) where the
 * signal is strong, content similarity where it is thin (movies few people
 * rated, users with short histories), plus a small popularity prior.
 *
 * Per user, each component's scores over the catalogue are divided by their
 * largest value among unseen movies, so components are on one scale; then
 *
 *   score(j) = g(j) · [ a·t(j)·(wE·ease(j) + wL·liked(j) + wK·knn(j)
 *                               + wS·sequence(j))
 *                       + wC·(1 − a·t(j))·content(j)
 *                       + wP·pop(j) + wT·trend(j) ]
 *
 * where liked is EASE trained on ratings ≥ 4 only (what users liked rather
 * than merely watched: relevance is a high rating), sequence is what other
 * users rated next after the user's latest movies (core/sequence.ts; its
 * history weights decay by position by `sequenceDecay`, EASE's and
 * item-kNN's by `historyDecay`), and
 * a = n / (n + historyPivot) for a history of n collaborative items
 * (trust in collaborative scores grows with history) and
 * t(j) = c / (c + itemPivot) for a movie rated c times in training (a movie
 * nobody rated gets t = 0: content only).
 *
 * Time enters through the user's reference time T, the newest interaction
 * in the history (capped at the newest training rating): pop(j) is
 * log(1 + ratings of j up to T), trend(j) the same over the `trendDays`
 * before T (what was popular when the user was last active), each divided
 * by its maximum; g(j) = `unreleasedWeight` for a movie that others rated
 * but nobody had rated yet at T (probably not released then), else 1. When
 * serving a current user T is the end of the data, so g is 1 everywhere and
 * trend means "trending lately".
 */
import { explain } from "./explain.ts";
import {
  collaborativeWeights,
  type HistoryWeightOptions,
  type ItemItemModel,
} from "./item_item.ts";
import { type ProfileWeight, profileWeights, userProfile } from "./profile.ts";
import type {
  Explanation,
  Recommendation,
  Recommender,
  RecommendOptions,
} from "./recommender.ts";
import { sequenceWeights } from "./sequence.ts";
import { rowIndex, TopK } from "./top_k.ts";
import type { RatingTimeline } from "./timeline.ts";
import type { EmbeddingMatrix, Interaction } from "./types.ts";

/** Blend weights and pivots; see the module comment for the formula. */
export interface HybridParams {
  easeWeight: number;
  likedWeight: number;
  knnWeight: number;
  contentWeight: number;
  popularityWeight: number;
  historyPivot: number;
  itemPivot: number;
  /** Recency half-life of collaborative history weights, in days (0: none). */
  halfLifeDays: number;
  /**
   * Per-position decay of the EASE / item-kNN history weights, newest
   * movie 1 (1: no decay); by position rather than clock since MovieLens
   * users rate in bursts.
   */
  historyDecay: number;
  /** Weight of the sequential part ("what people rated next"). */
  sequenceWeight: number;
  /** Per-position decay of the sequential part's history weights (last = 1). */
  sequenceDecay: number;
  trendWeight: number;
  trendDays: number;
  unreleasedWeight: number;
}

/** Defaults as tuned by `deno task eval` (temporal validation split). */
export const HYBRID_DEFAULTS: HybridParams = {
  easeWeight: 1,
  likedWeight: 2,
  knnWeight: 0.4,
  contentWeight: 0.4,
  popularityWeight: 0.1,
  historyPivot: 20,
  itemPivot: 1,
  halfLifeDays: 0,
  historyDecay: 0.85,
  sequenceWeight: 2,
  sequenceDecay: 0.75,
  trendWeight: 0.1,
  trendDays: 30,
  unreleasedWeight: 0.5,
};

/** What the hybrid is built from; every part is optional except counts. */
export interface HybridParts {
  ease?: ItemItemModel | null;
  /** EASE trained on high ratings only. */
  liked?: ItemItemModel | null;
  itemknn?: ItemItemModel | null;
  /** Sequential co-occurrence (core/sequence.ts). */
  sequence?: ItemItemModel | null;
  content?: EmbeddingMatrix | null;
  /** When each movie was rated in training: counts, popularity and trends. */
  timeline: RatingTimeline;
}

/** Per-user component scores over the catalogue (null: part absent or silent). */
export interface HybridComponents {
  ease: Float32Array | null;
  liked: Float32Array | null;
  knn: Float32Array | null;
  sequence: Float32Array | null;
  content: Float32Array | null;
  /** Number of history movies the collaborative models know. */
  collaborativeHistory: number;
  /** 1 at the catalogue indices of the user's history (never recommended). */
  seen: Uint8Array;
  /** log-count popularity up to the reference time, max 1. */
  popularity: Float32Array;
  /** log-count popularity in the trend window, max 1. */
  trend: Float32Array;
  /** 1 for movies others rated only after the reference time. */
  unreleased: Uint8Array;
  collaborativeWeights: ProfileWeight[];
  sequenceWeights: ProfileWeight[];
  contentWeights: ProfileWeight[];
}

/**
 * Blends collaborative, content and popularity scores (see module comment).
 *
 * @example
 * ```ts
 * const hybrid = new HybridRecommender({ ease, itemknn, content, itemCounts });
 * hybrid.recommend(history, { limit: 10 });
 * ```
 */
export class HybridRecommender implements Recommender {
  readonly name = "hybrid";
  /** Every movie any part knows, ascending. */
  readonly catalogue: Int32Array;
  readonly #index = new Map<number, number>();
  /** Catalogue index of each row of each part (−1: unknown). */
  readonly #easeRows: Int32Array | null;
  readonly #likedRows: Int32Array | null;
  readonly #knnRows: Int32Array | null;
  readonly #sequenceRows: Int32Array | null;
  readonly #contentRows: Int32Array | null;
  readonly #contentIndex: Map<number, number> | null;
  /** t(j) before the pivot: training counts by catalogue index. */
  readonly #counts: Float32Array;
  readonly #latestMs: number;

  constructor(
    readonly parts: HybridParts,
    readonly params: HybridParams = HYBRID_DEFAULTS,
  ) {
    const ids = new Set<number>(parts.timeline.items);
    for (const id of parts.ease?.items ?? []) ids.add(id);
    for (const id of parts.liked?.items ?? []) ids.add(id);
    for (const id of parts.itemknn?.items ?? []) ids.add(id);
    for (const id of parts.sequence?.items ?? []) ids.add(id);
    for (const id of parts.content?.ids ?? []) ids.add(id);
    this.catalogue = Int32Array.from(ids).sort();
    this.catalogue.forEach((id, i) => this.#index.set(id, i));
    const rows = (list: Int32Array | undefined) =>
      list ? Int32Array.from(list, (id) => this.#index.get(id)!) : null;
    this.#easeRows = rows(parts.ease?.items);
    this.#likedRows = rows(parts.liked?.items);
    this.#knnRows = rows(parts.itemknn?.items);
    this.#sequenceRows = rows(parts.sequence?.items);
    this.#contentRows = rows(parts.content?.ids);
    this.#contentIndex = parts.content ? rowIndex(parts.content) : null;
    const { timeline } = parts;
    this.#counts = Float32Array.from(this.catalogue, (id) => {
      const i = timeline.index.get(id);
      return i === undefined
        ? 0
        : timeline.offsets[i + 1] - timeline.offsets[i];
    });
    this.#latestMs = timeline.latestMs;
  }

  /** Normalised per-component scores for one history (reused across blends when tuning). */
  components(history: Interaction[]): HybridComponents {
    const n = this.catalogue.length;
    const seen = new Uint8Array(n);
    for (const i of history) {
      const c = this.#index.get(i.movieId);
      if (c !== undefined) seen[c] = 1;
    }
    const collab = collaborativeWeights(
      history,
      {
        halfLifeDays: this.params.halfLifeDays,
      } satisfies HistoryWeightOptions,
    );
    const contentWeights = profileWeights(history);
    let collaborativeHistory = 0;
    const sequential = sequenceWeights(history, this.params.sequenceDecay);
    if (this.params.historyDecay !== 1) {
      const position = sequenceWeights(history, this.params.historyDecay);
      const factor = new Map(position.map((w) => [w.movieId, w.weight]));
      for (const w of collab) w.weight *= factor.get(w.movieId) ?? 1;
    }
    const modelScores = (
      model: ItemItemModel | null | undefined,
      rows: Int32Array | null,
      weights: ProfileWeight[] = collab,
    ): Float32Array | null => {
      if (!model || !rows) return null;
      const local = new Float32Array(model.items.length);
      const known = model.scoreInto(weights, local);
      collaborativeHistory = Math.max(collaborativeHistory, known);
      if (known === 0) return null;
      const out = new Float32Array(n);
      for (let r = 0; r < rows.length; r++) out[rows[r]] = local[r];
      return normaliseByMax(out, seen);
    };
    const ease = modelScores(this.parts.ease, this.#easeRows);
    const liked = modelScores(this.parts.liked, this.#likedRows);
    const knn = modelScores(this.parts.itemknn, this.#knnRows);
    const sequence = modelScores(
      this.parts.sequence,
      this.#sequenceRows,
      sequential,
    );
    let content: Float32Array | null = null;
    const matrix = this.parts.content;
    if (matrix && this.#contentRows && this.#contentIndex) {
      const profile = userProfile(matrix, this.#contentIndex, contentWeights);
      if (profile) {
        content = new Float32Array(n);
        const { dim, vectors } = matrix;
        for (let r = 0; r < this.#contentRows.length; r++) {
          let s = 0;
          const o = r * dim;
          for (let d = 0; d < dim; d++) s += vectors[o + d] * profile[d];
          content[this.#contentRows[r]] = s;
        }
        content = normaliseByMax(content, seen);
      }
    }
    return {
      ease,
      liked,
      knn,
      sequence,
      content,
      collaborativeHistory,
      seen,
      collaborativeWeights: collab,
      sequenceWeights: sequential,
      contentWeights,
      ...this.#timeSignals(history),
    };
  }

  /** Popularity, trend and not-yet-released flags at the user's reference time. */
  #timeSignals(history: Interaction[]) {
    const n = this.catalogue.length;
    let reference = -Infinity;
    for (const i of history) reference = Math.max(reference, i.timestamp);
    reference = Math.min(reference, this.#latestMs);
    if (!Number.isFinite(reference)) reference = this.#latestMs;
    const popularity = new Float32Array(n);
    const trend = new Float32Array(n);
    const unreleased = new Uint8Array(n);
    const { timeline } = this.parts;
    let maxPop = 0;
    let maxTrend = 0;
    for (let j = 0; j < n; j++) {
      const id = this.catalogue[j];
      const until = timeline.countUntil(id, reference);
      if (until === 0 && this.#counts[j] > 0) unreleased[j] = 1;
      popularity[j] = Math.log1p(until);
      trend[j] = Math.log1p(
        timeline.countBefore(id, reference, this.params.trendDays),
      );
      maxPop = Math.max(maxPop, popularity[j]);
      maxTrend = Math.max(maxTrend, trend[j]);
    }
    for (let j = 0; j < n; j++) {
      if (maxPop > 0) popularity[j] /= maxPop;
      if (maxTrend > 0) trend[j] /= maxTrend;
    }
    return { popularity, trend, unreleased };
  }

  /** Blended scores over the catalogue (seen movies are not masked here). */
  blend(
    c: HybridComponents,
    params: HybridParams = this.params,
    out: Float32Array = new Float32Array(this.catalogue.length),
  ): Float32Array {
    const a = c.collaborativeHistory /
      (c.collaborativeHistory + params.historyPivot || 1);
    for (let j = 0; j < out.length; j++) {
      const count = this.#counts[j];
      const t = count / (count + params.itemPivot || 1);
      const collab = (c.ease ? params.easeWeight * c.ease[j] : 0) +
        (c.liked ? params.likedWeight * c.liked[j] : 0) +
        (c.knn ? params.knnWeight * c.knn[j] : 0) +
        (c.sequence ? params.sequenceWeight * c.sequence[j] : 0);
      const score = a * t * collab +
        (c.content ? params.contentWeight * (1 - a * t) * c.content[j] : 0) +
        params.popularityWeight * c.popularity[j] +
        params.trendWeight * c.trend[j];
      out[j] = c.unreleased[j] ? params.unreleasedWeight * score : score;
    }
    return out;
  }

  /** Top catalogue indices of blended scores, honouring the exclusions. */
  rank(
    c: HybridComponents,
    scores: Float32Array,
    options: RecommendOptions,
  ): { index: number; score: number }[] {
    const heap = new TopK(options.limit);
    for (let j = 0; j < scores.length; j++) {
      if (c.seen[j]) continue;
      const id = this.catalogue[j];
      if (options.exclude?.has(id)) continue;
      if (options.filter && !options.filter(id)) continue;
      heap.push(j, scores[j]);
    }
    return heap.result().map((s) => ({ index: s.movieId, score: s.score }));
  }

  recommend(
    history: Interaction[],
    options: RecommendOptions,
  ): Recommendation[] {
    if (history.length === 0) return [];
    const c = this.components(history);
    if (!c.ease && !c.liked && !c.knn && !c.sequence && !c.content) {
      return [];
    }
    const scores = this.blend(c);
    return this.rank(c, scores, options).map(({ index, score }) => ({
      movieId: this.catalogue[index],
      score,
      explanation: this.#explain(c, index),
    }));
  }

  /** Names the history movies behind the component that dominated the score. */
  #explain(c: HybridComponents, index: number): Explanation {
    const p = this.params;
    const a = c.collaborativeHistory /
      (c.collaborativeHistory + p.historyPivot || 1);
    const count = this.#counts[index];
    const t = count / (count + p.itemPivot || 1);
    // The collaborative part that contributed most to this movie explains it.
    const parts: [number, ItemItemModel | null | undefined, ProfileWeight[]][] =
      [
        [
          (c.ease?.[index] ?? 0) * p.easeWeight,
          this.parts.ease,
          c.collaborativeWeights,
        ],
        [
          (c.liked?.[index] ?? 0) * p.likedWeight,
          this.parts.liked,
          c.collaborativeWeights,
        ],
        [
          (c.knn?.[index] ?? 0) * p.knnWeight,
          this.parts.itemknn,
          c.collaborativeWeights,
        ],
        [
          (c.sequence?.[index] ?? 0) * p.sequenceWeight,
          this.parts.sequence,
          c.sequenceWeights,
        ],
      ];
    let strongest = parts[0];
    let collab = 0;
    for (const part of parts) {
      collab += part[0];
      if (part[0] > strongest[0]) strongest = part;
    }
    const collabPart = a * t * collab;
    const contentPart = p.contentWeight * (1 - a * t) *
      (c.content?.[index] ?? 0);
    const movieId = this.catalogue[index];
    if (collabPart >= contentPart && collabPart > 0 && strongest[1]) {
      const [, model, weights] = strongest;
      return explain(weights, model.contributions(weights, movieId));
    }
    if (contentPart > 0) {
      return explain(
        c.contentWeights,
        this.#contentContributions(c.contentWeights, movieId),
      );
    }
    return { kind: "popular", because: [] };
  }

  #contentContributions(
    weights: ProfileWeight[],
    movieId: number,
  ): Float64Array {
    const out = new Float64Array(weights.length);
    const matrix = this.parts.content;
    const index = this.#contentIndex;
    const target = index?.get(movieId);
    if (!matrix || !index || target === undefined) return out;
    const { dim, vectors } = matrix;
    for (let w = 0; w < weights.length; w++) {
      const row = index.get(weights[w].movieId);
      if (row === undefined) continue;
      let s = 0;
      for (let d = 0; d < dim; d++) {
        s += vectors[row * dim + d] * vectors[target * dim + d];
      }
      out[w] = weights[w].weight * s;
    }
    return out;
  }
}

/**
 * Divides scores by their largest value among unseen movies so that the
 * best candidate of every component scores 1; a component with no positive
 * score is returned unchanged.
 */
function normaliseByMax(
  scores: Float32Array,
  seen: Uint8Array,
): Float32Array {
  let max = 0;
  for (let j = 0; j < scores.length; j++) {
    if (scores[j] > max && !seen[j]) max = scores[j];
  }
  if (max > 0) { for (let j = 0; j < scores.length; j++) scores[j] /= max; }
  return scores;
}
