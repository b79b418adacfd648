import assert from "node:assert/strict";
import { trainEase } from "../models/ease.ts";
import { HYBRID_DEFAULTS, HybridRecommender } from "./hybrid.ts";
import { maxTrials, tuneHybrid } from "../training/hybrid_tune.ts";
import { buildInteractionMatrix } from "../models/interaction_matrix.ts";
import { RatingTimeline } from "../models/timeline.ts";
import { trainSequence } from "../models/sequence.ts";
import type { EmbeddingMatrix, Interaction } from "../types.ts";
import { rating } from "../interaction_fixture.ts";

const day = 86_400_000;
/** A rating at day 100 unless `options` say otherwise. */
const rate: typeof rating = (userId, movieId, options = {}) =>
  rating(userId, movieId, { timestamp: 100 * day, ...options });

// Movies 1–3 are rated together by many users; movie 4 nobody rated.
const rows: Interaction[] = [];
for (let u = 0; u < 12; u++) {
  rows.push(rate(`u${u}`, 1), rate(`u${u}`, 2));
  if (u % 2 === 0) rows.push(rate(`u${u}`, 3));
}
// Content: 4 is the twin of 1; 2 and 3 point elsewhere.
const content: EmbeddingMatrix = {
  ids: Int32Array.from([1, 2, 3, 4]),
  dim: 2,
  vectors: Float32Array.from([1, 0, 0, 1, 0.6, 0.8, 1, 0]),
};
const ease = trainEase(buildInteractionMatrix(rows), {
  lambda: 1,
  minCount: 2,
});
const parts = {
  ease,
  content,
  timeline: RatingTimeline.fromInteractions(rows),
};
const only = {
  ...HYBRID_DEFAULTS,
  trendWeight: 0,
  popularityWeight: 0,
  knnWeight: 0,
  historyPivot: 0,
};

Deno.test("collaborative signal ranks co-rated movies first and explains with history", () => {
  const hybrid = new HybridRecommender(parts, { ...only, contentWeight: 0.1 });
  const recs = hybrid.recommend([rate("me", 1, { value: 5 })], { limit: 3 });
  assert.equal(recs[0].movieId, 2);
  assert.deepEqual(recs[0].explanation, { kind: "rated", because: [1] });
  assert.ok(recs.every((r) => r.movieId !== 1));
});

Deno.test("a short history leans on content when the history pivot is large", () => {
  // One rated movie and pivot 20: collaborative trust a = 1/21, so content
  // (4 is the twin of 1) outranks the co-rated movie 2.
  const thin = new HybridRecommender(parts, {
    ...only,
    historyPivot: 20,
    contentWeight: 0.4,
  });
  assert.equal(
    thin.recommend([rate("me", 1, { value: 5 })], { limit: 1 })[0].movieId,
    4,
  );
});

Deno.test("a movie nobody rated is reached through content", () => {
  const hybrid = new HybridRecommender(parts, { ...only, contentWeight: 5 });
  const recs = hybrid.recommend([rate("me", 1, { value: 5 })], { limit: 4 });
  const unrated = recs.find((r) => r.movieId === 4);
  assert.ok(unrated, "movie 4 (no ratings) should be recommended via content");
  assert.deepEqual(unrated.explanation.because, [1]);
  // without content it cannot appear with a positive score
  const blind = new HybridRecommender({ ...parts, content: null }, only)
    .recommend([rate("me", 1, { value: 5 })], { limit: 4 });
  assert.ok(!blind.some((r) => r.movieId === 4 && r.score > 0));
});

Deno.test("a history of unrated movies still gets content recommendations", () => {
  const hybrid = new HybridRecommender(parts, only);
  const recs = hybrid.recommend([rate("me", 4, { value: 5 })], { limit: 2 });
  assert.equal(recs[0].movieId, 1);
  assert.deepEqual(hybrid.recommend([], { limit: 2 }), []);
});

Deno.test("exclude and filter are honoured", () => {
  const hybrid = new HybridRecommender(parts);
  const recs = hybrid.recommend([rate("me", 1)], {
    limit: 5,
    exclude: new Set([2]),
    filter: (id) => id !== 3,
  });
  assert.deepEqual(recs.map((r) => r.movieId), [4]);
});

Deno.test("tuning picks weights that do not lower validation NDCG", () => {
  const users = [{ history: [rate("v", 1)], relevant: new Set([3]) }];
  const result = tuneHybrid(parts, {
    start: HYBRID_DEFAULTS,
    users,
    grid: { contentWeight: [0, 1], popularityWeight: [0, 1] },
  });
  assert.ok(result.trials >= 3);
  assert.ok(result.ndcg >= 0 && result.ndcg <= 1);
  const start = tuneHybrid(parts, { start: HYBRID_DEFAULTS, users, grid: {} });
  assert.ok(result.ndcg >= start.ndcg);
});

Deno.test("tuning on two tasks ranks a shared history once and maximises their geometric mean", () => {
  const history = [rate("v", 1)];
  const users = [
    { history, relevant: new Set([3]), task: 0 },
    { history, relevant: new Set([4]), task: 1 },
  ];
  let components = 0;
  const result = tuneHybrid(parts, {
    start: HYBRID_DEFAULTS,
    users,
    grid: { contentWeight: [0, 1], popularityWeight: [0, 1] },
    progress: {
      log() {},
      task: (label) => ({
        advance: (n) => {
          if (label.endsWith("user components")) components += n;
        },
        done() {},
      }),
    },
  });
  assert.equal(components, 1);
  assert.equal(result.taskNdcg.length, 2);
  const [a, b] = result.taskNdcg;
  assert.ok(Math.abs(result.ndcg - Math.sqrt(a * b)) < 1e-12);
  // 4 (content only) must rank for task 1 at all: the geometric mean needs both
  assert.ok(b > 0 && a > 0, `tasks ${result.taskNdcg}`);
});

