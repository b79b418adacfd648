/** Explanations: which movies in a user's history led to a recommendation. */
import type { Explanation } from "./recommender.ts";
import type { ProfileWeight } from "./profile.ts";

/** How many history movies an explanation names at most. */
export const MAX_BECAUSE = 3;

/**
 * Explains a recommendation from per-history-item contributions (e.g. weight
 * × similarity): the positive contributors, strongest first. Falls back to
 * "popular" when nothing contributed positively.
 *
 * @example
 * explain([{ movieId: 1, weight: 1, type: "rating" }], [0.8]);
 * // { kind: "rated", because: [1] }
 */
export function explain(
  weights: ProfileWeight[],
  contributions: ArrayLike<number>,
): Explanation {
  // the MAX_BECAUSE best by (contribution desc, movie id asc), by insertion:
  // what sorting every positive contributor would give, without the sort
  const top: number[] = [];
  const ahead = (a: number, b: number) =>
    contributions[a] > contributions[b] ||
    (contributions[a] === contributions[b] &&
      weights[a].movieId < weights[b].movieId);
  for (let i = 0; i < weights.length; i++) {
    if (!(contributions[i] > 0 && weights[i].weight > 0)) continue;
    if (top.length === MAX_BECAUSE) {
      if (!ahead(i, top[MAX_BECAUSE - 1])) continue;
      top.pop();
    }
    let at = top.length;
    while (at > 0 && ahead(i, top[at - 1])) at--;
    top.splice(at, 0, i);
  }
  if (top.length === 0) return { kind: "popular", because: [] };
  const kind = weights[top[0]].type === "like" ? "liked" : "rated";
  return { kind, because: top.map((i) => weights[i].movieId) };
}
