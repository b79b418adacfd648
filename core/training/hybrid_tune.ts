/**
 * Tunes the hybrid's blend on a validation split (carved from training data,
 * never from the test split) by coordinate ascent on mean NDCG@k.
 */
import {
  type HybridComponents,
  type HybridParams,
  type HybridParts,
  HybridRecommender,
} from "../recommenders/hybrid.ts";
import { ndcgAtK } from "../metrics.ts";
import { silentTraining, type TrainingProgress } from "./progress.ts";
import type { ValidationUser } from "./validation.ts";

/** The parameters the grid searches. */
export type HybridGridKey = keyof HybridParams;

/** Candidate values per parameter; parameters absent here stay fixed. */
export type HybridGrid = Partial<Record<HybridGridKey, number[]>>;

/** Parameters that change the per-user components, not just the blend. */
const OUTER_KEYS: HybridGridKey[] = [
  "halfLifeDays",
  "trendDays",
  "sequenceDecay",
  "historyDecay",
];

/** The default search grid. */
export const DEFAULT_HYBRID_GRID: HybridGrid = {
  // Position decay of the sequential part made day-based decay redundant
  // (365 days was never chosen once it was there), so one value only.
  halfLifeDays: [0],
  trendDays: [30],
  sequenceDecay: [0.6, 0.75],
  historyDecay: [1, 0.85],
  sequenceWeight: [0, 0.5, 1, 2, 4, 8],
  likedWeight: [0, 0.5, 1, 2, 4],
  knnWeight: [0, 0.1, 0.2, 0.4, 0.8],
  contentWeight: [0, 0.05, 0.1, 0.2, 0.4],
  popularityWeight: [0, 0.05, 0.1, 0.2, 0.4],
  historyPivot: [0, 2, 5, 10, 20],
  itemPivot: [0, 1, 3, 10, 30],
  trendWeight: [0, 0.1, 0.2, 0.4, 0.8],
  unreleasedWeight: [0, 0.25, 0.5, 1],
};

/** Options of `tuneHybrid`. */
export interface TuneOptions {
  /** Where the search starts (parameters absent from the grid keep these values). */
  start: HybridParams;
  /** Histories and held-out relevant movies the search maximises NDCG on. */
  users: ValidationUser[];
  /** Cut-off of the NDCG being maximised (default 10). */
  k?: number;
  grid?: HybridGrid;
  /** Coordinate-ascent passes over the parameters (default 2). */
  rounds?: number;
  /** Called after each trial. */
  onTrial?: (params: HybridParams, ndcg: number) => void;
  /**
   * Where the search reports progress with ETA: the users whose components
   * are computed (once per outer combination, minutes at 5000 users of
   * ml-10m) and the trials (default: nowhere).
   */
  progress?: TrainingProgress;
  /** What the progress lines call this search (default "tune hybrid"). */
  label?: string;
}

/** The best parameters found and their validation NDCG. */
export interface TuneResult {
  params: HybridParams;
  ndcg: number;
  trials: number;
}

/**
 * The most trials `tuneHybrid` can run with `grid` (it stops early once a
 * pass improves nothing): the total that progress and its ETA count against.
 */
export function maxTrials(grid: HybridGrid, rounds = 2): number {
  let outer = 1;
  let inner = 0;
  for (const [key, values] of Object.entries(grid)) {
    if (!values) continue;
    if (OUTER_KEYS.includes(key as HybridGridKey)) outer *= values.length;
    else inner += values.length;
  }
  return outer * (1 + rounds * inner);
}

/**
 * Coordinate ascent: for each parameter in turn, tries every grid value with
 * the others fixed and keeps the best; `halfLifeDays`, `trendDays` and
 * `sequenceDecay` change the component scores themselves, so they form the
 * outer loop.
 *
 * @example
 * ```ts
 * const { params } = tuneHybrid(parts, { start: HYBRID_DEFAULTS, users });
 * ```
 */
