/**
 * A learned blend of the hybrid's parts: a linear scorer over per-candidate
 * features (each part's normalised score and its rank among the user's
 * candidates, popularity, trend, and parts × history length), fitted by
 * full-batch gradient descent (Adam) on a validation split's labels.
 *
 * Two losses: "softmax" (listwise: the user's relevant candidates should
 * take the softmax mass over all their candidates) and "logistic"
 * (pointwise: relevant or not, per candidate). Pure numbers in, pure
 * numbers out; `LearnedBlend` is plain JSON so it is stored with the
 * hybrid's parameters.
 */

/** Feature names, in column order. */
export const LEARNED_FEATURES = [
  "blend",
  "ease",
  "liked",
  "knn",
  "sequence",
  "content",
  "blendRank",
  "easeRank",
  "likedRank",
  "knnRank",
  "sequenceRank",
  "contentRank",
  "popularity",
  "trend",
  "unreleased",
  "easeByHistory",
  "likedByHistory",
  "sequenceByHistory",
  "contentByHistory",
  "popularityByHistory",
] as const;

/** Number of features per candidate. */
export const FEATURE_COUNT = LEARNED_FEATURES.length;

/** A fitted linear blend (JSON-serialisable). */
export interface LearnedBlend {
  /** Feature names the weights belong to (must equal `LEARNED_FEATURES`). */
  features: string[];
  /** Per-feature mean and scale used to standardise before the weights. */
  mean: number[];
  scale: number[];
  weights: number[];
  bias: number;
  /** Candidates per user: this many best by the base blend, plus each part's best. */
  candidates: number;
  loss: LearnedLoss;
  l2: number;
}

/** Training objective. */
export type LearnedLoss = "softmax" | "logistic";

/** Per-user score arrays over the catalogue (null: part silent). */
export interface FeatureInputs {
  blended: Float32Array;
  ease: Float32Array | null;
  liked: Float32Array | null;
  knn: Float32Array | null;
  sequence: Float32Array | null;
  content: Float32Array | null;
  popularity: Float32Array;
  trend: Float32Array;
  unreleased: Uint8Array;
  /** Movies in the user's history the collaborative parts know. */
  historyLength: number;
}

/** The part arrays whose rank among the candidates is a feature, in order. */
function rankedParts(inputs: FeatureInputs): (Float32Array | null)[] {
  return [
    inputs.blended,
    inputs.ease,
    inputs.liked,
    inputs.knn,
    inputs.sequence,
    inputs.content,
  ];
}

/**
 * Features of `candidates` (catalogue indices), row-major
 * (candidates × FEATURE_COUNT). Rank features are 1 / log2(2 + rank) among
 * the candidates (ties by candidate order), 0 for a silent part.
 *
 * @example
 * ```ts
 * const x = candidateFeatures(inputs, Int32Array.of(4, 9));
 * ```
 */
export function candidateFeatures(
  inputs: FeatureInputs,
  candidates: Int32Array,
): Float32Array {
  const n = candidates.length;
  const F = FEATURE_COUNT;
  const x = new Float32Array(n * F);
  // Scaled to about 1 for a 1000-movie history: the interactions stay small.
  const h = Math.log1p(inputs.historyLength) / Math.log1p(1000);
  const parts = rankedParts(inputs);
  const order = Array.from({ length: n }, (_, i) => i);
  parts.forEach((part, p) => {
    if (!part) return;
    for (let i = 0; i < n; i++) x[i * F + p] = part[candidates[i]];
    order.sort((a, b) => part[candidates[b]] - part[candidates[a]] || a - b);
    for (let r = 0; r < n; r++) {
      x[order[r] * F + 6 + p] = 1 / Math.log2(2 + r);
    }
  });
  for (let i = 0; i < n; i++) {
    const j = candidates[i];
    const o = i * F;
    x[o + 12] = inputs.popularity[j];
    x[o + 13] = inputs.trend[j];
    x[o + 14] = inputs.unreleased[j];
    x[o + 15] = x[o + 1] * h;
    x[o + 16] = x[o + 2] * h;
    x[o + 17] = x[o + 4] * h;
    x[o + 18] = x[o + 5] * h;
    x[o + 19] = x[o + 12] * h;
  }
  return x;
}

