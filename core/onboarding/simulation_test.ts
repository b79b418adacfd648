import assert from "node:assert/strict";
import type { Interaction } from "../types.ts";
import {
  interactionAt,
  interactionColumns,
} from "../models/interaction_columns.ts";
import {
  firstRatings,
  onboardingSplit,
  resplitUser,
  simulateOnboarding,
} from "./simulation.ts";
import { seededRandom } from "../training/split.ts";

const rating = (
  userId: string,
  movieId: number,
  value = 4,
  timestamp = movieId,
): Interaction => ({ userId, movieId, type: "rating", value, timestamp });

// 10 users who rated movies 1..20 (user u rates value 1 + u % 5)
const ratings: Interaction[] = [];
for (let u = 0; u < 10; u++) {
  for (let m = 1; m <= 20; m++) ratings.push(rating(`u${u}`, m, 1 + u % 5));
}

Deno.test("onboardingSplit holds out a fifth of the users, halves each one's ratings", () => {
  const split = onboardingSplit(ratings, { seed: 3 });
  assert.equal(split.users.length, 2);
  const held = new Set(split.users.map((u) => u.userId));
  assert.ok(split.train.every((r) => !held.has(r.userId)));
  assert.equal(split.train.length, 8 * 20);
  for (const user of split.users) {
    assert.equal(user.test.length, 10);
    assert.equal(user.answers.size, 10);
    for (const t of user.test) assert.ok(!user.answers.has(t.movieId));
    const times = user.answersInTime.map((r) => r.timestamp);
    assert.deepEqual(times, [...times].sort((a, b) => a - b));
  }
  // the same seed, in another input order, gives the same split
  const again = onboardingSplit([...ratings].reverse(), { seed: 3 });
  assert.deepEqual(
    again.users.map((u) => [u.userId, u.test.map((r) => r.movieId).sort()]),
    split.users.map((u) => [u.userId, u.test.map((r) => r.movieId).sort()]),
  );
});

Deno.test("onboardingSplit splits columns as it splits objects, and samples the users it plays", () => {
  const objects = onboardingSplit(ratings, { seed: 3 });
  const columns = onboardingSplit(interactionColumns(ratings), { seed: 3 });
  assert.deepEqual(columns.users, objects.users);
  assert.equal(columns.train.size, objects.train.length);
  assert.deepEqual(
    Array.from(
      { length: columns.train.size },
      (_, i) => interactionAt(columns.train, i),
    ),
    objects.train,
  );
  const one = onboardingSplit(ratings, { seed: 3, maxUsers: 1 });
  assert.equal(one.users.length, 1);
  // the user not played stays out of training all the same
  assert.equal(one.train.length, objects.train.length);
});

Deno.test("the simulated user answers whole pages truthfully until 10 ratings or 10 pages", () => {
  const [user] = onboardingSplit(ratings, { seed: 3 }).users;
  // asks movies 1, 2, 3, … in order, 4 per page
  const ask = (history: Interaction[], limit: number) => {
    const asked = new Set(history.map((i) => i.movieId));
    return Array.from({ length: 40 }, (_, i) => i + 1)
      .filter((id) => !asked.has(id)).slice(0, limit);
  };
  const run = simulateOnboarding(user, ask, { now: 1e12, pageSize: 4 });
  for (const answer of run.history) {
    const truth = user.answers.get(answer.movieId);
    assert.equal(answer.type, truth ? "rating" : "skip");
    assert.equal(answer.value, truth ? truth.value : null);
    assert.ok(answer.timestamp >= 1e12);
  }
  assert.equal(run.shown, run.pages * 4);
  assert.ok(run.rated >= 10 && run.rated < 14, `${run.rated}`);
  // a user with too few answers stops after 10 pages
  const short = simulateOnboarding(user, ask, {
    now: 0,
    pageSize: 1,
    ratings: 100,
  });
  assert.equal(short.pages, 10);
  assert.equal(short.shown, 10);
  // an empty page ends the questions
  const none = simulateOnboarding(user, () => [], { now: 0 });
  assert.deepEqual([none.shown, none.pages], [0, 0]);
});

Deno.test("firstRatings takes the answering half's first ratings, stamped now", () => {
  const [user] = onboardingSplit(ratings, { seed: 3 }).users;
  const first = firstRatings(user, 3, 500);
  assert.deepEqual(
    first.map((r) => r.movieId),
    user.answersInTime.slice(0, 3).map((r) => r.movieId),
  );
  assert.deepEqual(first.map((r) => r.timestamp), [500, 501, 502]);
});

Deno.test("resplitUser halves the same ratings again, another way, seeded", () => {
  const [user] = onboardingSplit(ratings, { seed: 3 }).users;
  const ids = (rows: Iterable<Interaction>) =>
    [...rows].map((r) => r.movieId).sort((a, b) => a - b);
  const again = resplitUser(user, seededRandom(7));
  assert.deepEqual(
    ids([...again.answers.values(), ...again.test]),
    ids([...user.answers.values(), ...user.test]),
  );
  assert.equal(again.userId, user.userId);
  assert.equal(again.test.length, user.test.length);
  for (const t of again.test) assert.ok(!again.answers.has(t.movieId));
  assert.notDeepEqual(ids(again.test), ids(user.test));
  const times = again.answersInTime.map((r) => r.timestamp);
  assert.deepEqual(times, [...times].sort((a, b) => a - b));
  assert.deepEqual(resplitUser(user, seededRandom(7)), again);
});
