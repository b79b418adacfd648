/** Float32Array vector operations. Pure; no allocation except where a new vector is returned. */

/** Dot product of two vectors of equal length. */
export function dot(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) {
    throw new RangeError(
      `Cannot take dot product: lengths differ (${a.length} and ${b.length})`,
    );
  }
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i] * b[i];
  return sum;
}

/** Euclidean (L2) norm. */
export function norm(a: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i] * a[i];
  return Math.sqrt(sum);
}

/**
 * Returns a unit-length copy of `a`; a zero vector stays zero (it has no
 * direction, so it is similar to nothing rather than NaN).
 *
 * @example
 * normalize(new Float32Array([3, 4])); // Float32Array [0.6, 0.8]
 */
export function normalize(a: Float32Array): Float32Array {
  const n = norm(a);
  const out = new Float32Array(a.length);
  if (n === 0) return out;
  for (let i = 0; i < a.length; i++) out[i] = a[i] / n;
  return out;
}

/** Normalises `a` in place; a zero vector is left as it is. */
export function normalizeInPlace(a: Float32Array): Float32Array {
  const n = norm(a);
  if (n === 0) return a;
  for (let i = 0; i < a.length; i++) a[i] /= n;
  return a;
}

/** Cosine similarity; 0 when either vector is zero. */
export function cosine(a: Float32Array, b: Float32Array): number {
  const denominator = norm(a) * norm(b);
  return denominator === 0 ? 0 : dot(a, b) / denominator;
}

/**
 * Weighted mean of vectors (equal weights when omitted). Weights may be
 * negative; returns a zero vector when there are no vectors or the weights
 * sum to zero in absolute value.
 */
export function mean(
  vectors: Float32Array[],
  weights?: number[],
): Float32Array {
  if (vectors.length === 0) return new Float32Array(0);
  const dim = vectors[0].length;
  const out = new Float32Array(dim);
  let total = 0;
  for (let v = 0; v < vectors.length; v++) {
    const vector = vectors[v];
    if (vector.length !== dim) {
      throw new RangeError(
        `Cannot average vectors: expected length ${dim}, found ${vector.length} at index ${v}`,
      );
    }
    const w = weights ? weights[v] : 1;
    total += Math.abs(w);
    for (let i = 0; i < dim; i++) out[i] += w * vector[i];
  }
  if (total === 0) return new Float32Array(dim);
  for (let i = 0; i < dim; i++) out[i] /= total;
  return out;
}
