/**
 * Top-k ranking metrics with binary relevance, aggregation over users and
 * seeded bootstrap confidence intervals. Pure functions over plain arrays.
 *
 * Conventions (tested in metrics_test.ts):
 * - A ranked list may be shorter than k (small candidate set): missing slots
 *   count as misses, so precision@k still divides by k.
 * - Duplicate ids in a ranked list count once (the first occurrence).
 * - Users with no relevant items are excluded from every average (their
 *   recall, NDCG and AP are undefined); `evaluateRankings` reports how many.
 * - Ties in score are broken before metrics see the list, by `rankScores`
 *   (higher score first, then lower movie id), so results are deterministic.
 */
import { type Random, seededRandom } from "./training/split.ts";
import type { ScoredMovie } from "./types.ts";

/**
 * Hits among the first k distinct ids of `ranked`, as 0/1 per position
 * (k checked first).
 */
function hitsAtK(ranked: readonly number[], judgement: Judgement): number[] {
  const { relevant, k } = judgement;
  checkK(k);
  const seen = new Set<number>();
  const hits: number[] = [];
  for (const id of ranked) {
    if (hits.length >= k) break;
    if (seen.has(id)) continue;
    seen.add(id);
    hits.push(relevant.has(id) ? 1 : 0);
  }
  return hits;
}

function countHits(hits: number[]): number {
  let n = 0;
  for (const h of hits) n += h;
  return n;
}

/** What a ranking is judged against: the relevant movies and the cut-off k. */
export interface Judgement {
  relevant: ReadonlySet<number>;
  k: number;
}

/** Relevant items in the top k, divided by k. */
export function precisionAtK(
  ranked: readonly number[],
  judgement: Judgement,
): number {
  return countHits(hitsAtK(ranked, judgement)) / judgement.k;
}

/** Relevant items in the top k, divided by the number of relevant items (0 when none). */
export function recallAtK(
  ranked: readonly number[],
  judgement: Judgement,
): number {
  const hits = countHits(hitsAtK(ranked, judgement));
  return judgement.relevant.size === 0 ? 0 : hits / judgement.relevant.size;
}

/**
 * NDCG@k with binary gains and log2 discount: DCG = Σ hitᵢ / log2(i + 2)
 * over positions i = 0..k-1, divided by the DCG of an ideal list with
 * min(|relevant|, k) hits first (0 when nothing is relevant).
 */
export function ndcgAtK(
  ranked: readonly number[],
  judgement: Judgement,
): number {
  const { relevant, k } = judgement;
  const hits = hitsAtK(ranked, judgement);
  let dcg = 0;
  for (let i = 0; i < hits.length; i++) dcg += hits[i] / Math.log2(i + 2);
  let ideal = 0;
  const idealHits = Math.min(relevant.size, k);
  for (let i = 0; i < idealHits; i++) ideal += 1 / Math.log2(i + 2);
  return ideal === 0 ? 0 : dcg / ideal;
}

/**
 * Average precision at k: Σ precision@i over the positions i ≤ k that hold a
 * relevant item, divided by min(|relevant|, k) (0 when nothing is relevant).
 */
export function averagePrecisionAtK(
  ranked: readonly number[],
  judgement: Judgement,
): number {
  const { relevant, k } = judgement;
  const hits = hitsAtK(ranked, judgement);
  let found = 0;
  let sum = 0;
  for (let i = 0; i < hits.length; i++) {
    if (hits[i]) sum += ++found / (i + 1);
  }
  const norm = Math.min(relevant.size, k);
  return norm === 0 ? 0 : sum / norm;
}

/** 1 when any of the top k is relevant, else 0. */
export function hitRateAtK(
  ranked: readonly number[],
  judgement: Judgement,
): number {
  return countHits(hitsAtK(ranked, judgement)) > 0 ? 1 : 0;
}

/**
 * Orders scored movies best first, ties broken by lower movie id, so that
 * every method's ranking is deterministic.
 */
