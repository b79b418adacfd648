/**
 * Explanations that tell a list's cards apart. A recommender names up to
 * three history movies per pick, strongest first; a user's few favourites
 * are behind most picks, so every card would say "Because you rated" the
 * same movies. Over the whole list, each card keeps the one or two of its
 * movies that explain it most *and* explain the fewest other cards (a
 * movie's rank on the card, weighted by how rare it is in the list, as
 * tf-idf weighs a word).
 */
import type { Explanation } from "../core/recommender.ts";

/** How many movies a card names at most. */
export const NAMED_PER_CARD = 2;

/** Options of `distinctReasons`. */
export interface DistinctReasonsOptions {
  /**
   * Movies the user liked without rating: a card whose first movie changes
   * says "liked" for these and "rated" for the others.
   */
  likedOnly?: ReadonlySet<number>;
}

/**
 * Each explanation with at most `NAMED_PER_CARD` of its movies: those with
 * the best (1 / (1 + rank on the card)) × log(1 + cards / cards naming it);
 * kept in their order on the card. An explanation naming nobody is left as
 * it is.
 *
 * @example
 * ```ts
 * distinctReasons([
 *   { kind: "rated", because: [1, 2] },
 *   { kind: "rated", because: [1, 3] },
 * ]);
 * // [{ kind: "rated", because: [1, 2] }, { kind: "rated", because: [1, 3] }]
 * ```
 */
export function distinctReasons(
  explanations: Explanation[],
  options: DistinctReasonsOptions = {},
): Explanation[] {
  const cards = explanations.length;
  const naming = new Map<number, number>();
  for (const { because } of explanations) {
    for (const id of because) naming.set(id, (naming.get(id) ?? 0) + 1);
  }
  return explanations.map((explanation) => {
    const { because } = explanation;
    if (because.length <= 1) return explanation;
    const weight = (id: number, rank: number) =>
      Math.log(1 + cards / naming.get(id)!) / (1 + rank);
    const kept = because
      .map((id, rank) => ({ id, rank, weight: weight(id, rank) }))
      .sort((a, b) => b.weight - a.weight || a.rank - b.rank)
      .slice(0, NAMED_PER_CARD)
      .sort((a, b) => a.rank - b.rank)
      .map((c) => c.id);
    const kind = kept[0] === because[0]
      ? explanation.kind
      : options.likedOnly?.has(kept[0])
      ? "liked"
      : "rated";
    return { ...explanation, kind, because: kept };
  });
}
