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
 * Time enters through the user's reference time T, the newest interaction
 * in the history (capped at the newest training rating): pop(j) is
 * log(1 + ratings of j up to T), trend(j) the same over the `trendDays`
 * before T (what was popular when the user was last active), each divided
 * by its maximum; g(j) = `unreleasedWeight` for a movie that others rated
 * but nobody had rated yet at T (probably not released then), else 1. When
 * serving a current user T is the end of the data, so g is 1 everywhere and
 * trend means "trending lately".
 */
import { explain } from "../explain.ts";
import {
  assertCurrentFeatures,
  candidateFeatures,
  type LearnedBlend,
  scoreFeatures,
} from "../../tools/eval/learned_blend/model.ts";
import {
  collaborativeWeights,
  type HistoryWeightOptions,
  type ItemItemModel,
  likedOnly,
} from "../models/item_item_model.ts";
import { type ProfileWeight, profileWeights, userProfile } from "../profile.ts";
import type {
  Explanation,
  Recommendation,
  Recommender,
  RecommendOptions,
} from "../recommender.ts";
import { sequenceWeights } from "../models/sequence.ts";
import { rowIndex, TopK } from "../vectors/top_k.ts";
import type { RatingTimeline } from "../models/timeline.ts";
import type { EmbeddingMatrix, Interaction } from "../types.ts";

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
  /**
   * Optional learned re-ranking of the blend's candidates
   * (tools/eval/learned_blend/model.ts); absent or null: the formula above ranks.
   */
  learned?: LearnedBlend | null;
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
  /** Sequential co-occurrence (core/models/sequence.ts). */
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
  /** `collaborativeWeights` of liked movies only, for the liked model. */
  likedWeights: ProfileWeight[];
  sequenceWeights: ProfileWeight[];
  contentWeights: ProfileWeight[];
}

/**
 * The content matrix as the hybrid scores it: each row's catalogue index,
 * and, when most entries are zero (tf-idf), the non-zero entries packed
 * row by row in dimension order. Skipping zero terms leaves every sum
 * bit-for-bit unchanged (adding ±0 to a sum that starts at +0 never changes
 * it), so sparse and dense scoring agree exactly.
 */
interface PackedContent {
  /** Catalogue index of each matrix row. */
  catalogueRows: Int32Array;
  /** Row r's entries span `dims/values[starts[r] .. starts[r + 1])`; null: dense. */
  starts: Int32Array | null;
  dims: Int32Array;
  values: Float32Array;
}

/** Pack the matrix sparse when at most this share of its entries is non-zero. */
const SPARSE_DENSITY = 0.5;

function packContent(
  matrix: EmbeddingMatrix,
  catalogueRows: Int32Array,
): PackedContent {
  const { vectors } = matrix;
  let nonZero = 0;
  for (let p = 0; p < vectors.length; p++) if (vectors[p] !== 0) nonZero++;
  if (nonZero > SPARSE_DENSITY * vectors.length) {
    return {
      catalogueRows,
      starts: null,
      dims: new Int32Array(0),
      values: new Float32Array(0),
    };
  }
  const { dim } = matrix;
  const rows = matrix.ids.length;
  const starts = new Int32Array(rows + 1);
  const dims = new Int32Array(nonZero);
  const values = new Float32Array(nonZero);
  let q = 0;
  for (let r = 0; r < rows; r++) {
    for (let d = 0, o = r * dim; d < dim; d++) {
      const v = vectors[o + d];
      if (v !== 0) {
        dims[q] = d;
        values[q++] = v;
      }
    }
    starts[r + 1] = q;
  }
  return { catalogueRows, starts, dims, values };
}

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
  until: Int32Array;
  recent: Int32Array;
  /** Time signals of the last reference time (the same for every current user). */
  signals: TimeSignals & { reference: number };
}

