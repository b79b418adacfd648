import assert from "node:assert/strict";
import { choleskyInPlace, choleskyInverse } from "./linalg.ts";

Deno.test("Cholesky of a 2 × 2 matrix matches the hand factorisation", () => {
  const a = new Float64Array([4, 2, 2, 3]);
  choleskyInPlace(a, 2);
  assert.deepEqual([...a].map((x) => +x.toFixed(12)), [
    2,
    0,
    1,
    +Math.SQRT2.toFixed(12),
  ]);
});

Deno.test("SPD inverse times the matrix is the identity", () => {
  const n = 7;
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      a[i * n + j] = i === j ? n + i : 1 / (1 + i + j);
    }
  }
  const inv = choleskyInverse(a.slice(), n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += a[i * n + k] * inv[k * n + j];
      assert.ok(Math.abs(s - (i === j ? 1 : 0)) < 1e-12, `(${i},${j}) = ${s}`);
    }
  }
  // symmetric result
  assert.equal(inv[1 * n + 5], inv[5 * n + 1]);
});

Deno.test("a matrix that is not positive definite is refused", () => {
  assert.throws(
    () => choleskyInverse(new Float64Array([1, 2, 2, 1]), 2),
    /positive definite matrix, found pivot -3 at row 1/,
  );
  assert.throws(() => choleskyInverse(new Float64Array(3), 2), /2 × 2 matrix/);
});
