/**
 * Tunes the hybrid's blend on a validation split (carved from training data,
 * never from the test split) by coordinate ascent on mean NDCG@k (over
 * several validation tasks, the geometric mean of their means:
 * `validationObjective`).
 */
import {
  type HybridComponents,
  type HybridParams,
  type HybridParts,
  HybridRecommender,
} from "../recommenders/hybrid.ts";
import { ndcgAtK } from "../metrics.ts";
import type { EmbeddingMatrix } from "../types.ts";
import { silentTraining, type TrainingProgress } from "./progress.ts";
import { seededRandom, shuffleInPlace } from "./split.ts";
import {
  meanNdcg,
  validationObjective,
  type ValidationUser,
} from "./validation.ts";

/** The parameters the grid searches. */
export type HybridGridKey = keyof HybridParams;

/** Candidate values per parameter; parameters absent here stay fixed. */
export type HybridGrid = Partial<Record<HybridGridKey, number[]>>;

/**
 * What tuning on users held out of training needs (short histories,
 * onboarded histories): the models are trained again without them.
 */
export interface HeldOutTuningOptions {
  lambda: number;
  minCount?: number;
  content: EmbeddingMatrix | null;
  grid: HybridGrid;
  seed: number;
  /** At most this many held-out users, a seeded sample (default: all). */
  maxUsers?: number;
  progress?: TrainingProgress;
}

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
  /**
   * Histories and held-out relevant movies the search maximises NDCG on
   * (entries of several tasks that share a history array are ranked once).
   */
  users: ValidationUser[];
  /** Weight of each validation task in the objective's geometric mean (default: equal). */
  taskWeights?: readonly number[];
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
  /**
   * Bytes the search may hold in cached user components (default
   * `COMPONENT_BUDGET`): beyond it, a seeded sample of the users that fits.
   */
  componentBudget?: number;
}

/**
 * What tuning may hold in user components by default. Each user costs 21
 * bytes per catalogue movie (five float32 scores and the seen flag): 2000
 * users of ml-10m's 10,681 movies take 0.45 GB, of ml-25m's 62,423 movies
 * 2.6 GB, which kept ml-25m's precompute above 7 GB resident.
 */
export const COMPONENT_BUDGET = 1.2e9;

/** Bytes of one user's cached components per catalogue movie. */
const COMPONENT_BYTES_PER_MOVIE = 21;

/** The best parameters found and their validation NDCG. */
export interface TuneResult {
  params: HybridParams;
  /** The objective of `params`: mean NDCG@k, or over tasks their geometric mean. */
  ndcg: number;
  /** Mean NDCG@k of `params` per validation task. */
  taskNdcg: number[];
  trials: number;
  /** The users it was tuned on: all, or the sample within the component budget. */
  users: ValidationUser[];
}

/** Settings tuned on held-out users, and how the starting ones did on them. */
export interface HeldOutTuning {
  params: HybridParams;
  /** Validation NDCG@10 of `params`. */
  validationNdcg: number;
  /** Validation NDCG@10 of the settings the search started from, same users. */
  startValidationNdcg: number;
  /** How many users it was tuned on. */
  users: number;
}

