import assert from "node:assert/strict";
import type { Interaction } from "../types.ts";
import { validationUsersOf } from "./validation.ts";

function rating(user: number, movieId: number, value: number): Interaction {
  return {
    userId: `u${user}`,
    movieId,
    type: "rating",
    value,
    timestamp: movieId,
  };
}

// 20 users, each with two training ratings and one liked held-out movie
const split = {
  train: Array.from({ length: 20 }, (_, u) => [
    rating(u, 100 + u, 3),
    rating(u, 200 + u, 4),
  ]).flat(),
  test: Array.from({ length: 20 }, (_, u) => rating(u, 300 + u, 5)),
};

Deno.test("validation users: every held-out user with a liked movie and their history", () => {
  const users = validationUsersOf(split);
  assert.equal(users.length, 20);
  assert.deepEqual(users[3].history.map((r) => r.movieId), [103, 203]);
  assert.deepEqual([...users[3].relevant], [303]);
  assert.deepEqual(validationUsersOf(split, { maxUsers: 20 }), users);
});

Deno.test("validation users: maxUsers keeps a seeded sample, same seed same users", () => {
  const sample = validationUsersOf(split, { maxUsers: 5, seed: 7 });
  assert.equal(sample.length, 5);
  assert.deepEqual(validationUsersOf(split, { maxUsers: 5, seed: 7 }), sample);
  const other = validationUsersOf(split, { maxUsers: 5, seed: 8 });
  assert.notDeepEqual(
    other.map((u) => [...u.relevant]),
    sample.map((u) => [...u.relevant]),
  );
  for (const user of sample) {
    // each sampled user keeps their own history, in order
    const id = [...user.relevant][0] - 300;
    assert.deepEqual(user.history.map((r) => r.movieId), [100 + id, 200 + id]);
  }
  // first-seen order, as without a sample
  const ids = sample.map((u) => [...u.relevant][0]);
  assert.deepEqual(ids, [...ids].sort((a, b) => a - b));
});
