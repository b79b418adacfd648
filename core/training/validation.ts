/**
 * Validation users (the training history and held-out liked movies of each
 * user of a split) and the score every tuning step maximises: mean NDCG@10,
 * or with several validation tasks the geometric mean of each task's mean.
 */
import { LIKED_RATING } from "../models/item_item_model.ts";
import { ndcgAtK } from "../metrics.ts";
import type { Recommender } from "../recommender.ts";
import {
  asColumns,
  interactionAt,
  type InteractionColumns,
  TYPE_CODE,
} from "../models/interaction_columns.ts";
import {
  type ColumnSplit,
  seededRandom,
  shuffleInPlace,
  type Split,
} from "./split.ts";
import type { TaskSplit } from "./task_split.ts";
import type { Interaction } from "../types.ts";

/** One validation user: the training history and the held-out relevant movies. */
export interface ValidationUser {
  history: Interaction[];
  relevant: ReadonlySet<number>;
  /**
   * Which task of a `TaskSplit` `relevant` belongs to (default 0). A user
   * held out in several tasks appears once per task with the same
   * `history` array, and is ranked once for all of them.
   */
  task?: number;
}

/** What validation users are drawn from: one held-out side, or one per task. */
export type ValidationSplit =
  | Split
  | ColumnSplit
  | TaskSplit
  | TaskSplit<InteractionColumns>;

/** Options of `validationUsersOf`. */
export interface ValidationUsersOptions {
  /**
   * At most this many users, a seeded sample (default: all). Every trial of
   * a tuning evaluates every validation user, so at ml-10m's 70k users a
   * sample of a few thousand keeps tuning to minutes, with a standard error
   * of the mean NDCG@10 around 0.005 over 2000 users (0.0035 over 5000).
   */
  maxUsers?: number;
  /** Seed of the sample (default 1). */
  seed?: number;
}

/**
 * One validation user per held-out user with at least one liked movie
 * (rated `LIKED_RATING` or more): their training history and those movies;
 * with a `TaskSplit`, one per user and task, sharing the user's history.
 */
export function validationUsersOf(
  split: ValidationSplit,
  options: ValidationUsersOptions = {},
): ValidationUser[] {
  const tasks = "tasks" in split ? split.tasks : [split.test];
  const relevant = tasks.map((task) => likedByUser(asColumns(task)));
  let chosen = [...new Set(relevant.flatMap((task) => [...task.keys()]))];
  const maxUsers = options.maxUsers ?? Infinity;
  if (chosen.length > maxUsers) {
    const sample = new Set(
      shuffleInPlace([...chosen], seededRandom(options.seed ?? 1)).slice(
        0,
        maxUsers,
      ),
    );
    // keep first-seen order, as without a sample
    chosen = chosen.filter((user) => sample.has(user));
  }
  // Only the chosen users' histories become objects (what recommenders take).
  const slotOf = new Map(chosen.map((user, slot) => [user, slot]));
  const histories: Interaction[][] = chosen.map(() => []);
  const train = asColumns(split.train);
  const slots = Int32Array.from(train.userIds, (id) => slotOf.get(id) ?? -1);
  for (let i = 0; i < train.size; i++) {
    const slot = slots[train.users[i]];
    if (slot >= 0) histories[slot].push(interactionAt(train, i));
  }
  return chosen.flatMap((user, slot) =>
    relevant.flatMap((task, t) => {
      const liked = task.get(user);
      if (!liked) return [];
      const entry: ValidationUser = {
        history: histories[slot],
        relevant: liked,
      };
      if (tasks.length > 1) entry.task = t;
      return [entry];
    })
  );
}

/** Held-out movies rated `LIKED_RATING` or more, by user (first-seen order). */
function likedByUser(test: InteractionColumns): Map<string, Set<number>> {
  const relevant = new Map<string, Set<number>>();
  for (let i = 0; i < test.size; i++) {
    // other types and ratings without a value (NaN) are never relevant
    if (test.types[i] !== TYPE_CODE.rating) continue;
    if (!(test.values[i] >= LIKED_RATING)) continue;
    const userId = test.userIds[test.users[i]];
    let set = relevant.get(userId);
    if (!set) relevant.set(userId, set = new Set());
    set.add(test.movies[i]);
  }
  return relevant;
}

/**
 * The tuning objective from per-user NDCGs (`ndcgs[i]` of `users[i]`): each
 * task's mean, and their geometric mean, which is what tuning maximises. A
 * geometric mean does not depend on each task's scale (NDCG of the next
 * movies runs about a third of NDCG of movies from any time), so a relative
 * gain counts as much on either task; with one task it is that task's mean.
 */
export function validationObjective(
  users: readonly ValidationUser[],
  ndcgs: ArrayLike<number>,
  /** Weight of each task in the geometric mean (default: equal). */
  weights?: readonly number[],
): { score: number; tasks: number[] } {
  const sums: number[] = [];
  const counts: number[] = [];
  users.forEach((u, i) => {
    const t = u.task ?? 0;
    sums[t] = (sums[t] ?? 0) + ndcgs[i];
    counts[t] = (counts[t] ?? 0) + 1;
  });
  const tasks = Array.from(sums, (sum, t) => counts[t] ? sum / counts[t] : 0);
  if (tasks.length <= 1) return { score: tasks[0] ?? 0, tasks };
  const weight = (t: number) => weights?.[t] ?? 1;
  let logSum = 0;
  let weightSum = 0;
  tasks.forEach((m, t) => {
    logSum += weight(t) * Math.log(m);
    weightSum += weight(t);
  });
  return { score: Math.exp(logSum / weightSum), tasks };
}

/**
 * Mean NDCG@10 of `recommender` over validation users (0 when there are
 * none); over several tasks, `validationObjective`'s score. Each history is
 * ranked once, however many tasks score it.
 *
 * @example
 * ```ts
 * meanNdcg(new ItemItemRecommender(ease), users); // e.g. 0.0630
 * ```
 */
export function meanNdcg(
  recommender: Recommender,
  users: ValidationUser[],
): number {
  const rankings = new Map<Interaction[], number[]>();
  const ndcgs = users.map((u) => {
    let ranked = rankings.get(u.history);
    if (!ranked) {
      ranked = recommender.recommend(u.history, { limit: 10 })
        .map((r) => r.movieId);
      rankings.set(u.history, ranked);
    }
    return ndcgAtK(ranked, { relevant: u.relevant, k: 10 });
  });
  return validationObjective(users, ndcgs).score;
}