export function rankScores(scored: readonly ScoredMovie[]): number[] {
  return [...scored]
    .sort((a, b) => b.score - a.score || a.movieId - b.movieId)
    .map((s) => s.movieId);
}

/** The per-user metric names `evaluateRankings` reports. */
export const userMetricNames = [
  "precision",
  "recall",
  "ndcg",
  "map",
  "hitRate",
] as const;
export type UserMetricName = typeof userMetricNames[number];

/** Per-user values of each metric at one k, users in the same order. */
export interface RankingEvaluation {
  k: number;
  /** Users evaluated (those with at least one relevant item), in input order. */
  users: string[];
  /** Users skipped because they had no relevant items. */
  excludedUsers: number;
  perUser: Record<UserMetricName, Float64Array>;
}

/**
 * Computes every per-user metric at k for each user that has at least one
 * relevant item; users without relevant items are excluded and counted.
 *
 * @example
 * ```ts
 * const ev = evaluateRankings(new Map([["u1", [10, 20, 30]]]), {
 *   relevant: new Map([["u1", new Set([20])]]),
 *   k: 2,
 * });
 * mean(ev.perUser.ndcg); // 1 / log2(3)
 * ```
 */
export function evaluateRankings(
  rankings: ReadonlyMap<string, readonly number[]>,
  judgement: {
    /** Each user's relevant movies; users without any are excluded. */
    relevant: ReadonlyMap<string, ReadonlySet<number>>;
    k: number;
  },
): RankingEvaluation {
  const { relevant, k } = judgement;
  checkK(k);
  const users: string[] = [];
  let excluded = 0;
  const values: Record<UserMetricName, number[]> = {
    precision: [],
    recall: [],
    ndcg: [],
    map: [],
    hitRate: [],
  };
  for (const [user, ranked] of rankings) {
    const rel = relevant.get(user);
    if (!rel || rel.size === 0) {
      excluded++;
      continue;
    }
    users.push(user);
    values.precision.push(precisionAtK(ranked, { relevant: rel, k }));
    values.recall.push(recallAtK(ranked, { relevant: rel, k }));
    values.ndcg.push(ndcgAtK(ranked, { relevant: rel, k }));
    values.map.push(averagePrecisionAtK(ranked, { relevant: rel, k }));
    values.hitRate.push(hitRateAtK(ranked, { relevant: rel, k }));
  }
  return {
    k,
    users,
    excludedUsers: excluded,
    perUser: {
      precision: Float64Array.from(values.precision),
      recall: Float64Array.from(values.recall),
      ndcg: Float64Array.from(values.ndcg),
      map: Float64Array.from(values.map),
      hitRate: Float64Array.from(values.hitRate),
    },
  };
}

/**
 * Catalogue coverage: distinct movies appearing in any user's top k,
 * divided by the catalogue size.
 */
export function catalogueCoverage(
  rankings: Iterable<readonly number[]>,
  options: { k: number; catalogueSize: number },
): number {
  const { k, catalogueSize } = options;
  checkK(k);
  if (!(catalogueSize > 0)) {
    throw new Error(
      `Expected a positive catalogue size, found ${catalogueSize}`,
    );
  }
  const seen = new Set<number>();
  for (const ranked of rankings) {
    for (const id of ranked.slice(0, k)) seen.add(id);
  }
  return seen.size / catalogueSize;
}

/**
 * Novelty as the mean popularity rank of recommended movies (1 = the most
 * rated movie; higher means less mainstream). `popularityRank` maps a movie
 * to its rank; movies missing from it get `unrankedRank`
 * (default: one past the largest rank).
 */
