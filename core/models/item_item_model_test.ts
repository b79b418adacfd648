import assert from "node:assert/strict";
import { collaborativeWeights, likedOnly } from "./item_item_model.ts";
import { didTo } from "../interaction_fixture.ts";

Deno.test("likedOnly keeps likes, views and ratings of at least 4", () => {
  const history = [
    didTo(1, { rating: 5 }),
    didTo(2, { rating: 4 }),
    didTo(3, { rating: 3.5 }),
    didTo(4, "like"),
    didTo(5, "view"),
    didTo(6, "dislike"),
  ];
  const weights = likedOnly(history, collaborativeWeights(history));
  assert.deepEqual(
    weights.map((w) => [w.movieId, w.weight]),
    [[1, 1], [2, 1], [3, 0], [4, 1], [5, 0.5], [6, 0]],
  );
});

Deno.test("likedOnly: a movie rated low and later liked counts as liked", () => {
  const likedLater = { ...didTo(1, "like"), timestamp: 9 };
  const history = [didTo(1, { rating: 2 }), likedLater];
  const weights = likedOnly(history, collaborativeWeights(history));
  assert.deepEqual(weights.map((w) => [w.movieId, w.weight]), [[1, 1]]);
});

Deno.test("likedOnly leaves the input weights untouched", () => {
  const history = [didTo(1, { rating: 1 })];
  const weights = collaborativeWeights(history);
  likedOnly(history, weights);
  assert.equal(weights[0].weight, 1);
});
