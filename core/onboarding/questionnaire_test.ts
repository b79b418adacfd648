import assert from "node:assert/strict";
import { trainEase } from "../models/ease.ts";
import { buildInteractionMatrix } from "../models/interaction_matrix.ts";
import type { Interaction } from "../types.ts";
import { Questionnaire } from "./questionnaire.ts";

const at = (
  userId: string,
  movieId: number,
  type: Interaction["type"] = "rating",
): Interaction => ({
  userId,
  movieId,
  type,
  value: type === "rating" ? 4 : null,
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
  });
  const first = questionnaire.next([at("me", 13)], { limit: 3 });
  assert.deepEqual(first, [1, 7, 2]);
  const everything = [...counts.keys()].map((id) => at("me", id, "skip"));
  assert.deepEqual(questionnaire.next(everything, { limit: 10 }), []);
});
