import assert from "node:assert/strict";
import { cosine, dot, mean, norm, normalize } from "./vector.ts";

const v = (...xs: number[]) => new Float32Array(xs);

Deno.test("dot and norm match hand-computed values", () => {
  assert.equal(dot(v(1, 2, 3), v(4, -5, 6)), 12);
  assert.equal(norm(v(3, 4)), 5);
});

Deno.test("dot refuses vectors of different lengths", () => {
  assert.throws(() => dot(v(1), v(1, 2)), /lengths differ \(1 and 2\)/);
});

Deno.test("normalize gives unit length and keeps zero vectors at zero", () => {
  assert.deepEqual([...normalize(v(3, 4))].map((x) => +x.toFixed(6)), [
    0.6,
    0.8,
  ]);
  assert.deepEqual([...normalize(v(0, 0))], [0, 0]);
});

Deno.test("cosine is 0 for a zero vector, ±1 for (anti)parallel ones", () => {
  assert.equal(cosine(v(0, 0), v(1, 1)), 0);
  assert.ok(Math.abs(cosine(v(1, 2), v(2, 4)) - 1) < 1e-6);
  assert.ok(Math.abs(cosine(v(1, 2), v(-1, -2)) + 1) < 1e-6);
});

Deno.test("mean is weighted by absolute weights and handles empty input", () => {
  assert.deepEqual([...mean([v(1, 0), v(0, 1)])], [0.5, 0.5]);
  // weights 3 and -1: (3*(2,0) - 1*(0,4)) / 4 = (1.5, -1)
  assert.deepEqual([...mean([v(2, 0), v(0, 4)], [3, -1])], [1.5, -1]);
  assert.equal(mean([]).length, 0);
  assert.deepEqual([...mean([v(1, 1)], [0])], [0, 0]);
});
