/**
 * The user × movie interaction matrix that collaborative methods train on,
 * packed as compressed rows (one row of item indices per user).
 */
import type { Interaction } from "../types.ts";

/** Binary implicit feedback: which movies each user interacted with. */
export interface InteractionMatrix {
  /** Movie id of each item column, ascending. */
  items: Int32Array;
  /** Number of users who interacted with each item column. */
  itemCounts: Int32Array;
  /** User ids in row order. */
  users: string[];
  /** Row `u` spans `userItems[userOffsets[u] .. userOffsets[u + 1])`. */
  userOffsets: Int32Array;
  /** Item column indices, ascending within each user row. */
  userItems: Int32Array;
}

/** Options of `buildInteractionMatrix`. */
export interface InteractionMatrixOptions {
  /** Ratings below this do not count as a positive interaction (default 0: all count). */
  minRating?: number;
}

/**
 * Whether an interaction is a 1 in the matrix: a rating of at least
 * `minRating`, a like or a view; never a dislike.
 */
export function isPositive(row: Interaction, minRating = 0): boolean {
  if (row.type === "dislike") return false;
  return row.type !== "rating" || (row.value ?? 0) >= minRating;
}

/**
 * Builds the binary matrix from interactions: each one `isPositive` with
 * `minRating` is a 1. Duplicate (user, movie) pairs count once.
 *
 * @example
 * ```ts
 * const matrix = buildInteractionMatrix(ratings);
 * matrix.items.length; // movies with at least one interaction
 * ```
 */
export function buildInteractionMatrix(
  interactions: Iterable<Interaction>,
  options: InteractionMatrixOptions = {},
): InteractionMatrix {
  const minRating = options.minRating ?? 0;
  const byUser = new Map<string, Set<number>>();
  for (const row of interactions) {
    if (!isPositive(row, minRating)) continue;
    let set = byUser.get(row.userId);
    if (!set) byUser.set(row.userId, set = new Set());
    set.add(row.movieId);
  }
  const movieIds = new Set<number>();
  for (const set of byUser.values()) for (const id of set) movieIds.add(id);
  const items = Int32Array.from(movieIds).sort();
  const column = new Map<number, number>();
  items.forEach((id, i) => column.set(id, i));

  const users = [...byUser.keys()];
  const userOffsets = new Int32Array(users.length + 1);
  let nnz = 0;
  users.forEach((u, i) => {
    nnz += byUser.get(u)!.size;
    userOffsets[i + 1] = nnz;
  });
  const userItems = new Int32Array(nnz);
  const itemCounts = new Int32Array(items.length);
  users.forEach((u, i) => {
    const row = Int32Array.from(byUser.get(u)!, (id) => column.get(id)!)
      .sort();
    userItems.set(row, userOffsets[i]);
    for (const c of row) itemCounts[c]++;
  });
  return { items, itemCounts, users, userOffsets, userItems };
}
