/**
 * Rows shared by the split tests (split_test.ts, task_split_test.ts).
 * @module
 */
import type { Interaction } from "../types.ts";
import {
  interactionAt,
  type InteractionColumns,
  interactionColumns,
} from "../models/interaction_columns.ts";

/** `n` ratings of 4 by `user`, movies 1..n; movie 1 is the newest. */
export function ratings(user: string, n: number): Interaction[] {
  return Array.from({ length: n }, (_, i) => ({
    userId: user,
    movieId: i + 1,
    type: "rating" as const,
    value: 4,
    timestamp: 1000 * (n - i), // movie 1 is the newest
  }));
}

/**
 * Eight users with 12 to 26 ratings and one like, as objects and as
 * columns, for asserting that a split of either holds the same rows.
 */
export function mixedRows(): {
  rows: Interaction[];
  columns: InteractionColumns;
} {
  const rows = [
    ...Array.from({ length: 8 }, (_, u) => ratings(`u${u}`, 12 + 2 * u)).flat(),
    { ...ratings("u1", 1)[0], type: "like" as const, value: null },
  ];
  return { rows, columns: interactionColumns(rows) };
}

/** The rows of one side of a split of columns, as objects. */
export const asObjects = (side: InteractionColumns): Interaction[] =>
  Array.from({ length: side.size }, (_, i) => interactionAt(side, i));