export function meanPopularityRank(
  rankings: Iterable<readonly number[]>,
  options: {
    k: number;
    popularityRank: ReadonlyMap<number, number>;
    /** Default: one past the largest rank. */
    unrankedRank?: number;
  },
): number {
  const { k, popularityRank } = options;
  const unrankedRank = options.unrankedRank ?? popularityRank.size + 1;
  checkK(k);
  let sum = 0;
  let n = 0;
  for (const ranked of rankings) {
    for (const id of ranked.slice(0, k)) {
      sum += popularityRank.get(id) ?? unrankedRank;
      n++;
    }
  }
  return n === 0 ? 0 : sum / n;
}

/**
 * Popularity ranks from rating counts: the most counted movie gets rank 1;
 * equal counts get consecutive ranks ordered by movie id.
 */
export function popularityRanks(
  counts: ReadonlyMap<number, number>,
): Map<number, number> {
  const ordered = [...counts].sort((a, b) => b[1] - a[1] || a[0] - b[0]);
  return new Map(ordered.map(([id], i) => [id, i + 1]));
}

/** Arithmetic mean; 0 for an empty array. */
export function mean(values: ArrayLike<number>): number {
  if (values.length === 0) return 0;
  let s = 0;
  for (let i = 0; i < values.length; i++) s += values[i];
  return s / values.length;
}

/** A mean with its bootstrap confidence interval. */
export interface Interval {
  mean: number;
  low: number;
  high: number;
}

/** Options of the bootstrap functions. */
export interface BootstrapOptions {
  /** Resamples (default 1000). */
  samples?: number;
  /** Two-sided confidence level (default 0.95). */
  confidence?: number;
  seed: number;
}

/**
 * Percentile bootstrap over users: resamples the per-user values with
 * replacement and returns the mean and the central `confidence` interval
 * of the resampled means.
 *
 * @example
 * ```ts
 * const ci = bootstrapInterval(ev.perUser.ndcg, { seed: 1 });
 * ```
 */
export function bootstrapInterval(
  values: ArrayLike<number>,
  options: BootstrapOptions,
): Interval {
  return bootstrap(
    values.length,
    (pick) => {
      let s = 0;
      for (let i = 0; i < pick.length; i++) s += values[pick[i]];
      return s / pick.length;
    },
    mean(values),
    options,
  );
}

/**
 * Paired bootstrap of the difference of means `a - b` over the same users
 * (same indices): tighter than comparing two separate intervals, because
 * per-user difficulty cancels out.
 */
export function bootstrapDifference(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  options: BootstrapOptions,
): Interval {
  if (a.length !== b.length) {
    throw new Error(
      `Expected paired values of equal length, found ${a.length} and ${b.length}`,
    );
  }
  return bootstrap(
    a.length,
    (pick) => {
      let s = 0;
      for (let i = 0; i < pick.length; i++) s += a[pick[i]] - b[pick[i]];
      return s / pick.length;
    },
    mean(a) - mean(b),
    options,
  );
}

function bootstrap(
  n: number,
  statistic: (pick: Int32Array) => number,
  pointEstimate: number,
  options: BootstrapOptions,
): Interval {
  const samples = options.samples ?? 1000;
  const confidence = options.confidence ?? 0.95;
  if (!(confidence > 0 && confidence < 1)) {
    throw new Error(`Expected confidence in (0, 1), found ${confidence}`);
  }
  if (n === 0) return { mean: 0, low: 0, high: 0 };
  const random: Random = seededRandom(options.seed);
  const pick = new Int32Array(n);
  const stats = new Float64Array(samples);
  for (let s = 0; s < samples; s++) {
    for (let i = 0; i < n; i++) pick[i] = Math.floor(random() * n);
    stats[s] = statistic(pick);
  }
  stats.sort();
  const alpha = (1 - confidence) / 2;
  return {
    mean: pointEstimate,
    low: quantile(stats, alpha),
    high: quantile(stats, 1 - alpha),
  };
}

/** Linear-interpolated quantile of sorted values. */
function quantile(sorted: Float64Array, q: number): number {
  const pos = q * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

function checkK(k: number): void {
  if (!Number.isInteger(k) || k < 1) {
    throw new Error(`Expected k to be a positive integer, found ${k}`);
  }
}