/** Throws unless `blend` was fitted on the current `LEARNED_FEATURES`. */
export function assertCurrentFeatures(blend: LearnedBlend): void {
  if (blend.features.join() !== LEARNED_FEATURES.join()) {
    throw new Error(
      `Cannot use a learned blend over features [${blend.features}]: expected [${LEARNED_FEATURES}] (retrain the models)`,
    );
  }
}

/** Scores of `n` feature rows under `blend`, into a new array. */
export function scoreFeatures(
  blend: LearnedBlend,
  options: {
    /** Row-major features, one row per candidate. */
    features: Float32Array;
    candidates: number;
  },
): Float64Array {
  const { features: x, candidates: n } = options;
  const F = blend.weights.length;
  if (x.length !== n * F) {
    throw new Error(
      `Expected ${n * F} features for ${n} candidates, found ${x.length}`,
    );
  }
  const w = blend.weights.map((v, f) => v / blend.scale[f]);
  let offset = blend.bias;
  for (let f = 0; f < F; f++) offset -= w[f] * blend.mean[f];
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = offset;
    for (let f = 0, o = i * F; f < F; f++) s += w[f] * x[o + f];
    out[i] = s;
  }
  return out;
}

/** One user's training example: candidate features and 0/1 labels. */
export interface BlendExample {
  /** Row-major, labels.length × feature count. */
  x: Float32Array;
  labels: Uint8Array;
}

/** Options of `trainLearnedBlend`. */
export interface TrainBlendOptions {
  loss?: LearnedLoss;
  /** L2 penalty on the (standardised) weights (default 1e-3). */
  l2?: number;
  /** Full-batch gradient steps (default 300). */
  epochs?: number;
  /** Adam step size (default 0.05). */
  learningRate?: number;
  /** Seed of the initial weights' small jitter (default 1). */
  seed?: number;
  /** Candidates per user, recorded in the result (default 100). */
  candidates?: number;
  /** Feature count per row (default FEATURE_COUNT; tests use fewer). */
  featureCount?: number;
  /** Feature names recorded in the result (default LEARNED_FEATURES). */
  featureNames?: readonly string[];
}

/**
 * Loss and gradient of standardised weights `w` (+ bias at index F) over
 * the examples; `z` holds the standardised features, concatenated.
 */
export function lossAndGradient(
  z: Float64Array,
  options: {
    examples: readonly { labels: Uint8Array }[];
    weights: Float64Array;
    loss: LearnedLoss;
    l2: number;
  },
): { loss: number; gradient: Float64Array } {
  const { examples, weights: w, loss, l2 } = options;
  const F = w.length - 1;
  const gradient = new Float64Array(F + 1);
  let total = 0;
  let weight = 0;
  let row = 0;
  const scores: number[] = [];
  for (const { labels } of examples) {
    const n = labels.length;
    scores.length = n;
    let positives = 0;
    for (let i = 0; i < n; i++) {
      let s = w[F];
      for (let f = 0, o = (row + i) * F; f < F; f++) s += w[f] * z[o + f];
      scores[i] = s;
      positives += labels[i];
    }
    if (loss === "softmax") {
      if (positives > 0) {
        let max = -Infinity;
        for (let i = 0; i < n; i++) max = Math.max(max, scores[i]);
        let sum = 0;
        for (let i = 0; i < n; i++) sum += Math.exp(scores[i] - max);
        const logSum = max + Math.log(sum);
        for (let i = 0; i < n; i++) {
          if (labels[i]) total -= (scores[i] - logSum) / positives;
          const d = Math.exp(scores[i] - logSum) - labels[i] / positives;
          for (let f = 0, o = (row + i) * F; f < F; f++) {
            gradient[f] += d * z[o + f];
          }
        }
        weight++;
      }
    } else {
      for (let i = 0; i < n; i++) {
        const s = scores[i];
        // log(1 + e^s) − y·s, computed without overflow.
        total += Math.max(s, 0) + Math.log1p(Math.exp(-Math.abs(s))) -
          labels[i] * s;
        const d = 1 / (1 + Math.exp(-s)) - labels[i];
        for (let f = 0, o = (row + i) * F; f < F; f++) {
          gradient[f] += d * z[o + f];
        }
        gradient[F] += d;
      }
      weight += n;
    }
    row += n;
  }
  const scale = weight > 0 ? 1 / weight : 0;
  total *= scale;
  for (let f = 0; f <= F; f++) gradient[f] *= scale;
  for (let f = 0; f < F; f++) {
    total += 0.5 * l2 * w[f] * w[f];
    gradient[f] += l2 * w[f];
  }
  return { loss: total, gradient };
}

