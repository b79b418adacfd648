import assert from "node:assert/strict";
import type { Interaction } from "../types.ts";
import { validationObjective, validationUsersOf } from "./validation.ts";

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

Deno.test("validation users of two tasks: one entry per task, one shared history", () => {
  const tasks = {
    train: split.train,
    tasks: [
      split.test,
      // the second task holds out a liked movie for even users only
      Array.from({ length: 10 }, (_, i) => rating(2 * i, 400 + 2 * i, 4)),
    ],
  };
  const users = validationUsersOf(tasks);
  assert.equal(users.length, 30);
  const of0 = users.filter((u) => u.history === users[0].history);
  assert.deepEqual(of0.map((u) => u.task), [0, 1]);
  assert.deepEqual(of0.map((u) => [...u.relevant]), [[300], [400]]);
  // a sample draws users, not entries: both tasks of each drawn user stay
  const sample = validationUsersOf(tasks, { maxUsers: 6, seed: 3 });
  assert.equal(new Set(sample.map((u) => u.history)).size, 6);
  for (const u of sample) {
    const id = [...u.relevant][0] % 100;
    const tasksOfUser = sample.filter((v) => v.history === u.history);
    assert.equal(tasksOfUser.length, id % 2 === 0 ? 2 : 1);
  }
});

Deno.test("validation objective: one task's mean, or the tasks' geometric mean", () => {
  const one = [{ history: [], relevant: new Set([1]) }];
  assert.deepEqual(validationObjective([...one, ...one], [0.2, 0.4]), {
    score: 0.30000000000000004,
    tasks: [0.30000000000000004],
  });
  const users = [0, 0, 1].map((task) => ({
    history: [],
    relevant: new Set([1]),
    task,
  }));
  const { score, tasks } = validationObjective(users, [0.1, 0.3, 0.8]);
  assert.deepEqual(tasks, [0.2, 0.8]);
  assert.ok(Math.abs(score - 0.4) < 1e-12); // √(0.2 · 0.8)
  // scale-free: a task ten times larger does not outweigh the other
  const scaled = validationObjective(users, [0.01, 0.03, 0.8]).score;
  assert.ok(Math.abs(scaled - Math.sqrt(0.02 * 0.8)) < 1e-12);
  // weighted: the first task counts twice
  const weighted = validationObjective(users, [0.1, 0.3, 0.8], [2, 1]).score;
  assert.ok(Math.abs(weighted - Math.cbrt(0.2 * 0.2 * 0.8)) < 1e-12);
});
