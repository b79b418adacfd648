import assert from "node:assert/strict";
import { buildInteractionMatrix } from "./interaction_matrix.ts";
import { interactionColumns } from "./interaction_columns.ts";
import type { Interaction, InteractionType } from "../types.ts";

const row = (
  userId: string,
  movieId: number,
  type: InteractionType = "rating",
  value: number | null = 4,
): Interaction => ({
  userId,
  movieId,
  type,
  value: type === "rating" ? value : null,
  timestamp: 0,
});

const rows: Interaction[] = [
  row("dave", 7, "dislike"),
  row("bea", 30),
  row("ann", 20, "rating", 2),
  row("ann", 10),
  row("ann", 20, "like"),
  row("bea", 10, "view"),
  row("dave", 30, "rating", null),
  row("ann", 99, "dislike"),
];

Deno.test("the matrix holds each positive (user, movie) once, users by first positive interaction", () => {
  const matrix = buildInteractionMatrix(rows);
  assert.deepEqual([...matrix.items], [10, 20, 30]);
  assert.deepEqual(matrix.users, ["bea", "ann", "dave"]);
  const rowOf = (u: number) =>
    [...matrix.userItems.subarray(
      matrix.userOffsets[u],
      matrix.userOffsets[u + 1],
    )]
      .map((c) => matrix.items[c]);
  assert.deepEqual(rowOf(0), [10, 30]);
  assert.deepEqual(rowOf(1), [10, 20], "a rating and a like of 20 count once");
  assert.deepEqual(
    rowOf(2),
    [30],
    "a rating without a value counts at minRating 0",
  );
  assert.deepEqual([...matrix.itemCounts], [2, 1, 2]);
});

Deno.test("minRating drops low and valueless ratings but keeps likes and views", () => {
  const matrix = buildInteractionMatrix(rows, { minRating: 4 });
  assert.deepEqual(matrix.users, ["bea", "ann"]);
  assert.deepEqual([...matrix.items], [10, 20, 30]);
  assert.deepEqual([...matrix.itemCounts], [2, 1, 1]);
});

Deno.test("columns and objects build the same matrix", () => {
  const many: Interaction[] = [];
  for (let u = 0; u < 50; u++) {
    for (let m = 0; m < 40; m++) {
      if ((u * 7 + m * 13) % 5 === 0) {
        many.push(row(`u${u}`, 1000 - m * 3, "rating", (m % 10) / 2 + 0.5));
      }
      if ((u + m) % 11 === 0) many.push(row(`u${u}`, 1000 - m * 3, "like"));
    }
  }
  for (const minRating of [0, 4]) {
    assert.deepEqual(
      buildInteractionMatrix(interactionColumns(many), { minRating }),
      buildInteractionMatrix(many, { minRating }),
    );
  }
});
