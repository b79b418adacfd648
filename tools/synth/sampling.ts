/**
 * Random draws for the synthetic releases: normal and log-normal values,
 * Zipf–Mandelbrot weights, O(1) weighted draws (Vose's alias method) and
 * weighted sampling without replacement. Everything takes the seeded
 * uniform generator it draws from, so a seed fixes the output.
 */
import type { Random } from "../../core/training/split.ts";

/**
 * A standard normal value (Box–Muller; the second value is discarded, which
 * keeps the draw stateless and the stream easy to reason about).
 */
export function normal(random: Random): number {
  // 1 − u is in (0, 1]: the logarithm is finite.
  const u = 1 - random();
  const v = random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/** A log-normal value: e^(μ + σ·z). */
export function logNormal(random: Random, mu: number, sigma: number): number {
  return Math.exp(mu + sigma * normal(random));
}

/**
 * Zipf–Mandelbrot weights (rank r + offset)^−exponent for ranks 1…n: the
 * popularity of the r-th most popular movie. `offset` flattens the head, as
 * in real catalogues where the top few movies are close to each other.
 *
 * @example
 * ```ts
 * zipfWeights(3, { exponent: 1, offset: 0 }); // [1, 0.5, 0.333…]
 * ```
 */
export function zipfWeights(
  n: number,
  options: { exponent: number; offset: number },
): Float64Array {
  const weights = new Float64Array(n);
  for (let r = 0; r < n; r++) {
    weights[r] = Math.pow(r + 1 + options.offset, -options.exponent);
  }
  return weights;
}

/**
 * Draws index i with probability weights[i] / Σ weights in O(1) (Vose's
 * alias method: n columns of equal height, each split between its own
 * index and one alias).
 */
export class AliasTable {
  readonly #probability: Float64Array;
  readonly #alias: Int32Array;

  constructor(weights: ArrayLike<number>) {
    const n = weights.length;
    let total = 0;
    for (let i = 0; i < n; i++) {
      if (!(weights[i] >= 0)) {
        throw new RangeError(
          `Expected non-negative weights, found ${weights[i]} at ${i}`,
        );
      }
      total += weights[i];
    }
    if (!(total > 0)) {
      throw new RangeError(
        `Expected at least one positive weight among ${n}, found none`,
      );
    }
    this.#probability = new Float64Array(n);
    this.#alias = new Int32Array(n);
    const scaled = Float64Array.from(weights, (w) => (w * n) / total);
    const small = new Int32Array(n);
    const large = new Int32Array(n);
    let s = 0, l = 0;
    for (let i = 0; i < n; i++) {
      if (scaled[i] < 1) small[s++] = i;
      else large[l++] = i;
    }
    while (s > 0 && l > 0) {
      const less = small[--s];
      const more = large[--l];
      this.#probability[less] = scaled[less];
      this.#alias[less] = more;
      scaled[more] = scaled[more] + scaled[less] - 1;
      if (scaled[more] < 1) small[s++] = more;
      else large[l++] = more;
    }
    // What is left is 1 up to rounding.
    while (l > 0) this.#probability[large[--l]] = 1;
    while (s > 0) this.#probability[small[--s]] = 1;
  }

  /** Number of indices. */
  get size(): number {
    return this.#alias.length;
  }

  /** One weighted index. */
  draw(random: Random): number {
    const column = Math.floor(random() * this.#alias.length);
    return random() < this.#probability[column] ? column : this.#alias[column];
  }
}

/**
 * `count` distinct indices drawn with probability proportional to
 * `weights` without replacement (Efraimidis–Spirakis: the `count` smallest
 * keys −ln(u) / w). O(n) time; meant for draws of a large share of n, where
 * drawing with rejection would mostly redraw what is taken.
 */
export function weightedSampleWithoutReplacement(
  weights: Float64Array,
  count: number,
  random: Random,
): Int32Array {
  const n = weights.length;
  if (count > n) {
    throw new RangeError(`Cannot draw ${count} distinct indices from ${n}`);
  }
  const keys = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    keys[i] = weights[i] > 0 ? -Math.log(1 - random()) / weights[i] : Infinity;
  }
  const threshold = kthSmallest(Float64Array.from(keys), count - 1);
  const out = new Int32Array(count);
  let taken = 0;
  // Keys below the threshold first, then ties up to `count`.
  for (let i = 0; i < n && taken < count; i++) {
    if (keys[i] < threshold) out[taken++] = i;
  }
  for (let i = 0; i < n && taken < count; i++) {
    if (keys[i] === threshold) out[taken++] = i;
  }
  return out;
}

/** The k-th smallest value (0-based) of `values`, reordering them (quickselect). */
function kthSmallest(values: Float64Array, k: number): number {
  let lo = 0;
  let hi = values.length - 1;
  while (lo < hi) {
    const pivot = values[(lo + hi) >> 1];
    let i = lo, j = hi;
    while (i <= j) {
      while (values[i] < pivot) i++;
      while (values[j] > pivot) j--;
      if (i <= j) {
        const t = values[i];
        values[i] = values[j];
        values[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return values[k];
  }
  return values[k];
}