/** One scored setting: the objective, each task's mean and its standard error. */
interface Scored {
  score: number;
  tasks: number[];
  errors: number[];
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
  const { start } = options;
  const k = options.k ?? 10;
  const grid = options.grid ?? DEFAULT_HYBRID_GRID;
  const rounds = options.rounds ?? 2;
  const progress = options.progress ?? silentTraining;
  const label = options.label ?? "tune hybrid";
  const catalogue = new HybridRecommender(parts, start).catalogue.length;
  const users = withinBudget(options.users, {
    maxHistories: Math.floor(
      (options.componentBudget ?? COMPONENT_BUDGET) /
        (COMPONENT_BYTES_PER_MOVIE * Math.max(1, catalogue)),
    ),
    log: (kept, all) =>
      progress.log(
        `${label}: ${kept} of ${all} users, a seeded sample: the components of ${catalogue} movies for all would pass ${
          ((options.componentBudget ?? COMPONENT_BUDGET) / 1e9).toFixed(1)
        } GB`,
      ),
  });
  let best = { params: start, ndcg: -1, taskNdcg: [] as number[], trials: 0 };
  let trials = 0;
  let standardErrors: number[] = [];
  // These change the per-user components themselves, so they form the
  // outer loop (components are computed once per combination).
  let outer: Partial<HybridParams>[] = [{}];
  for (const key of OUTER_KEYS) {
    const values = grid[key] ?? [start[key]];
    outer = outer.flatMap((o) => values.map((v) => ({ ...o, [key]: v })));
  }
  // Entries of several tasks share their user's history array: each
  // history's components are computed, and each trial ranks it, once.
  const histories = [...new Set(users.map((u) => u.history))];
  const slotOf = new Map(histories.map((h, slot) => [h, slot]));
  const entriesOf = histories.map(() => [] as number[]);
  users.forEach((u, i) => entriesOf[slotOf.get(u.history)!].push(i));
  const componentsTask = progress.task(
    `${label}: user components`,
    outer.length * histories.length,
    "users",
  );
  const trialTask = progress.task(label, maxTrials(grid, rounds), "trials");
  for (const fixed of outer) {
    const recommender = new HybridRecommender(parts, { ...start, ...fixed });
    const cached = histories.map((history) => {
      componentsTask.advance(1);
      return recommender.components(history);
    });
    // Coordinate ascent comes back to settings it has scored (a second
    // round over unchanged neighbours): those are looked up, not re-run.
    const scored = new Map<string, Scored>();
    const buffer = new Float32Array(recommender.catalogue.length);
    /**
     * Mean NDCG of each of `candidates`. The unscored ones are run together,
     * user by user, so that a user's components (5 catalogue-long arrays)
     * are read from memory once for all of them rather than once per trial:
     * at ml-10m the components of the sampled users are a gigabyte, and
     * streaming them per trial was most of tuning's time.
     */
    const scoreAll = (candidates: HybridParams[]): Scored[] => {
      const keys = candidates.map((params) => JSON.stringify(params));
      const todo = candidates.flatMap((params, i) =>
        scored.has(keys[i]) ? [] : [{ params, key: keys[i] }]
      );
      const ndcgs = todo.map(() => new Float64Array(users.length));
      cached.forEach((c, slot) => {
        for (let t = 0; t < todo.length; t++) {
          const ranked = topK(recommender, c, todo[t].params, k, buffer);
          for (const i of entriesOf[slot]) {
            ndcgs[t][i] = ndcgAtK(ranked, { relevant: users[i].relevant, k });
          }
        }
      });
      todo.forEach(({ params, key }, t) => {
        const value = validationObjective(
          users,
          ndcgs[t],
          options.taskWeights,
        );
        scored.set(key, {
          ...value,
          errors: taskStandardErrors(users, ndcgs[t], value.tasks),
        });
        trials++;
        trialTask.advance(1);
        options.onTrial?.(params, value.score);
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
          if (s.score > current.score + 1e-9) {
            current = s;
            params = candidates[i];
            improved = true;
          }
        });
      }
      if (!improved) break;
    }
    if (current.score > best.ndcg) {
      best = { params, ndcg: current.score, taskNdcg: current.tasks, trials };
      standardErrors = current.errors;
    }
  }
  componentsTask.done();
  trialTask.done();
  const perTask = best.taskNdcg.map((m, t) =>
    `${m.toFixed(4)} ± ${(standardErrors[t] ?? 0).toFixed(4)}`
  );
  progress.log(
    `${label}: NDCG@10 ${
      perTask.length > 1
        ? `per task ${perTask.join(", ")} (${
          options.taskWeights ? "weighted " : ""
        }geometric mean ${best.ndcg.toFixed(4)})`
        : perTask[0] ?? best.ndcg.toFixed(4)
    } (standard error over ${histories.length} users) after ${trials} trials`,
  );
  return { ...best, trials, users };
}

/**
 * `tuneHybrid`, with the starting settings scored on the users tuned on, for
 * the log's comparison.
 *
 * @example
 * ```ts
 * const short = tuneFromStart(parts, { start: long, users, label: "tune short histories" });
 * ```
 */
export function tuneFromStart(
  parts: HybridParts,
  options: TuneOptions,
): HeldOutTuning {
  const tuned = tuneHybrid(parts, options);
  return {
    params: tuned.params,
    validationNdcg: tuned.ndcg,
    startValidationNdcg: meanNdcg(
      new HybridRecommender(parts, options.start),
      tuned.users,
    ),
    users: tuned.users.length,
  };
}

/**
 * The users whose histories are a seeded sample of at most `maxHistories`
 * of the distinct histories (all of them when they fit), in their order.
 */
function withinBudget(
  users: ValidationUser[],
  options: { maxHistories: number; log: (kept: number, all: number) => void },
): ValidationUser[] {
  const histories = [...new Set(users.map((u) => u.history))];
  const max = Math.max(1, options.maxHistories);
  if (histories.length <= max) return users;
  const kept = new Set(
    shuffleInPlace(histories, seededRandom(1)).slice(0, max),
  );
  options.log(kept.size, histories.length);
  return users.filter((u) => kept.has(u.history));
}

/** The movie ids `params` ranks first for one user's components. */
function topK(
  recommender: HybridRecommender,
  c: HybridComponents,
  params: HybridParams,
  k: number,
  buffer: Float32Array,
): number[] {
  const scores = recommender.blend(c, { params, out: buffer });
  return recommender.rank(c, scores, { limit: k })
    .map((r) => recommender.catalogue[r.index]);
}

/** The standard error of each task's mean NDCG (`means`), for the log. */
function taskStandardErrors(
  users: readonly ValidationUser[],
  ndcgs: Float64Array,
  means: number[],
): number[] {
  const squares = means.map(() => 0);
  const counts = means.map(() => 0);
  users.forEach((u, i) => {
    const t = u.task ?? 0;
    const d = ndcgs[i] - means[t];
    squares[t] += d * d;
    counts[t]++;
  });
  return squares.map((sq, t) => {
    const n = counts[t];
    return n > 1 ? Math.sqrt(sq / (n - 1) / n) : 0;
  });
}
