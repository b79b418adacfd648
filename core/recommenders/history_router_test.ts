import assert from "node:assert/strict";
import { historyLength, HistoryLengthRouter } from "./history_router.ts";
import type { Recommender } from "../recommender.ts";
import type { Interaction } from "../types.ts";

const named = (name: string): Recommender => ({
  name,
  recommend: () => [{
    movieId: name === "short" ? 1 : 2,
    score: 1,
    explanation: { kind: "popular", because: [] },
  }],
});
const rated = (n: number, type: Interaction["type"] = "rating") =>
  Array.from({ length: n }, (_, i): Interaction => ({
    userId: "u",
    movieId: i + 1,
    type,
    value: type === "rating" ? 4 : null,
    timestamp: i,
  }));

Deno.test("historyLength counts distinct movies, dislikes aside", () => {
  assert.equal(historyLength([...rated(3), ...rated(2, "like")]), 3);
  assert.equal(historyLength(rated(4, "dislike")), 0);
});

Deno.test("HistoryLengthRouter sends short histories to short, the rest to long", () => {
  const router = new HistoryLengthRouter({
    short: named("short"),
    long: named("long"),
    maxShort: 3,
  });
  assert.equal(router.name, "long");
  const ids = (h: Interaction[]) =>
    router.recommend(h, { limit: 1 }).map((r) => r.movieId);
  assert.deepEqual(ids(rated(3)), [1]);
  assert.deepEqual(ids([...rated(3), ...rated(5, "dislike")]), [1]);
  assert.deepEqual(ids(rated(4)), [2]);
  assert.deepEqual(ids([]), [1]);
});
