/**
 * The user × movie interaction matrix that collaborative methods train on,
 * packed as compressed rows (one row of item indices per user), built from
 * interaction columns in a few linear passes over typed arrays.
 */
import type { Interaction } from "../types.ts";
import {
  distinctSorted,
  type InteractionColumns,
  interactionColumns,
  isInteractionColumns,
  movieIndexLookup,
  TYPE_CODE,
} from "./interaction_columns.ts";

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
 * `minRating`, a like or a view; never a dislike, a skip or a list entry
 * (watchlist, not interested).
 */
export function isPositive(row: Interaction, minRating = 0): boolean {
  if (row.type === "like" || row.type === "view") return true;
  return row.type === "rating" && (row.value ?? 0) >= minRating;
}

/** `isPositive` for row `i` of columns (a rating without a value counts as 0). */
export function isPositiveAt(
  columns: InteractionColumns,
  i: number,
  minRating = 0,
): boolean {
  const type = columns.types[i];
  if (type === TYPE_CODE.like || type === TYPE_CODE.view) return true;
  if (type !== TYPE_CODE.rating) return false;
  const value = columns.values[i];
  return (value !== value ? 0 : value) >= minRating; // NaN: no value
}

/**
 * Builds the binary matrix from interactions (objects or columns): each one
 * `isPositive` with `minRating` is a 1. Duplicate (user, movie) pairs count
 * once. Users come in the order of their first positive interaction.
 *
 * @example
 * ```ts
 * const matrix = buildInteractionMatrix(ratings);
 * matrix.items.length; // movies with at least one interaction
 * ```
 */
export function buildInteractionMatrix(
  interactions: Iterable<Interaction> | InteractionColumns,
  options: InteractionMatrixOptions = {},
): InteractionMatrix {
  const columns = isInteractionColumns(interactions)
    ? interactions
    : interactionColumns(interactions);
  const minRating = options.minRating ?? 0;
  const { size, users, movies } = columns;
  // Pass 1: which rows count, each user's row, and how many entries it has.
  const positive = new Uint8Array(size);
  const rowOf = new Int32Array(columns.userIds.length).fill(-1);
  const counts: number[] = [];
  const rowUsers: string[] = [];
  let positives = 0;
  for (let i = 0; i < size; i++) {
    if (!isPositiveAt(columns, i, minRating)) continue;
    positive[i] = 1;
    positives++;
    const u = users[i];
    if (rowOf[u] < 0) {
      rowOf[u] = counts.length;
      counts.push(0);
      rowUsers.push(columns.userIds[u]);
    }
    counts[rowOf[u]]++;
  }
  const positiveMovies = new Int32Array(positives);
  for (let i = 0, p = 0; i < size; i++) {
    if (positive[i]) positiveMovies[p++] = movies[i];
  }
  const items = distinctSorted(positiveMovies);
  const column = movieIndexLookup(items);
  // Pass 2: entries grouped by row, then sorted and deduplicated per row.
  const rows = counts.length;
  const starts = new Int32Array(rows + 1);
  for (let r = 0; r < rows; r++) starts[r + 1] = starts[r] + counts[r];
  const entries = new Int32Array(positives);
  const fill = starts.slice(0, rows);
  for (let i = 0; i < size; i++) {
    if (positive[i]) entries[fill[rowOf[users[i]]]++] = column(movies[i]);
  }
  const userOffsets = new Int32Array(rows + 1);
  const itemCounts = new Int32Array(items.length);
  let nnz = 0;
  for (let r = 0; r < rows; r++) {
    const row = entries.subarray(starts[r], starts[r + 1]).sort();
    for (let p = 0; p < row.length; p++) {
      if (p > 0 && row[p] === row[p - 1]) continue;
      entries[nnz++] = row[p];
      itemCounts[row[p]]++;
    }
    userOffsets[r + 1] = nnz;
  }
  return {
    items,
    itemCounts,
    users: rowUsers,
    userOffsets,
    userItems: entries.slice(0, nnz),
  };
}
