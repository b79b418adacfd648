import assert from "node:assert/strict";
import { profileWeights, userProfile } from "./profile.ts";
import { rowIndex } from "./vectors/top_k.ts";
import type { EmbeddingMatrix, Interaction } from "./types.ts";

const rating = (
  movieId: number,
  value: number,
  timestamp = 0,
): Interaction => ({
  userId: "u",
  movieId,
  type: "rating",
  value,
  timestamp,
});

Deno.test("ratings are centred on the user's mean shrunk towards 3", () => {
  // mean of (5, 1, 3) with one prior rating of 3: (9 + 3) / 4 = 3
  const weights = profileWeights([rating(1, 5), rating(2, 1), rating(3, 3)]);
  assert.deepEqual(weights.map((w) => w.weight), [2, -2, 0]);
});

Deno.test("a single rating still counts: centre (4 + 3) / 2 = 3.5", () => {
  assert.deepEqual(profileWeights([rating(1, 4)]).map((w) => w.weight), [0.5]);
});

Deno.test("likes, dislikes and views use the documented weights", () => {
  const weights = profileWeights([
    { userId: "u", movieId: 1, type: "like", value: null, timestamp: 0 },
    { userId: "u", movieId: 2, type: "dislike", value: null, timestamp: 0 },
    { userId: "u", movieId: 3, type: "view", value: null, timestamp: 0 },
  ]);
  assert.deepEqual(weights.map((w) => w.weight), [1, -1, 0.3]);
});

Deno.test("recency halves the weight every half-life", () => {
  const day = 86_400_000;
  const [w] = profileWeights([rating(1, 5, 0)], {
    now: 10 * day,
    halfLifeDays: 10,
  });
  assert.equal(w.weight, 0.5); // centre 4, weight 1, one half-life old
});

const m: EmbeddingMatrix = {
  ids: Int32Array.from([1, 2]),
  dim: 2,
  vectors: Float32Array.from([1, 0, 0, 1]),
};

Deno.test("a low rating pushes the profile away from that movie", () => {
  const profile = userProfile(profileWeights([rating(1, 5), rating(2, 1)]), {
    matrix: m,
    index: rowIndex(m),
  });
  assert.ok(profile);
  // weights +2 and -2 → (2, -2) normalised
  assert.ok(Math.abs(profile[0] - Math.SQRT1_2) < 1e-6);
  assert.ok(Math.abs(profile[1] + Math.SQRT1_2) < 1e-6);
});

Deno.test("an empty history, unknown movies or cancelling weights give no profile", () => {
  assert.equal(userProfile([], { matrix: m, index: rowIndex(m) }), null);
  assert.equal(
    userProfile(profileWeights([rating(99, 5)]), {
      matrix: m,
      index: rowIndex(m),
    }),
    null,
  );
  assert.equal(
    userProfile(profileWeights([rating(1, 3)]), {
      matrix: m,
      index: rowIndex(m),
    }),
    null,
  );
});
