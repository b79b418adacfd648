import assert from "node:assert/strict";
import { buildInteractionMatrix } from "./interaction_matrix.ts";
import {
  collaborativeWeights,
  ItemItemModel,
  ItemItemRecommender,
} from "./item_item_model.ts";
import { trainItemKnn } from "./item_knn.ts";
import { rating } from "../interaction_fixture.ts";

// movie 1: users a, b, c; movie 2: a, b; movie 3: c
const rows = [
  rating("a", 1),
  rating("a", 2),
  rating("b", 1),
  rating("b", 2),
  rating("c", 1),
  rating("c", 3),
];

Deno.test("item-kNN is cosine on binary columns with shrinkage", () => {
  const plain = trainItemKnn(buildInteractionMatrix(rows), { shrink: 0 });
  assert.ok(Math.abs(plain.weight(1, 2) - 2 / Math.sqrt(6)) < 1e-6);
  assert.ok(Math.abs(plain.weight(1, 3) - 1 / Math.sqrt(3)) < 1e-6);
  const shrunk = trainItemKnn(buildInteractionMatrix(rows), { shrink: 10 });
  assert.ok(Math.abs(shrunk.weight(1, 2) - 2 / (Math.sqrt(6) + 10)) < 1e-6);
  // 2 and 3 never co-occur
  assert.equal(plain.weight(2, 3), 0);
});

Deno.test("item-kNN keeps the top neighbours and explains with history", () => {
  const model = trainItemKnn(buildInteractionMatrix(rows), {
    neighbours: 1,
    shrink: 0,
  });
  assert.equal(model.offsets[1] - model.offsets[0], 1); // movie 1 keeps one neighbour
  const recommender = new ItemItemRecommender(model);
  const recs = recommender.recommend([rating("me", 1)], { limit: 5 });
  assert.deepEqual(recs.map((r) => r.movieId), [2]);
  assert.deepEqual(recs[0].explanation.because, [1]);
  assert.deepEqual(recommender.recommend([rating("me", 42)], { limit: 5 }), []);
  const filtered = new ItemItemRecommender(
    trainItemKnn(buildInteractionMatrix(rows)),
  )
    .recommend([rating("me", 1)], { limit: 5, exclude: new Set([2]) });
  assert.deepEqual(filtered.map((r) => r.movieId), [3]);
  const loaded = ItemItemModel.fromBytes(model.toBytes());
  assert.deepEqual(
    new ItemItemRecommender(loaded).recommend([rating("me", 1)], { limit: 5 }),
    recs,
  );
});

Deno.test("collaborative weights: dislikes drop out, recency halves per half-life", () => {
  const day = 86_400_000;
  const weights = collaborativeWeights([
    rating("u", 1, { value: 5, timestamp: 10 * day }),
    rating("u", 2, { timestamp: 0 }),
    {
      userId: "u",
      movieId: 3,
      type: "dislike",
      value: null,
      timestamp: 10 * day,
    },
    { userId: "u", movieId: 4, type: "view", value: null, timestamp: 10 * day },
  ], { halfLifeDays: 10 });
  const byMovie = new Map(weights.map((w) => [w.movieId, w.weight]));
  assert.equal(byMovie.get(1), 1);
  assert.equal(byMovie.get(2), 0.5);
  assert.equal(byMovie.get(3), 0);
  assert.equal(byMovie.get(4), 0.5);
});
