import assert from "node:assert/strict";
import { seededRandom } from "../training/split.ts";
import {
  allocateSpdMatrix,
  defaultSpdBackend,
  type SpdBackend,
  spdInverse,
} from "./spd_inverse.ts";

/** A seeded Gram matrix XᵀX + λI of sparse binary X, as EASE builds. */
function gram(n: number, seed: number): Float64Array {
  const random = seededRandom(seed);
  const users = 4 * n;
  const a = new Float64Array(n * n);
  for (let u = 0; u < users; u++) {
    const row: number[] = [];
    for (let i = 0; i < n; i++) if (random() < 0.05) row.push(i);
    for (const i of row) for (const j of row) a[i * n + j] += 1;
  }
  for (let i = 0; i < n; i++) a[i * n + i] += 5;
  return a;
}

function maxIdentityError(a: Float64Array, inverse: Float64Array, n: number) {
  let worst = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += a[i * n + k] * inverse[k * n + j];
      worst = Math.max(worst, Math.abs(s - (i === j ? 1 : 0)));
    }
  }
  return worst;
}

const BACKENDS: SpdBackend[] = ["js", "wasm"];

for (const backend of BACKENDS) {
  Deno.test(`${backend}: the blocked inverse times the matrix is the identity (3 blocks, an odd last one)`, () => {
    const n = 301;
    const a = gram(n, 1);
    const matrix = allocateSpdMatrix(n, { backend });
    // Only the lower triangle is read: garbage above must not matter.
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        matrix[i * n + j] = j <= i ? a[i * n + j] : NaN;
      }
    }
    const steps: number[] = [];
    const inverse = spdInverse(matrix, n, {
      onProgress: (done) => steps.push(done),
    });
    assert.equal(inverse, matrix, "inverted in place");
    assert.ok(maxIdentityError(a, inverse, n) < 1e-10);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < i; j++) {
        assert.equal(inverse[i * n + j], inverse[j * n + i]);
      }
    }
    assert.deepEqual(steps, [1 / 3, 2 / 3, 1]);
  });
}

Deno.test("both backends agree to rounding, and WebAssembly is the default where it runs", () => {
  const n = 260;
  const a = gram(n, 2);
  const js = spdInverse(a.slice(), n, { backend: "js" });
  const wasm = spdInverse(a.slice(), n, { backend: "wasm" });
  let worst = 0;
  for (let i = 0; i < n * n; i++) {
    worst = Math.max(
      worst,
      Math.abs(js[i] - wasm[i]) / Math.max(1e-3, Math.abs(js[i])),
    );
  }
  assert.ok(worst < 1e-9, `relative difference ${worst}`);
  // Deno has relaxed SIMD: the fast path is the one that runs.
  assert.equal(defaultSpdBackend(), "wasm");
});

Deno.test("a plain array is inverted through a workspace and overwritten", () => {
  const a = new Float64Array([4, 2, 2, 3]);
  const inverse = spdInverse(a, 2);
  assert.equal(inverse, a);
  const expected = [3 / 8, -2 / 8, -2 / 8, 4 / 8];
  inverse.forEach((x, i) => assert.ok(Math.abs(x - expected[i]) < 1e-15));
});

Deno.test("a matrix that is not positive definite is refused, naming the row", () => {
  const n = 200;
  const a = gram(n, 3);
  // Row 150 (in the second block) copies row 149: the matrix is singular.
  for (let j = 0; j < n; j++) {
    a[150 * n + j] = a[149 * n + j];
    a[j * n + 150] = a[j * n + 149];
  }
  a[150 * n + 150] = a[149 * n + 149];
  a[150 * n + 149] = a[149 * n + 149];
  assert.throws(
    () => spdInverse(a, n),
    /expected a positive definite matrix, found pivot .* at row 150/,
  );
  assert.throws(() => spdInverse(new Float64Array(3), 2), /2 × 2 matrix/);
});
