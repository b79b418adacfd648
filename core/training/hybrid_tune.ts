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
import { mean, ndcgAtK } from "../metrics.ts";
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
    const score = (params: HybridParams): number => {
      trials++;
      trialTask.advance(1);
      const buffer = new Float32Array(recommender.catalogue.length);
      const values = cached.map(({ c, relevant }) =>
        ndcgOf(recommender, c, params, relevant, k, buffer)
      );
      const value = mean(values);
      options.onTrial?.(params, value);
      return value;
    };
    let params = { ...best.params, ...fixed };
    let current = score(params);
    for (let round = 0; round < rounds; round++) {
      let improved = false;
      for (const [name, values] of Object.entries(grid)) {
        const key = name as HybridGridKey;
        if (OUTER_KEYS.includes(key) || !values) continue;
        for (const value of values) {
          if (value === params[key]) continue;
          const candidate = { ...params, [key]: value };
          const s = score(candidate);
          if (s > current + 1e-9) {
            current = s;
            params = candidate;
            improved = true;
          }
        }
      }
      if (!improved) break;
    }
    if (current > best.ndcg) best = { params, ndcg: current, trials };
  }
  componentsTask.done();
  trialTask.done();
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
