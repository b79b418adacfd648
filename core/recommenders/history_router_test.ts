import assert from "node:assert/strict";
import { historyLength, HistoryLengthRouter } from "./history_router.ts";
import type { Recommender } from "../recommender.ts";
import type { Interaction } from "../types.ts";

const named = (name: string): Recommender => ({
  name,
  recommend: () => [{
    movieId: { short: 1, long: 2, onboarded: 3 }[name] ?? 0,
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

Deno.test("HistoryLengthRouter sends short histories with skips to onboarded", () => {
  const router = new HistoryLengthRouter({
    short: named("short"),
    onboarded: named("onboarded"),
    long: named("long"),
    maxShort: 3,
  });
  const ids = (h: Interaction[]) =>
    router.recommend(h, { limit: 1 }).map((r) => r.movieId);
  const skips = rated(5, "skip").map((i) => ({
    ...i,
    movieId: i.movieId + 10,
  }));
  assert.deepEqual(ids([...rated(3), ...skips]), [3]);
  assert.deepEqual(ids(rated(3)), [1]);
  // a long history is long, answered the onboarding or not
  assert.deepEqual(ids([...rated(4), ...skips]), [2]);
  // without onboarded settings, short ones serve both
  const two = new HistoryLengthRouter({
    short: named("short"),
    long: named("long"),
    maxShort: 3,
  });
  assert.deepEqual(
    two.recommend([...rated(2), ...skips], { limit: 1 }).map((r) => r.movieId),
    [1],
  );
});