export function tuneHybrid(
  parts: HybridParts,
  options: TuneOptions,
): TuneResult {
  const { start, users } = options;
  const k = options.k ?? 10;
  const grid = options.grid ?? DEFAULT_HYBRID_GRID;
  const rounds = options.rounds ?? 2;
  const progress = options.progress ?? silentTraining;
  const label = options.label ?? "tune hybrid";
  let best: TuneResult = { params: start, ndcg: -1, trials: 0 };
  let trials = 0;
  let standardError = 0;
  // These change the per-user components themselves, so they form the
  // outer loop (components are computed once per combination).
  let outer: Partial<HybridParams>[] = [{}];
  for (const key of OUTER_KEYS) {
    const values = grid[key] ?? [start[key]];
    outer = outer.flatMap((o) => values.map((v) => ({ ...o, [key]: v })));
  }
  const componentsTask = progress.task(
    `${label}: user components`,
    outer.length * users.length,
    "users",
  );
  const trialTask = progress.task(label, maxTrials(grid, rounds), "trials");
  for (const fixed of outer) {
    const recommender = new HybridRecommender(parts, { ...start, ...fixed });
    const cached = users.map((u) => {
      componentsTask.advance(1);
      return { c: recommender.components(u.history), relevant: u.relevant };
    });
    // Coordinate ascent comes back to settings it has scored (a second
    // round over unchanged neighbours): those are looked up, not re-run.
    const scored = new Map<string, number>();
    /** Standard error of each scored mean, for the log. */
    const errors = new Map<string, number>();
    const buffer = new Float32Array(recommender.catalogue.length);
    /**
     * Mean NDCG of each of `candidates`. The unscored ones are run together,
     * user by user, so that a user's components (5 catalogue-long arrays)
     * are read from memory once for all of them rather than once per trial:
     * at ml-10m the components of the sampled users are a gigabyte, and
     * streaming them per trial was most of tuning's time.
     */
    const scoreAll = (candidates: HybridParams[]): number[] => {
      const keys = candidates.map((params) => JSON.stringify(params));
      const todo = candidates.flatMap((params, i) =>
        scored.has(keys[i]) ? [] : [{ params, key: keys[i] }]
      );
      const sums = new Float64Array(todo.length);
      const squares = new Float64Array(todo.length);
      for (const { c, relevant } of cached) {
        for (let t = 0; t < todo.length; t++) {
          const ndcg = ndcgOf(
            recommender,
            c,
            todo[t].params,
            relevant,
            k,
            buffer,
          );
          sums[t] += ndcg;
          squares[t] += ndcg * ndcg;
        }
      }
      todo.forEach(({ params, key }, t) => {
        const n = cached.length;
        const value = n ? sums[t] / n : 0;
        scored.set(key, value);
        const variance = n > 1
          ? (squares[t] / n - value * value) * n / (n - 1)
          : 0;
        errors.set(key, Math.sqrt(Math.max(0, variance) / Math.max(1, n)));
        trials++;
        trialTask.advance(1);
        options.onTrial?.(params, value);
      });
      return keys.map((key) => scored.get(key)!);
    };
    let params = { ...best.params, ...fixed };
    let [current] = scoreAll([params]);
    for (let round = 0; round < rounds; round++) {
      let improved = false;
      for (const [name, values] of Object.entries(grid)) {
        const key = name as HybridGridKey;
        if (OUTER_KEYS.includes(key) || !values) continue;
        // The candidates of one parameter differ from `params` in that
        // parameter only, so they do not depend on which of them wins:
        // scored together, then kept in grid order as one at a time would.
        const candidates = values.filter((value) => value !== params[key])
          .map((value) => ({ ...params, [key]: value }));
        scoreAll(candidates).forEach((s, i) => {
          if (s > current + 1e-9) {
            current = s;
            params = candidates[i];
            improved = true;
          }
        });
      }
      if (!improved) break;
    }
    if (current > best.ndcg) {
      best = { params, ndcg: current, trials };
      standardError = errors.get(JSON.stringify(params)) ?? 0;
    }
  }
  componentsTask.done();
  trialTask.done();
  progress.log(
    `${label}: NDCG@10 ${best.ndcg.toFixed(4)} ± ${
      standardError.toFixed(4)
    } (standard error over ${users.length} users) after ${trials} trials`,
  );
  return { ...best, trials };
}

function ndcgOf(
  recommender: HybridRecommender,
  c: HybridComponents,
  params: HybridParams,
  relevant: ReadonlySet<number>,
  k: number,
  buffer: Float32Array,
): number {
  const scores = recommender.blend(c, { params, out: buffer });
  const ranked = recommender.rank(c, scores, { limit: k })
    .map((r) => recommender.catalogue[r.index]);
  return ndcgAtK(ranked, { relevant, k });
}
