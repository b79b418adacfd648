/**
 * Why the hybrid recommended a movie: the part that contributed most to its
 * score names the history movies behind it (collaborative parts through
 * their item-to-item weights, content through embedding similarity);
 * popularity explains the rest.
 */
import { explain } from "../explain.ts";
import type { ItemItemModel } from "../models/item_item_model.ts";
import type { ProfileWeight } from "../profile.ts";
import type { Explanation } from "../recommender.ts";
import type { HybridContent } from "./hybrid_content.ts";
import type {
  HybridComponents,
  HybridParams,
  HybridParts,
} from "./hybrid_params.ts";

/** What `explainPick` needs to know about one recommended movie. */
export interface PickContext {
  /** The movie's catalogue index in the components. */
  index: number;
  movieId: number;
  params: HybridParams;
  parts: HybridParts;
  content: HybridContent | null;
  /** Training ratings of the movie. */
  count: number;
  /** Each model's history rows, looked up once for all of a user's picks. */
  historyRows: Map<ItemItemModel, Int32Array>;
}

/**
 * Names the history movies behind the component that dominated the score.
 *
 * @example
 * ```ts
 * explainPick(components, { index, movieId, params, parts, content, count, historyRows });
 * // { kind: "rated", because: [1, 2] }
 * ```
 */
export function explainPick(
  c: HybridComponents,
  pick: PickContext,
): Explanation {
  const { index, movieId, parts: models, content, count, historyRows } = pick;
  const p = pick.params;
  const a = c.collaborativeHistory /
    (c.collaborativeHistory + p.historyPivot || 1);
  const t = count / (count + p.itemPivot || 1);
  // The collaborative part that contributed most to this movie explains it.
  const parts: [number, ItemItemModel | null | undefined, ProfileWeight[]][] = [
    [
      (c.ease?.[index] ?? 0) * p.easeWeight,
      models.ease,
      c.collaborativeWeights,
    ],
    [
      (c.liked?.[index] ?? 0) * p.likedWeight,
      models.liked,
      c.likedWeights,
    ],
    [
      (c.knn?.[index] ?? 0) * p.knnWeight,
      models.itemknn,
      c.collaborativeWeights,
    ],
    [
      (c.sequence?.[index] ?? 0) * p.sequenceWeight,
      models.sequence,
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
  if (collabPart >= contentPart && collabPart > 0 && strongest[1]) {
    const [, model, weights] = strongest;
    let rows = historyRows.get(model);
    if (!rows) historyRows.set(model, rows = model.historyRows(weights));
    return explain(weights, model.contributionsAt(weights, rows, movieId));
  }
  if (contentPart > 0 && content) {
    return explain(
      c.contentWeights,
      content.contributions(c.contentWeights, movieId),
    );
  }
  return { kind: "popular", because: [] };
}
