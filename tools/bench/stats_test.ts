import assert from "node:assert/strict";
import { formatMs, formatRatio, median, unitVectors } from "./stats.ts";

Deno.test("median of odd, even and empty lists", () => {
  assert.equal(median([3, 1, 2]), 2);
  assert.equal(median([4, 1, 3, 2]), 2.5);
  assert.ok(Number.isNaN(median([])));
});

Deno.test("figures are formatted with units", () => {
  assert.equal(formatMs(0.4432), "0.443 ms");
  assert.equal(formatMs(7.981), "7.98 ms");
  assert.equal(formatMs(120.46), "120.5 ms");
  assert.equal(formatMs(NaN), "n/a");
  assert.equal(formatRatio(0.574), "0.57×");
});

Deno.test("synthetic vectors are unit length and the same for a seed", () => {
  const a = unitVectors(5, 384, 1);
  for (let r = 0; r < 5; r++) {
    let sum = 0;
    for (let i = 0; i < 384; i++) sum += a[r * 384 + i] ** 2;
    assert.ok(Math.abs(sum - 1) < 1e-5);
  }
  assert.deepEqual(unitVectors(5, 384, 1), a);
  assert.notDeepEqual(unitVectors(5, 384, 2), a);
});
