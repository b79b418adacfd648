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
 * than merely watched: relevance is a high rating) and fed the user's liked
 * movies only, sequence is what other
 * users rated next after the user's latest movies (core/models/sequence.ts; its
 * history weights decay by position by `sequenceDecay`, EASE's and
 * item-kNN's by `historyDecay`), and
 * a = n / (n + historyPivot) for a history of n collaborative items
 * (trust in collaborative scores grows with history) and
 * t(j) = c / (c + itemPivot) for a movie rated c times in training (a movie
 * nobody rated gets t = 0: content only).
 *
 * Time enters through the reference time T, the serving time (the
 * request's `now`, capped at the newest training rating, which is the
 * default): pop(j) is log(1 + ratings of j up to T), trend(j) the same over
 * the `trendDays` before T, each divided by its maximum; g(j) =
 * `unreleasedWeight` for a movie that others rated but nobody had rated
 * yet at T (probably not released then), else 1. Served after training, T
 * is the end of the data, so g is 1 everywhere and trend means "trending
 * lately"; the evaluation serves at the same T (hybrid_time.ts says why).
 */
import {
  HYBRID_DEFAULTS,
  type HybridComponents,
  type HybridParams,
  type HybridParts,
} from "./hybrid_params.ts";
import {
  collaborativeWeights,
  type HistoryWeightOptions,
  type ItemItemModel,
  likedOnly,
} from "../models/item_item_model.ts";
import { type ProfileWeight, profileWeights } from "../profile.ts";
import type {
  Recommendation,
  Recommender,
  RecommendOptions,
} from "../recommender.ts";
import { sequenceWeights } from "../models/sequence.ts";
import { isSkip } from "../skips.ts";
import { TopK } from "../vectors/top_k.ts";
import { HybridContent } from "./hybrid_content.ts";
import { explainPick } from "./hybrid_explain.ts";
import { HybridTimeSignals, type TimeSignalBuffers } from "./hybrid_time.ts";
import type { Interaction } from "../types.ts";

export {
  HYBRID_DEFAULTS,
  type HybridComponents,
  type HybridParams,
  type HybridParts,
} from "./hybrid_params.ts";

/**
 * Per-request buffers of `recommend`, reused across calls: recommend is
 * synchronous, so one call never sees another's data, and a request then
 * allocates nothing proportional to the catalogue.
 */
