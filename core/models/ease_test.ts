import assert from "node:assert/strict";
import { trainEase } from "./ease.ts";
import { buildInteractionMatrix } from "./interaction_matrix.ts";
import { ItemItemModel, ItemItemRecommender } from "./item_item_model.ts";
import type { Interaction } from "../types.ts";

const rate = (userId: string, movieId: number, value = 4): Interaction => ({
  userId,
  movieId,
  type: "rating",
  value,
  timestamp: 0,
});

Deno.test("EASE weights match the closed form on a 2-item case", () => {
  // X = [[1, 1], [1, 0]]; G + λI = [[3, 1], [1, 2]] for λ = 1;
  // P = [[2, -1], [-1, 3]] / 5, B[i][j] = -P[i][j] / P[j][j].
  const matrix = buildInteractionMatrix([
    rate("u1", 10),
    rate("u1", 20),
    rate("u2", 10),
  ]);
  const model = trainEase(matrix, { lambda: 1, minCount: 1 });
  assert.ok(Math.abs(model.weight(10, 20) - 1 / 3) < 1e-6);
  assert.ok(Math.abs(model.weight(20, 10) - 1 / 2) < 1e-6);
  assert.equal(model.weight(10, 10), 0);
});

Deno.test("EASE prunes rarely rated movies and recommends what co-occurs", () => {
  const rows: Interaction[] = [];
  for (let u = 0; u < 6; u++) {
    rows.push(rate(`u${u}`, 1), rate(`u${u}`, 2));
    if (u < 4) rows.push(rate(`u${u}`, 3));
  }
  rows.push(rate("u0", 99)); // rated once: pruned at minCount 2
  const model = trainEase(buildInteractionMatrix(rows), {
    lambda: 0.5,
    minCount: 2,
  });
  assert.deepEqual([...model.items], [1, 2, 3]);
  const recs = new ItemItemRecommender(model).recommend([rate("me", 1)], {
    limit: 5,
  });
  assert.equal(recs[0].movieId, 2);
  assert.deepEqual(recs[0].explanation, { kind: "rated", because: [1] });
  assert.ok(recs.every((r) => r.movieId !== 1 && r.movieId !== 99));
});

Deno.test("an EASE model survives toBytes / fromBytes", () => {
  const model = trainEase(
    buildInteractionMatrix([
      rate("a", 1),
      rate("a", 2),
      rate("b", 1),
      rate("b", 3),
      rate("c", 2),
    ]),
    { lambda: 1, minCount: 1 },
  );
  const loaded = ItemItemModel.fromBytes(model.toBytes());
  assert.deepEqual(loaded.header, model.header);
  assert.deepEqual([...loaded.items], [...model.items]);
  assert.deepEqual([...loaded.weights], [...model.weights]);
  assert.throws(
    () => ItemItemModel.fromBytes(new Uint8Array(16)),
    /expected a "IIM1" blob/,
  );
});

Deno.test("trainEase: an option passed as undefined keeps its default", () => {
  const rows = [];
  for (let u = 0; u < 12; u++) {
    for (const movieId of [1, 2, 3]) {
      rows.push({
        userId: `u${u}`,
        movieId,
        type: "rating" as const,
        value: 4,
        timestamp: 0,
      });
    }
  }
  const matrix = buildInteractionMatrix(rows);
  const model = trainEase(matrix, { lambda: 1, minCount: undefined });
  assert.equal(model.items.length, 3);
});

Deno.test("maxItems keeps the most interacted-with movies, and progress reaches 1", () => {
  const rows: Interaction[] = [];
  // Movie m is rated by 10 + m users.
  for (let m = 1; m <= 6; m++) {
    for (let u = 0; u < 10 + m; u++) rows.push(rate(`u${u}`, m));
  }
  const done: number[] = [];
  const model = trainEase(buildInteractionMatrix(rows), {
    lambda: 1,
    minCount: 1,
    maxItems: 3,
    onProgress: (share) => done.push(share),
  });
  assert.deepEqual([...model.items], [4, 5, 6]);
  assert.equal(done.at(-1), 1);
  assert.ok(done.every((d, i) => i === 0 || d >= done[i - 1]));
  assert.throws(
    () => trainEase(buildInteractionMatrix(rows), { maxItems: 0 }),
    /Expected maxItems ≥ 1, found 0/,
  );
});
