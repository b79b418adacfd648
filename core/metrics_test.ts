import assert from "node:assert/strict";
import {
  averagePrecisionAtK,
  bootstrapDifference,
  bootstrapInterval,
  catalogueCoverage,
  evaluateRankings,
  hitRateAtK,
  mean,
  meanPopularityRank,
  ndcgAtK,
  popularityRanks,
  precisionAtK,
  rankScores,
  recallAtK,
} from "./metrics.ts";

const close = (actual: number, expected: number, eps = 1e-9) =>
  assert.ok(
    Math.abs(actual - expected) < eps,
    `expected ${expected}, found ${actual}`,
  );

Deno.test("metrics match hand-computed values on one ranked list", () => {
  // hits at positions 2 and 4 of 5; three relevant items, one never ranked.
  const ranked = [1, 2, 3, 4, 5];
  const relevant = new Set([2, 4, 9]);
  close(precisionAtK(ranked, { relevant, k: 5 }), 2 / 5);
  close(recallAtK(ranked, { relevant, k: 5 }), 2 / 3);
  const dcg = 1 / Math.log2(3) + 1 / Math.log2(5);
  const ideal = 1 + 1 / Math.log2(3) + 1 / Math.log2(4);
  close(ndcgAtK(ranked, { relevant, k: 5 }), dcg / ideal); // ≈ 0.4982
  close(averagePrecisionAtK(ranked, { relevant, k: 5 }), (1 / 2 + 2 / 4) / 3);
  assert.equal(hitRateAtK(ranked, { relevant, k: 5 }), 1);
  // At k = 1 the only slot is a miss.
  assert.equal(precisionAtK(ranked, { relevant, k: 1 }), 0);
  assert.equal(ndcgAtK(ranked, { relevant, k: 1 }), 0);
  assert.equal(hitRateAtK(ranked, { relevant, k: 1 }), 0);
});

Deno.test("MAP normalises by min(|relevant|, k), NDCG's ideal too", () => {
  // Five relevant, k = 2, both slots hit: a perfect list at this k.
  const relevant = new Set([1, 2, 3, 4, 5]);
  close(averagePrecisionAtK([1, 2], { relevant, k: 2 }), 1);
  close(ndcgAtK([1, 2], { relevant, k: 2 }), 1);
  close(recallAtK([1, 2], { relevant, k: 2 }), 2 / 5);
});

Deno.test("k larger than the candidate set: missing slots count as misses", () => {
  const ranked = [7, 8];
  const relevant = new Set([8]);
  close(precisionAtK(ranked, { relevant, k: 10 }), 1 / 10);
  close(recallAtK(ranked, { relevant, k: 10 }), 1);
  close(ndcgAtK(ranked, { relevant, k: 10 }), 1 / Math.log2(3));
  close(averagePrecisionAtK(ranked, { relevant, k: 10 }), 1 / 2);
  assert.equal(hitRateAtK([], { relevant, k: 10 }), 0);
});

Deno.test("duplicate ids in a ranking count once", () => {
  const relevant = new Set([1, 2]);
  close(precisionAtK([1, 1, 2], { relevant, k: 2 }), 1);
  close(ndcgAtK([1, 1, 2], { relevant, k: 2 }), 1);
});

Deno.test("ties in score are broken by lower movie id", () => {
  const ranked = rankScores([
    { movieId: 3, score: 0.5 },
    { movieId: 1, score: 0.5 },
    { movieId: 2, score: 0.9 },
  ]);
  assert.deepEqual(ranked, [2, 1, 3]);
  // so the metric of a tied list is deterministic
  close(ndcgAtK(ranked, { relevant: new Set([1]), k: 2 }), 1 / Math.log2(3));
});

Deno.test("users with no relevant items are excluded from averages", () => {
  const ev = evaluateRankings(
    new Map([
      ["a", [1, 2]],
      ["b", [3, 4]], // no relevant items at all
      ["c", [5, 6]], // relevant set exists but is empty
    ]),
    {
      relevant: new Map([["a", new Set([1])], ["c", new Set<number>()]]),
      k: 2,
    },
  );
  assert.deepEqual(ev.users, ["a"]);
  assert.equal(ev.excludedUsers, 2);
  assert.equal(mean(ev.perUser.ndcg), 1);
  assert.equal(mean(ev.perUser.precision), 0.5);
  // the per-metric functions themselves return 0 for an empty relevant set
  assert.equal(ndcgAtK([1], { relevant: new Set(), k: 1 }), 0);
  assert.equal(recallAtK([1], { relevant: new Set(), k: 1 }), 0);
  assert.equal(averagePrecisionAtK([1], { relevant: new Set(), k: 1 }), 0);
});

Deno.test("coverage and novelty (mean popularity rank)", () => {
  const rankings = [[1, 2], [2, 3]];
  close(catalogueCoverage(rankings, { k: 2, catalogueSize: 10 }), 3 / 10);
  close(catalogueCoverage(rankings, { k: 1, catalogueSize: 10 }), 2 / 10);
  const ranks = popularityRanks(new Map([[5, 10], [6, 10], [7, 20]]));
  assert.deepEqual([...ranks], [[7, 1], [5, 2], [6, 3]]);
  // 9 is unranked: one past the largest rank (4)
  close(
    meanPopularityRank([[7, 5], [6, 9]], { k: 2, popularityRank: ranks }),
    (1 + 2 + 3 + 4) / 4,
  );
});

Deno.test("bootstrap intervals are seeded, contain the mean, and collapse on constants", () => {
  const values = Float64Array.from({ length: 200 }, (_, i) => (i % 10) / 10);
  const a = bootstrapInterval(values, { seed: 3, samples: 500 });
  const b = bootstrapInterval(values, { seed: 3, samples: 500 });
  assert.deepEqual(a, b);
  assert.ok(a.low < a.mean && a.mean < a.high);
  close(a.mean, 0.45);
  const constant = bootstrapInterval([0.3, 0.3, 0.3], { seed: 1 });
  close(constant.low, 0.3);
  close(constant.high, 0.3);
  // paired: a constant per-user gain has a zero-width interval
  const d = bootstrapDifference(
    values.map((v) => v + 0.1),
    values,
    { seed: 1, samples: 200 },
  );
  close(d.mean, 0.1);
  close(d.low, 0.1, 1e-9);
  close(d.high, 0.1, 1e-9);
  assert.throws(
    () => bootstrapDifference([1], [1, 2], { seed: 1 }),
    /equal length/,
  );
});

Deno.test("k must be a positive integer", () => {
  assert.throws(
    () => ndcgAtK([1], { relevant: new Set([1]), k: 0 }),
    /positive integer, found 0/,
  );
});
