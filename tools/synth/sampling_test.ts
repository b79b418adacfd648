import assert from "node:assert/strict";
import { seededRandom } from "../../core/training/split.ts";
import { userActivity } from "./activity.ts";
import {
  AliasTable,
  weightedSampleWithoutReplacement,
  zipfWeights,
} from "./sampling.ts";

Deno.test("the alias table draws each index in proportion to its weight", () => {
  const weights = [5, 0, 1, 3, 1];
  const table = new AliasTable(weights);
  const random = seededRandom(2);
  const counts = new Array(weights.length).fill(0);
  const draws = 100_000;
  for (let i = 0; i < draws; i++) counts[table.draw(random)]++;
  assert.equal(counts[1], 0, "a zero weight is never drawn");
  weights.forEach((w, i) => {
    const expected = (w / 10) * draws;
    assert.ok(
      Math.abs(counts[i] - expected) < 0.02 * draws,
      `index ${i}: ${counts[i]} vs ${expected}`,
    );
  });
  assert.throws(() => new AliasTable([0, 0]), /at least one positive weight/);
  assert.throws(
    () => new AliasTable([1, -1]),
    /non-negative weights, found -1 at 1/,
  );
});

Deno.test("weighted sampling without replacement gives distinct indices, heavy ones first", () => {
  const weights = zipfWeights(1000, { exponent: 1.2, offset: 0 });
  const random = seededRandom(5);
  let headHits = 0;
  for (let trial = 0; trial < 50; trial++) {
    const sample = weightedSampleWithoutReplacement(weights, 100, random);
    assert.equal(new Set(sample).size, 100);
    if (sample.includes(0)) headHits++;
  }
  assert.ok(
    headHits >= 48,
    `the heaviest index was drawn in ${headHits} of 50`,
  );
  assert.equal(
    weightedSampleWithoutReplacement(weights, 1000, random).length,
    1000,
  );
  assert.throws(
    () => weightedSampleWithoutReplacement(weights, 1001, random),
    /Cannot draw 1001/,
  );
});

Deno.test("user activity adds up exactly, keeps the minimum and the cap, with a long tail", () => {
  const counts = userActivity(200_000, 1_000, 5_000, seededRandom(1));
  assert.equal(counts.reduce((s, c) => s + c, 0), 200_000);
  const sorted = counts.slice().sort();
  assert.equal(sorted[0], 20);
  assert.ok(sorted[999] <= 3000);
  assert.ok(
    sorted[999] > 10 * sorted[500],
    `max ${sorted[999]}, median ${sorted[500]}`,
  );
  // Everybody capped: the total still comes out exact.
  const full = userActivity(600, 10, 100, seededRandom(1));
  assert.deepEqual([...full], new Array(10).fill(60));
});