Deno.test("tuning reports user components and trials against their most", () => {
  const users = [
    { history: [rate("v", 1)], relevant: new Set([3]) },
    { history: [rate("w", 2)], relevant: new Set([1]) },
  ];
  const grid = { historyDecay: [1, 0.85], contentWeight: [0, 1] };
  const tasks = new Map<
    string,
    { total: number; done: number; ended: boolean }
  >();
  const result = tuneHybrid(parts, {
    start: HYBRID_DEFAULTS,
    users,
    grid,
    label: "tune",
    progress: {
      log() {},
      task(label, total) {
        const task = { total, done: 0, ended: false };
        tasks.set(label, task);
        return {
          advance: (n) => task.done += n,
          done: () => task.ended = true,
        };
      },
    },
  });
  // two outer combinations (historyDecay) × two users
  assert.deepEqual(tasks.get("tune: user components"), {
    total: 4,
    done: 4,
    ended: true,
  });
  const trials = tasks.get("tune")!;
  assert.equal(trials.total, maxTrials(grid));
  assert.equal(trials.total, 2 * (1 + 2 * 2));
  assert.equal(trials.done, result.trials);
  assert.ok(trials.ended && result.trials <= trials.total);
});

Deno.test("the sequence part ranks what others rated next and explains with the latest movie", () => {
  // Everyone rates 1 then 2, and 5 then 6; EASE is silent on this history.
  const seqRows: Interaction[] = [];
  for (let u = 0; u < 6; u++) {
    seqRows.push(
      rate(`s${u}`, 5, { timestamp: 1 * day }),
      rate(`s${u}`, 6, { timestamp: 2 * day }),
      rate(`s${u}`, 1, { timestamp: 3 * day }),
      rate(`s${u}`, 2, { timestamp: 4 * day }),
    );
  }
  const hybrid = new HybridRecommender({
    sequence: trainSequence(seqRows),
    timeline: RatingTimeline.fromInteractions(seqRows),
  }, {
    ...only,
    easeWeight: 0,
    likedWeight: 0,
    sequenceWeight: 1,
    sequenceDecay: 0.5,
    unreleasedWeight: 1,
  });
  // Shrink 10: W[5][6] = W[1][2] = 6 / 16, W[5][2] = 2 / 16. The newest
  // movie is 5 (weight 1), 1 weighs 0.5: 6 scores 0.375, 2 scores 0.3125.
  const recs = hybrid.recommend([
    rate("me", 1, { timestamp: day }),
    rate("me", 5, { timestamp: 2 * day }),
  ], {
    limit: 2,
  });
  assert.equal(recs[0].movieId, 6);
  assert.deepEqual(recs[0].explanation, { kind: "rated", because: [5] });
});

Deno.test("time signals are read at the serving time, never at the history's", () => {
  // Movies 1 and 2 rated on day 100 by 12 people, movie 3 on day 200 by 20.
  const timed: Interaction[] = [];
  for (let u = 0; u < 20; u++) {
    if (u < 12) timed.push(rate(`t${u}`, 1), rate(`t${u}`, 2));
    timed.push(rate(`t${u}`, 3, { timestamp: 200 * day }));
  }
  const hybrid = new HybridRecommender({
    ease: trainEase(buildInteractionMatrix(timed), { lambda: 1, minCount: 2 }),
    timeline: RatingTimeline.fromInteractions(timed),
  }, {
    ...only,
    easeWeight: 0,
    likedWeight: 0,
    sequenceWeight: 0,
    contentWeight: 0,
    popularityWeight: 1,
    unreleasedWeight: 0,
  });
  // a history from day 150, when nobody had rated movie 3 yet
  const history = [rate("me", 1, { value: 5, timestamp: 150 * day })];
  const ids = (now?: number) =>
    hybrid.recommend(history, { limit: 2, now }).map((r) => r.movieId);
  // served after training: movie 3 is out and the most popular
  assert.deepEqual(ids(), [3, 2]);
  assert.deepEqual(ids(Date.now()), [3, 2]);
  // replaying day 150: movie 3 was not out yet
  const replay = hybrid.recommend(history, { limit: 2, now: 150 * day });
  assert.equal(replay[0].movieId, 2);
  assert.equal(replay.find((r) => r.movieId === 3)?.score ?? 0, 0);
});

Deno.test("tuning holds the components of as many users as its byte budget allows", () => {
  // the catalogue is 4 movies: 84 bytes of components a user
  const users = ["a", "b", "c", "d", "e"].map((u, i) => ({
    history: [rate(u, 1 + (i % 3))],
    relevant: new Set([4]),
  }));
  const logged: string[] = [];
  let components = 0;
  const progress = {
    log: (line: string) => logged.push(line),
    task: (label: string) => ({
      advance: (n: number) => {
        if (label.endsWith("user components")) components += n;
      },
      done() {},
    }),
  };
  const grid = { contentWeight: [0, 1] };
  const start = HYBRID_DEFAULTS;
  tuneHybrid(parts, { start, users, grid, componentBudget: 3 * 84, progress });
  assert.equal(components, 3, "3 of the 5 users fit");
  assert.match(logged.join("\n"), /3 of 5 users, a seeded sample/);
  components = 0;
  logged.length = 0;
  tuneHybrid(parts, { start, users, grid, progress });
  assert.equal(components, 5, "the default budget holds all 5");
  assert.doesNotMatch(logged.join("\n"), /a seeded sample/);
});
