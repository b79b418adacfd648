import assert from "node:assert/strict";
import {
  interactionAt,
  interactionColumns,
  InteractionColumnsBuilder,
} from "./interaction_columns.ts";
import type { Interaction } from "../types.ts";

Deno.test("columns give back every interaction as it was pushed", () => {
  const rows: Interaction[] = [];
  for (let i = 0; i < 3000; i++) {
    const type = (["rating", "view", "like", "dislike"] as const)[i % 4];
    rows.push({
      userId: `user-${i % 37}`,
      movieId: 1 + (i * 7919) % 100_003,
      type,
      value: type === "rating" ? 0.5 + (i % 10) / 2 : null,
      timestamp: 1_700_000_000_123 + i,
    });
  }
  const columns = interactionColumns(rows);
  assert.equal(columns.size, 3000);
  assert.equal(columns.userIds.length, 37);
  assert.equal(columns.userIds[0], "user-0");
  rows.forEach((row, i) => assert.deepEqual(interactionAt(columns, i), row));
});

Deno.test("finish copies: the builder can go on without changing what it returned", () => {
  const builder = new InteractionColumnsBuilder();
  const rate = (movieId: number): Interaction => ({
    userId: "a",
    movieId,
    type: "rating",
    value: 4,
    timestamp: 0,
  });
  builder.push(rate(1));
  const first = builder.finish();
  builder.push(rate(2));
  assert.equal(first.size, 1);
  assert.equal(builder.finish().size, 2);
});
