import assert from "node:assert/strict";
import { collaborativeWeights, likedOnly } from "./item_item_model.ts";
import type { Interaction } from "../types.ts";

const at = (
  movieId: number,
  type: Interaction["type"],
  value: number | null = null,
): Interaction => ({ userId: "u", movieId, type, value, timestamp: movieId });

Deno.test("likedOnly keeps likes, views and ratings of at least 4", () => {
  const history = [
    at(1, "rating", 5),
    at(2, "rating", 4),
    at(3, "rating", 3.5),
    at(4, "like"),
    at(5, "view"),
    at(6, "dislike"),
  ];
  const weights = likedOnly(history, collaborativeWeights(history));
  assert.deepEqual(
    weights.map((w) => [w.movieId, w.weight]),
    [[1, 1], [2, 1], [3, 0], [4, 1], [5, 0.5], [6, 0]],
  );
});

Deno.test("likedOnly: a movie rated low and later liked counts as liked", () => {
  const history = [at(1, "rating", 2), { ...at(1, "like"), timestamp: 9 }];
  const weights = likedOnly(history, collaborativeWeights(history));
  assert.deepEqual(weights.map((w) => [w.movieId, w.weight]), [[1, 1]]);
});

Deno.test("likedOnly leaves the input weights untouched", () => {
  const history = [at(1, "rating", 1)];
  const weights = collaborativeWeights(history);
  likedOnly(history, weights);
  assert.equal(weights[0].weight, 1);
});