/**
 * Fits a linear blend by full-batch Adam on standardised features.
 *
 * @example
 * ```ts
 * const blend = trainLearnedBlend(examples, { loss: "softmax" });
 * scoreFeatures(blend, { features: examples[0].x, candidates: examples[0].labels.length });
 * ```
 */
export function trainLearnedBlend(
  examples: readonly BlendExample[],
  options: TrainBlendOptions = {},
): LearnedBlend {
  const F = options.featureCount ?? FEATURE_COUNT;
  const loss = options.loss ?? "softmax";
  const l2 = options.l2 ?? 1e-3;
  const epochs = options.epochs ?? 300;
  const rate = options.learningRate ?? 0.05;
  let rows = 0;
  for (const e of examples) {
    if (e.x.length !== e.labels.length * F) {
      throw new Error(
        `Expected ${
          e.labels.length * F
        } features for ${e.labels.length} candidates, found ${e.x.length}`,
      );
    }
    rows += e.labels.length;
  }
  const mean = new Float64Array(F);
  const scale = new Float64Array(F);
  for (const e of examples) {
    for (let p = 0; p < e.x.length; p++) mean[p % F] += e.x[p];
  }
  for (let f = 0; f < F; f++) mean[f] /= rows || 1;
  for (const e of examples) {
    for (let p = 0; p < e.x.length; p++) {
      const d = e.x[p] - mean[p % F];
      scale[p % F] += d * d;
    }
  }
  // A constant feature keeps scale 1 (its weight then only meets the L2 pull).
  for (let f = 0; f < F; f++) scale[f] = Math.sqrt(scale[f] / (rows || 1)) || 1;
  const z = new Float64Array(rows * F);
  let q = 0;
  for (const e of examples) {
    for (let p = 0; p < e.x.length; p++, q++) {
      z[q] = (e.x[p] - mean[p % F]) / scale[p % F];
    }
  }
  // Tiny seeded jitter so that no two weights start exactly tied.
  let state = (options.seed ?? 1) >>> 0;
  const jitter = () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return (state / 4294967296 - 0.5) * 1e-3;
  };
  const w = Float64Array.from({ length: F + 1 }, jitter);
  const m = new Float64Array(F + 1);
  const v = new Float64Array(F + 1);
  const [b1, b2, eps] = [0.9, 0.999, 1e-8];
  for (let t = 1; t <= epochs; t++) {
    const { gradient } = lossAndGradient(z, { examples, weights: w, loss, l2 });
    for (let f = 0; f <= F; f++) {
      m[f] = b1 * m[f] + (1 - b1) * gradient[f];
      v[f] = b2 * v[f] + (1 - b2) * gradient[f] * gradient[f];
      const mHat = m[f] / (1 - b1 ** t);
      const vHat = v[f] / (1 - b2 ** t);
      w[f] -= rate * mHat / (Math.sqrt(vHat) + eps);
    }
  }
  return {
    features: [...(options.featureNames ?? LEARNED_FEATURES)],
    mean: [...mean],
    scale: [...scale],
    weights: [...w.subarray(0, F)],
    bias: w[F],
    candidates: options.candidates ?? 100,
    loss,
    l2,
  };
}
