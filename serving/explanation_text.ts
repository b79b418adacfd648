/**
 * Human-readable explanations of recommendations.
 * @module
 */
import type { Explanation } from "../core/recommender.ts";

/** Joins names as "A", "A and B", "A, B and C". */
function listOf(names: string[]): string {
  if (names.length <= 1) return names.join("");
  return `${names.slice(0, -1).join(", ")} and ${names.at(-1)}`;
}

/**
 * The sentence shown under a recommendation.
 *
 * @example
 * explanationText({ kind: "rated", because: [1, 2] }, ["Toy Story", "Heat"]);
 * // "Because you rated Toy Story and Heat"
 */
export function explanationText(
  explanation: Explanation,
  titles: string[],
): string {
  if (explanation.kind === "popular" || titles.length === 0) {
    return "Popular with MovieLens users";
  }
  const verb = explanation.kind === "liked" ? "liked" : "rated";
  return `Because you ${verb} ${listOf(titles)}`;
}
