import assert from "node:assert/strict";
import { ItemItemModel, ItemItemRecommender } from "./item_item_model.ts";
import { sequenceWeights, timeOrdered, trainSequence } from "./sequence.ts";
import type { Interaction } from "../types.ts";

const rate = (
  userId: string,
  movieId: number,
  timestamp: number,
): Interaction => ({ userId, movieId, type: "rating", value: 4, timestamp });

// a rates 1, 2, 3 in that order; b rates 1 then 3 (rows given out of order).
const ROWS = [
  rate("a", 3, 30),
  rate("a", 1, 10),
  rate("b", 3, 20),
  rate("a", 2, 20),
  rate("b", 1, 10),
];

const close = (actual: number, expected: number) =>
  assert.ok(
    Math.abs(actual - expected) < 1e-6,
    `expected ${expected}, found ${actual}`,
  );

Deno.test("sequence weights match hand-computed next-item counts", () => {
  // Pairs: a 1→2 (d 1), 1→3 (d 2, weight ½), 2→3 (d 1); b 1→3 (d 1).
  // Counts n1 = 2, n2 = 1, n3 = 2; shrink 0: W = pairs / √(nᵢ nⱼ).
  const model = trainSequence(ROWS, { shrink: 0 });
  close(model.weight(1, 2), 1 / Math.SQRT2);
  close(model.weight(1, 3), 1.5 / 2);
  close(model.weight(2, 3), 1 / Math.SQRT2);
  assert.equal(model.weight(2, 1), 0, "directed: nothing follows backwards");
  assert.equal(model.weight(3, 1), 0);
});

Deno.test("the window limits pair distance, symmetric counts both ways", () => {
  const narrow = trainSequence(ROWS, { shrink: 0, window: 1 });
  close(narrow.weight(1, 3), 1 / 2); // only b's adjacent pair
  const both = trainSequence(ROWS, { shrink: 0, symmetric: true });
  close(both.weight(3, 1), 1.5 / 2);
  close(both.weight(2, 1), 1 / Math.SQRT2);
  close(both.weight(1, 3), 1.5 / 2);
});

Deno.test("shrinkage lowers weights of rarely co-rated pairs", () => {
  const model = trainSequence(ROWS, { shrink: 2 });
  close(model.weight(1, 3), 1.5 / (2 + 2));
});

Deno.test("timeOrdered sorts by time then movie id and skips dislikes", () => {
  assert.deepEqual(
    timeOrdered([
      rate("a", 5, 20),
      rate("a", 9, 10),
      rate("a", 4, 20),
      { ...rate("a", 7, 5), type: "dislike" },
    ]),
    [9, 4, 5],
  );
});

Deno.test("sequenceWeights decay by position from the newest movie", () => {
  const weights = sequenceWeights([
    rate("me", 3, 300),
    rate("me", 1, 100),
    rate("me", 2, 200),
    { ...rate("me", 4, 250), type: "dislike", value: null },
  ], 0.5);
  assert.deepEqual(
    weights.map((w) => [w.movieId, w.weight]),
    [[1, 0.25], [2, 0.5], [3, 1]],
  );
});

Deno.test("a sequence model recommends what follows, explains, and round-trips", () => {
  const model = trainSequence(ROWS);
  const loaded = ItemItemModel.fromBytes(model.toBytes());
  assert.equal(loaded.header.method, "sequence");
  close(loaded.weight(1, 3), model.weight(1, 3));
  const recommender = new ItemItemRecommender(
    loaded,
    (history) => sequenceWeights(history, 0.9),
  );
  const recs = recommender.recommend([rate("me", 1, 1)], { limit: 5 });
  // From 1: W[1][3] = 1.5 / (2 + 10) > W[1][2] = 1 / (√2 + 10).
  assert.deepEqual(recs.map((r) => r.movieId), [3, 2]);
  assert.deepEqual(recs[0].explanation, { kind: "rated", because: [1] });
});
