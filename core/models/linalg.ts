/**
 * Small dense linear algebra on row-major `Float64Array` matrices: the
 * Cholesky inverse of one diagonal block of the blocked SPD inverse
 * (spd_inverse.ts), which is what EASE uses for whole matrices. Loops walk
 * rows so that inner loops read contiguous memory.
 */

/**
 * Cholesky factorisation `A = L Lᵀ` of a symmetric positive definite `n × n`
 * matrix, in place: on return the lower triangle of `a` holds `L` and the
 * strict upper triangle is zeroed. Throws when `a` is not positive definite.
 *
 * @example
 * ```ts
 * const a = new Float64Array([4, 2, 2, 3]);
 * choleskyInPlace(a, 2); // a = [2, 0, 1, √2]
 * ```
 */
export function choleskyInPlace(a: Float64Array, n: number): void {
  checkSquare(a, n);
  for (let i = 0; i < n; i++) {
    const ri = i * n;
    for (let j = 0; j <= i; j++) {
      const rj = j * n;
      // Row-oriented Cholesky–Crout: both L rows are contiguous.
      const s = a[ri + j] - dotRange(a, ri, a, rj, 0, j);
      if (i === j) {
        if (!(s > 0)) {
          throw new Error(
            `Cannot factorise: expected a positive definite matrix, found pivot ${s} at row ${i}`,
          );
        }
        a[ri + i] = Math.sqrt(s);
      } else {
        a[ri + j] = s / a[rj + j];
      }
    }
    for (let j = i + 1; j < n; j++) a[ri + j] = 0;
  }
}

/**
 * Inverse of a symmetric positive definite `n × n` matrix via Cholesky:
 * `A⁻¹ = L⁻ᵀ L⁻¹`. Consumes `a` (it is overwritten) and returns a new
 * full symmetric matrix.
 *
 * @example
 * ```ts
 * const inv = choleskyInverse(new Float64Array([2, 0, 0, 4]), 2); // [0.5, 0, 0, 0.25]
 * ```
 */
export function choleskyInverse(a: Float64Array, n: number): Float64Array {
  choleskyInPlace(a, n);
  // W = L⁻¹ stored transposed (row i of `wt` = column i of L⁻¹), so that
  // both the triangular solve and the product below read contiguous rows.
  const wt = new Float64Array(n * n);
  // Solve L w = e_c for each column c: w[r] = (δ_rc - Σ_{k<r} L[r][k] w[k]) / L[r][r].
  for (let c = 0; c < n; c++) {
    const rc = c * n;
    wt[rc + c] = 1 / a[c * n + c];
    for (let r = c + 1; r < n; r++) {
      const rr = r * n;
      wt[rc + r] = -dotRange(a, rr, wt, rc, c, r) / a[rr + r];
    }
  }
  // A⁻¹[i][j] = Σ_k W[k][i] W[k][j] over k ≥ max(i, j).
  const inv = a; // reuse the factor's memory for the result
  for (let i = 0; i < n; i++) {
    const ri = i * n;
    for (let j = i; j < n; j++) {
      const rj = j * n;
      const s = dotRange(wt, ri, wt, rj, j, n);
      inv[ri + j] = s;
      inv[rj + i] = s;
    }
  }
  return inv;
}

/** Σ x[xo+k]·y[yo+k] for k in [from, to), with four accumulators for speed. */
function dotRange(
  x: Float64Array,
  xo: number,
  y: Float64Array,
  yo: number,
  from: number,
  to: number,
): number {
  let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  let k = from;
  for (; k + 3 < to; k += 4) {
    s0 += x[xo + k] * y[yo + k];
    s1 += x[xo + k + 1] * y[yo + k + 1];
    s2 += x[xo + k + 2] * y[yo + k + 2];
    s3 += x[xo + k + 3] * y[yo + k + 3];
  }
  for (; k < to; k++) s0 += x[xo + k] * y[yo + k];
  return s0 + s1 + s2 + s3;
}

function checkSquare(a: Float64Array, n: number): void {
  if (a.length !== n * n) {
    throw new Error(
      `Expected a ${n} × ${n} matrix (${
        n * n
      } values), found ${a.length} values`,
    );
  }
}