interface ServingBuffers {
  seen: Uint8Array;
  /** Per collaborative model (ease, liked, knn, sequence): its own rows. */
  local: Float32Array[];
  /** Per collaborative model: scores by catalogue index. */
  scores: Float32Array[];
  content: Float32Array;
  blended: Float32Array;
  time: TimeSignalBuffers;
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
  readonly #content: HybridContent | null;
  readonly #time: HybridTimeSignals;
  /** t(j) before the pivot: training counts by catalogue index. */
  readonly #counts: Float32Array;
  #buffers: ServingBuffers | null = null;

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
    this.#content = parts.content
      ? new HybridContent(parts.content, rows(parts.content.ids)!)
      : null;
    this.#time = new HybridTimeSignals(parts.timeline, this.catalogue);
    this.#counts = this.#time.counts;
  }

  /**
   * Normalised per-component scores for one history served at `now`
   * (default: the end of the training data), reused across blends when
   * tuning. Read-only: the time signals are shared by every call at the
   * same serving time.
   */
  components(history: Interaction[], now?: number): HybridComponents {
    return this.#components(history, null, now);
  }

  /** `recommend`'s buffers, allocated on first use. */
  #serving(): ServingBuffers {
    if (this.#buffers) return this.#buffers;
    const n = this.catalogue.length;
    const models = [
      this.parts.ease,
      this.parts.liked,
      this.parts.itemknn,
      this.parts.sequence,
    ];
    this.#buffers = {
      seen: new Uint8Array(n),
      local: models.map((m) => new Float32Array(m?.items.length ?? 0)),
      scores: models.map((m) => new Float32Array(m ? n : 0)),
      content: new Float32Array(this.#content ? n : 0),
      blended: new Float32Array(n),
      time: this.#time.buffers(),
    };
    return this.#buffers;
  }

  /**
   * The components, in fresh arrays (`buffers` null: the caller may keep
   * them) or in `recommend`'s reused buffers.
   */
  #components(
    history: Interaction[],
    buffers: ServingBuffers | null,
    now: number | undefined,
  ): HybridComponents {
    const n = this.catalogue.length;
    const seen = buffers ? buffers.seen.fill(0) : new Uint8Array(n);
    for (const i of history) {
      const c = this.#index.get(i.movieId);
      // a skipped movie was never seen: it stays a candidate
      if (c !== undefined && !isSkip(i)) seen[c] = 1;
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
      slot: number,
      model: ItemItemModel | null | undefined,
      rows: Int32Array | null,
      weights: ProfileWeight[] = collab,
    ): Float32Array | null => {
      if (!model || !rows) return null;
      const local = buffers
        ? buffers.local[slot].fill(0)
        : new Float32Array(model.items.length);
      const known = model.scoreInto(weights, local);
      collaborativeHistory = Math.max(collaborativeHistory, known);
      if (known === 0) return null;
      const out = buffers ? buffers.scores[slot].fill(0) : new Float32Array(n);
      for (let r = 0; r < rows.length; r++) out[rows[r]] = local[r];
      return normaliseByMax(out, seen);
    };
    const ease = modelScores(0, this.parts.ease, this.#easeRows);
    const likedWeights = likedOnly(history, collab);
    const liked = modelScores(
      1,
      this.parts.liked,
      this.#likedRows,
      likedWeights,
    );
    const knn = modelScores(2, this.parts.itemknn, this.#knnRows);
    const sequence = modelScores(
      3,
      this.parts.sequence,
      this.#sequenceRows,
      sequential,
    );
    let content: Float32Array | null = null;
    const profile = this.#content?.profile(contentWeights);
    if (this.#content && profile) {
      content = buffers ? buffers.content.fill(0) : new Float32Array(n);
      this.#content.scoreInto(profile, content);
      content = normaliseByMax(content, seen);
    }
    const { popularity, trend, unreleased } = this.#time.at({
      now,
      trendDays: this.params.trendDays,
      buffers: buffers?.time ?? null,
    });
    return {
      ease,
      liked,
      knn,
      sequence,
      content,
      collaborativeHistory,
      seen,
      collaborativeWeights: collab,
      likedWeights,
      sequenceWeights: sequential,
      contentWeights,
      popularity,
      trend,
      unreleased,
    };
  }

  /** Blended scores over the catalogue (seen movies are not masked here). */
  blend(
    c: HybridComponents,
    options: {
      /** Default: the recommender's own. */
      params?: HybridParams;
      /** Where to write (default: a new array). */
      out?: Float32Array;
    } = {},
  ): Float32Array {
    const params = options.params ?? this.params;
    const out = options.out ?? new Float32Array(this.catalogue.length);
    const a = c.collaborativeHistory /
      (c.collaborativeHistory + params.historyPivot || 1);
    const counts = this.#counts;
    const { ease, liked, knn, sequence, content } = c;
    const { popularity, trend, unreleased } = c;
    // Weights read once: tuning's params objects differ in shape from trial
    // to trial, and reading them per movie made this loop megamorphic (most
    // of tuning's time).
    const { easeWeight, likedWeight, knnWeight, sequenceWeight } = params;
    const { contentWeight, popularityWeight, trendWeight } = params;
    const { unreleasedWeight, itemPivot } = params;
    for (let j = 0; j < out.length; j++) {
      const count = counts[j];
      const t = count / (count + itemPivot || 1);
      const collab = (ease ? easeWeight * ease[j] : 0) +
        (liked ? likedWeight * liked[j] : 0) +
        (knn ? knnWeight * knn[j] : 0) +
        (sequence ? sequenceWeight * sequence[j] : 0);
      const score = a * t * collab +
        (content ? contentWeight * (1 - a * t) * content[j] : 0) +
        popularityWeight * popularity[j] +
        trendWeight * trend[j];
      out[j] = unreleased[j] ? unreleasedWeight * score : score;
    }
    return out;
  }

  /**
   * Top catalogue indices of blended scores, honouring the exclusions.
   * Exclusions and the filter are only consulted for movies that would
   * enter the heap: the best k by (score, index) do not depend on the
   * order they are offered in.
   */
  rank(
    c: HybridComponents,
    scores: Float32Array,
    options: RecommendOptions,
  ): { index: number; score: number }[] {
    const heap = new TopK(options.limit);
    const { seen } = c;
    const { exclude, filter } = options;
    let threshold = -Infinity;
    for (let j = 0; j < scores.length; j++) {
      const score = scores[j];
      if (score < threshold || seen[j]) continue;
      const id = this.catalogue[j];
      if (exclude?.has(id)) continue;
      if (filter && !filter(id)) continue;
      heap.push(j, score);
      threshold = heap.threshold;
    }
    return heap.result().map((s) => ({ index: s.movieId, score: s.score }));
  }

  recommend(
    history: Interaction[],
    options: RecommendOptions,
  ): Recommendation[] {
    if (history.length === 0) return [];
    const buffers = this.#serving();
    const c = this.#components(history, buffers, options.now);
    if (!c.ease && !c.liked && !c.knn && !c.sequence && !c.content) {
      return [];
    }
    const scores = this.blend(c, { out: buffers.blended });
    // Each model's history rows are looked up once for all explanations.
    const historyRows = new Map<ItemItemModel, Int32Array>();
    const ranked = this.rank(c, scores, options);
    return ranked.map(({ index, score }) => ({
      movieId: this.catalogue[index],
      score,
      explanation: explainPick(c, {
        index,
        movieId: this.catalogue[index],
        params: this.params,
        parts: this.parts,
        content: this.#content,
        count: this.#counts[index],
        historyRows,
      }),
    }));
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
