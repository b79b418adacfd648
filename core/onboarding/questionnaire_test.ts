import assert from "node:assert/strict";
import { trainEase } from "../models/ease.ts";
import { buildInteractionMatrix } from "../models/interaction_matrix.ts";
import type { Interaction } from "../types.ts";
import { Questionnaire } from "./questionnaire.ts";

const at = (
  userId: string,
  movieId: number,
  type: Interaction["type"] = "rating",
  value = 4,
): Interaction => ({
  userId,
  movieId,
  type,
  value: type === "rating" ? value : null,
  timestamp: 0,
});

// Two tastes: group A sees movies 1–6, group B movies 7–12; 13 is seen by
// everybody (the most rated); 14 by one person only.
const rows: Interaction[] = [];
for (let u = 0; u < 24; u++) {
  const first = u % 2 === 0 ? 1 : 7;
  for (let m = first; m < first + 6; m++) {
    // within a group, lower ids are seen by more people
    if ((u >> 1) % 6 >= m - first) rows.push(at(`u${u}`, m));
  }
  rows.push(at(`u${u}`, 13));
  if (u < 1) rows.push(at(`u${u}`, 14));
}
const counts = new Map<number, number>();
for (const r of rows) counts.set(r.movieId, (counts.get(r.movieId) ?? 0) + 1);
const ratingCounts = [...counts].map(([movieId, ratingCount]) => ({
  movieId,
  ratingCount,
}));
const ease = trainEase(buildInteractionMatrix(rows), {
  lambda: 5,
  minCount: 2,
});

Deno.test("before any answer: the most rated movies, ties by id, enough ratings only", () => {
  const questionnaire = new Questionnaire({ ratingCounts, ease }, {
    popularityWeight: 1,
    minRatings: 2,
    tasteFrom: "seen",
  });
  assert.deepEqual(questionnaire.next([], { limit: 5 }), [13, 1, 7, 2, 8]);
  // movie 14 has 1 rating: never asked
  assert.equal(questionnaire.size, 13);
  assert.ok(!questionnaire.next([], { limit: 20 }).includes(14));
});

Deno.test("after answers: the movies the rated ones point to, never one answered", () => {
  const questionnaire = new Questionnaire({ ratingCounts, ease }, {
    popularityWeight: 0.1,
    minRatings: 2,
    tasteFrom: "seen",
  });
  const history = [at("me", 13, "skip"), at("me", 2), at("me", 7, "skip")];
  const next = questionnaire.next(history, { limit: 4 });
  // movie 2 points to its group: 1, 3, 4, 5 before any of group B
  assert.deepEqual(next.slice().sort((a, b) => a - b), [1, 3, 4, 5]);
  const otherTaste = questionnaire.next([at("me", 8)], { limit: 4 });
  assert.ok(otherTaste.every((id) => id >= 7), `${otherTaste}`);
  // every kind of answer keeps a movie from being asked again
  const answered = (["rating", "skip", "like", "dislike", "view"] as const)
    .map((type, i) => at("me", i + 1, type));
  const rest = questionnaire.next(answered, { limit: 20 });
  assert.deepEqual(rest.filter((id) => id <= 5), []);
  assert.equal(rest.length, questionnaire.size - 5);
});

Deno.test("without EASE it asks by popularity alone, and runs out politely", () => {
  const questionnaire = new Questionnaire({ ratingCounts, ease: null }, {
    popularityWeight: 1,
    minRatings: 3,
    tasteFrom: "seen",
  });
  const first = questionnaire.next([at("me", 13)], { limit: 3 });
  assert.deepEqual(first, [1, 7, 2]);
  const everything = [...counts.keys()].map((id) => at("me", id, "skip"));
  assert.deepEqual(questionnaire.next(everything, { limit: 10 }), []);
});

Deno.test("taste from liked answers: a low rating points nowhere unless nothing is liked", () => {
  const params = { popularityWeight: 0.1, minRatings: 2 };
  const liked = new Questionnaire({ ratingCounts, ease }, {
    ...params,
    tasteFrom: "liked",
  });
  const seen = new Questionnaire({ ratingCounts, ease }, {
    ...params,
    tasteFrom: "seen",
  });
  // seen group A's movie 2 (1 star) and liked group B's movie 8 (5 stars)
  const history = [at("me", 2, "rating", 1), at("me", 8, "rating", 5)];
  // (13, seen by everybody, goes with every taste)
  const fromLiked = liked.next(history, { limit: 4 });
  assert.ok(fromLiked.every((id) => id >= 7), `${fromLiked}`);
  // "seen" counts the 1-star movie too: group A enters the page
  const fromSeen = seen.next(history, { limit: 4 });
  assert.ok(fromSeen.some((id) => id <= 6), `${fromSeen}`);
  // only low ratings so far: they still point (better than popularity alone)
  const lowOnly = liked.next([at("me", 2, "rating", 1)], { limit: 4 });
  assert.ok(lowOnly.every((id) => id <= 6 || id === 13), `${lowOnly}`);
  // a like counts as liked
  const likes = liked.next([at("me", 8, "like"), at("me", 2, "rating", 2)], {
    limit: 4,
  });
  assert.ok(likes.every((id) => id >= 7), `${likes}`);
});