/** Popularity, trend and not-yet-released flags at a reference time. */
interface TimeSignals {
  popularity: Float32Array;
  trend: Float32Array;
  unreleased: Uint8Array;
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
  readonly #content: PackedContent | null;
  readonly #contentIndex: Map<number, number> | null;
  /** t(j) before the pivot: training counts by catalogue index. */
  readonly #counts: Float32Array;
  /** Timeline row of each catalogue index (−1: never rated). */
  readonly #timelineRows: Int32Array;
  /** log1p(k) as float32, for every rating count k the timeline holds. */
  readonly #logCounts: Float32Array;
  readonly #latestMs: number;
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
      ? packContent(parts.content, rows(parts.content.ids)!)
      : null;
    this.#contentIndex = parts.content ? rowIndex(parts.content) : null;
    const { timeline } = parts;
    this.#timelineRows = timeline.rowsOf(this.catalogue);
    let most = 0;
    this.#counts = Float32Array.from(this.#timelineRows, (i) => {
      const count = i < 0 ? 0 : timeline.offsets[i + 1] - timeline.offsets[i];
      most = Math.max(most, count);
      return count;
    });
    this.#logCounts = Float32Array.from(
      { length: most + 1 },
      (_, k) => Math.log1p(k),
    );
    this.#latestMs = timeline.latestMs;
    if (params.learned) assertCurrentFeatures(params.learned);
  }

  /** Normalised per-component scores for one history (reused across blends when tuning). */
  components(history: Interaction[]): HybridComponents {
    return this.#components(history, null);
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
      until: new Int32Array(n),
      recent: new Int32Array(n),
      signals: {
        reference: NaN,
        popularity: new Float32Array(n),
        trend: new Float32Array(n),
        unreleased: new Uint8Array(n),
      },
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
  ): HybridComponents {
    const n = this.catalogue.length;
    const seen = buffers ? buffers.seen.fill(0) : new Uint8Array(n);
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
    const matrix = this.parts.content;
    if (matrix && this.#content && this.#contentIndex) {
      const profile = userProfile(matrix, this.#contentIndex, contentWeights);
      if (profile) {
        content = buffers ? buffers.content.fill(0) : new Float32Array(n);
        this.#contentScores(matrix, profile, content);
        content = normaliseByMax(content, seen);
      }
    }
    const { popularity, trend, unreleased } = this.#timeSignals(
      history,
      buffers,
    );
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

  /**
   * Profile · row for every content row, into `out` by catalogue index.
   * Each row is summed in double precision in dimension order, as a plain
   * loop would; dense rows go four at a time with independent sums, which
   * keeps each sum's order (and so its value) while the additions overlap.
   */
  #contentScores(
    matrix: EmbeddingMatrix,
    profile: Float32Array,
    out: Float32Array,
  ): void {
    const { catalogueRows, starts, dims, values } = this.#content!;
    const rows = catalogueRows.length;
    if (starts) {
      for (let r = 0; r < rows; r++) {
        let s = 0;
        const end = starts[r + 1];
        for (let p = starts[r]; p < end; p++) s += values[p] * profile[dims[p]];
        out[catalogueRows[r]] = s;
      }
      return;
    }
    const { dim, vectors } = matrix;
    let r = 0;
    for (; r + 4 <= rows; r += 4) {
      const o0 = r * dim;
      const o1 = o0 + dim;
      const o2 = o1 + dim;
      const o3 = o2 + dim;
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      for (let d = 0; d < dim; d++) {
        const q = profile[d];
        s0 += vectors[o0 + d] * q;
        s1 += vectors[o1 + d] * q;
        s2 += vectors[o2 + d] * q;
        s3 += vectors[o3 + d] * q;
      }
      out[catalogueRows[r]] = s0;
      out[catalogueRows[r + 1]] = s1;
      out[catalogueRows[r + 2]] = s2;
      out[catalogueRows[r + 3]] = s3;
    }
    for (; r < rows; r++) {
      let s = 0;
      const o = r * dim;
      for (let d = 0; d < dim; d++) s += vectors[o + d] * profile[d];
      out[catalogueRows[r]] = s;
    }
  }

  /**
   * Popularity, trend and not-yet-released flags at the user's reference
   * time. With `buffers`, the last reference time's signals are kept: every
   * user active since training shares one (the end of the data).
   */
  #timeSignals(
    history: Interaction[],
    buffers: ServingBuffers | null,
  ): TimeSignals {
    const n = this.catalogue.length;
    let reference = -Infinity;
    for (const i of history) reference = Math.max(reference, i.timestamp);
    reference = Math.min(reference, this.#latestMs);
    if (!Number.isFinite(reference)) reference = this.#latestMs;
    if (buffers && buffers.signals.reference === reference) {
      return buffers.signals;
    }
    const signals: TimeSignals = buffers ? buffers.signals : {
      popularity: new Float32Array(n),
      trend: new Float32Array(n),
      unreleased: new Uint8Array(n),
    };
    const { popularity, trend, unreleased } = signals;
    const until = buffers ? buffers.until : new Int32Array(n);
    const recent = buffers ? buffers.recent : new Int32Array(n);
    this.parts.timeline.countsInto(
      this.#timelineRows,
      reference,
      this.params.trendDays,
      until,
      recent,
    );
    const logCounts = this.#logCounts;
    let maxPop = 0;
    let maxTrend = 0;
    for (let j = 0; j < n; j++) {
      unreleased[j] = until[j] === 0 && this.#counts[j] > 0 ? 1 : 0;
      const p = popularity[j] = logCounts[until[j]];
      const t = trend[j] = logCounts[recent[j]];
      if (p > maxPop) maxPop = p;
      if (t > maxTrend) maxTrend = t;
    }
    if (maxPop > 0) { for (let j = 0; j < n; j++) popularity[j] /= maxPop; }
    if (maxTrend > 0) { for (let j = 0; j < n; j++) trend[j] /= maxTrend; }
    if (buffers) buffers.signals.reference = reference;
    return signals;
  }

  /** Blended scores over the catalogue (seen movies are not masked here). */
  blend(
    c: HybridComponents,
    params: HybridParams = this.params,
    out: Float32Array = new Float32Array(this.catalogue.length),
  ): Float32Array {
    const a = c.collaborativeHistory /
      (c.collaborativeHistory + params.historyPivot || 1);
    const counts = this.#counts;
    const { ease, liked, knn, sequence, content } = c;
    const { popularity, trend, unreleased } = c;
    for (let j = 0; j < out.length; j++) {
      const count = counts[j];
      const t = count / (count + params.itemPivot || 1);
      const collab = (ease ? params.easeWeight * ease[j] : 0) +
        (liked ? params.likedWeight * liked[j] : 0) +
        (knn ? params.knnWeight * knn[j] : 0) +
        (sequence ? params.sequenceWeight * sequence[j] : 0);
      const score = a * t * collab +
        (content ? params.contentWeight * (1 - a * t) * content[j] : 0) +
        params.popularityWeight * popularity[j] +
        params.trendWeight * trend[j];
      out[j] = unreleased[j] ? params.unreleasedWeight * score : score;
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

  /**
   * The learned blend's candidates, ascending catalogue indices: the `n`
   * best by the blended score plus the n / 4 best of each part and of
   * popularity, each honouring the exclusions.
   */
  candidates(
    c: HybridComponents,
    blended: Float32Array,
    options: RecommendOptions,
    n: number,
  ): Int32Array {
    const picked = new Set<number>();
    const add = (scores: Float32Array | null, limit: number) => {
      if (!scores) return;
      for (const r of this.rank(c, scores, { ...options, limit })) {
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

  /** Features of `candidates` for the learned blend (tools/eval/learned_blend/model.ts). */
  features(
    c: HybridComponents,
    blended: Float32Array,
    candidates: Int32Array,
  ): Float32Array {
    return candidateFeatures({
      ...c,
      blended,
      historyLength: c.collaborativeHistory,
    }, candidates);
  }

  /**
   * Top `limit` by the learned blend among the candidates (ties by
   * catalogue index).
   */
  rankLearned(
    c: HybridComponents,
    blended: Float32Array,
    options: RecommendOptions,
    learned: LearnedBlend,
  ): { index: number; score: number }[] {
    const candidates = this.candidates(
      c,
      blended,
      options,
      learned.candidates,
    );
    const x = this.features(c, blended, candidates);
    const scores = scoreFeatures(learned, x, candidates.length);
    const order = Array.from(candidates.keys()).sort((a, b) =>
      scores[b] - scores[a] || candidates[a] - candidates[b]
    );
    return order.slice(0, Math.max(0, options.limit)).map((i) => ({
      index: candidates[i],
      score: scores[i],
    }));
  }

  recommend(
    history: Interaction[],
    options: RecommendOptions,
  ): Recommendation[] {
    if (history.length === 0) return [];
    const buffers = this.#serving();
    const c = this.#components(history, buffers);
    if (!c.ease && !c.liked && !c.knn && !c.sequence && !c.content) {
      return [];
    }
    const scores = this.blend(c, this.params, buffers.blended);
    // Each model's history rows are looked up once for all explanations.
    const historyRows = new Map<ItemItemModel, Int32Array>();
    const learned = this.params.learned;
    const ranked = learned
      ? this.rankLearned(c, scores, options, learned)
      : this.rank(c, scores, options);
    return ranked.map(({ index, score }) => ({
      movieId: this.catalogue[index],
      score,
      explanation: this.#explain(c, index, historyRows),
    }));
  }

  /** Names the history movies behind the component that dominated the score. */
  #explain(
    c: HybridComponents,
    index: number,
    historyRows: Map<ItemItemModel, Int32Array>,
  ): Explanation {
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
          c.likedWeights,
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
      let rows = historyRows.get(model);
      if (!rows) historyRows.set(model, rows = model.historyRows(weights));
      return explain(weights, model.contributionsAt(weights, rows, movieId));
    }
    if (contentPart > 0) {
      return explain(
        c.contentWeights,
        this.#contentContributions(c.contentWeights, movieId),
      );
    }
    return { kind: "popular", because: [] };
  }

  /**
   * weight × (history row · target row) per content weight, summed in
   * dimension order; over the non-zero entries of the history row when the
   * content is packed sparse (the same value: see `PackedContent`).
   */
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
    const packed = this.#content!;
    const { starts, dims, values } = packed;
    if (starts) {
      const dense = new Float32Array(dim);
      for (let p = starts[target]; p < starts[target + 1]; p++) {
        dense[dims[p]] = values[p];
      }
      for (let w = 0; w < weights.length; w++) {
        const row = index.get(weights[w].movieId);
        if (row === undefined) continue;
        let s = 0;
        for (let p = starts[row]; p < starts[row + 1]; p++) {
          s += values[p] * dense[dims[p]];
        }
        out[w] = weights[w].weight * s;
      }
      return out;
    }
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
