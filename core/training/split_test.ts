import assert from "node:assert/strict";
import {
  newUserSplit,
  randomSplit,
  seededRandom,
  temporalSplit,
} from "./split.ts";
import type { Interaction } from "../types.ts";
import { asObjects, mixedRows, ratings } from "./split_fixture.ts";

Deno.test("seededRandom repeats per seed and stays in [0, 1)", () => {
  const a = seededRandom(9);
  const b = seededRandom(9);
  const xs = Array.from({ length: 100 }, () => a());
  assert.deepEqual(xs, Array.from({ length: 100 }, () => b()));
  assert.ok(xs.every((x) => x >= 0 && x < 1));
  assert.notEqual(seededRandom(10)(), xs[0]);
});

Deno.test("randomSplit holds out 20% per eligible user, deterministically", () => {
  const rows = [...ratings("a", 10), ...ratings("b", 4)];
  const like: Interaction = { ...rows[0], type: "like", value: null };
  const one = randomSplit([...rows, like], { seed: 1 });
  assert.equal(one.test.length, 2); // 20% of a's 10; b has fewer than 5
  assert.ok(one.test.every((r) => r.userId === "a"));
  assert.equal(one.train.length, 13); // 8 of a, 4 of b, the like
  const again = randomSplit([...rows].reverse(), { seed: 1 });
  assert.deepEqual(
    again.test.map((r) => r.movieId).sort(),
    one.test.map((r) => r.movieId).sort(),
  );
  assert.throws(
    () => randomSplit(rows, { seed: 1, testFraction: 1 }),
    /testFraction/,
  );
});

Deno.test("temporalSplit holds out each user's latest ratings", () => {
  const { train, test } = temporalSplit(ratings("a", 12), { holdout: 5 });
  assert.deepEqual(test.map((r) => r.movieId).sort((x, y) => x - y), [
    1,
    2,
    3,
    4,
    5,
  ]);
  assert.equal(train.length, 7);
  // fewer than holdout + 5 ratings: all training
  assert.equal(temporalSplit(ratings("b", 9)).test.length, 0);
});

Deno.test("newUserSplit keeps a seeded fifth of users to their first ratings", () => {
  const all = Array.from(
    { length: 10 },
    (_, u) => ratings(`u${u}`, 20 + u),
  ).flat();
  const short = ratings("short", 19);
  const { train, test } = newUserSplit([...short, ...all], { seed: 3 });
  const heldUsers = new Set(test.map((r) => r.userId));
  assert.equal(heldUsers.size, 2);
  assert.ok(!heldUsers.has("short"));
  for (const user of heldUsers) {
    const kept = train.filter((r) => r.userId === user);
    // their 5 oldest: movies with the largest ids (movie 1 is the newest)
    const n = all.filter((r) => r.userId === user).length;
    assert.deepEqual(
      kept.map((r) => r.movieId).sort((a, b) => a - b),
      [n - 4, n - 3, n - 2, n - 1, n],
    );
    assert.equal(test.filter((r) => r.userId === user).length, n - 5);
  }
  assert.equal(train.length + test.length, short.length + all.length);
  // same seed, shuffled input: same users
  const again = newUserSplit([...all].reverse().concat(short), { seed: 3 });
  assert.deepEqual(
    new Set(again.test.map((r) => r.userId)),
    heldUsers,
  );
  assert.throws(
    () => newUserSplit(all, { seed: 1, keep: 20, minRatings: 20 }),
    /minRatings > keep/,
  );
});

Deno.test("splits of columns hold the same rows as splits of objects, and share user indices", () => {
  const { rows, columns } = mixedRows();
  const splits = [
    (input: Interaction[]) => randomSplit(input, { seed: 4 }),
    (input: Interaction[]) => temporalSplit(input),
    (input: Interaction[]) =>
      newUserSplit(input, { seed: 2, minRatings: 15, userFraction: 0.5 }),
  ];
  const byColumns = [
    randomSplit(columns, { seed: 4 }),
    temporalSplit(columns),
    newUserSplit(columns, { seed: 2, minRatings: 15, userFraction: 0.5 }),
  ];
  splits.forEach((split, s) => {
    const objects = split(rows);
    assert.ok(objects.test.length > 0);
    assert.deepEqual(asObjects(byColumns[s].train), objects.train);
    assert.deepEqual(asObjects(byColumns[s].test), objects.test);
    assert.equal(byColumns[s].train.userIds, columns.userIds);
  });
});
