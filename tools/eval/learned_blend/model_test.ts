import assert from "node:assert/strict";
import {
  assertCurrentFeatures,
  type BlendExample,
  candidateFeatures,
  FEATURE_COUNT,
  type FeatureInputs,
  LEARNED_FEATURES,
  lossAndGradient,
  scoreFeatures,
  trainLearnedBlend,
} from "./model.ts";

const close = (a: number, b: number, eps = 1e-9) =>
  assert.ok(Math.abs(a - b) < eps, `expected ${b}, found ${a}`);

Deno.test("softmax loss and gradient at zero weights match hand computation", () => {
  // One user, two candidates with one feature: +1 (relevant) and −1.
  const z = Float64Array.of(1, -1);
  const w = Float64Array.of(0, 0); // weight, bias
  const { loss, gradient } = lossAndGradient(z, {
    examples: [{ labels: Uint8Array.of(1, 0) }],
    weights: w,
    loss: "softmax",
    l2: 0,
  });
  // Softmax (1/2, 1/2): loss log 2; d = (1/2 − 1, 1/2 − 0) = (−1/2, 1/2);
  // gradient = −1/2·1 + 1/2·(−1) = −1; the bias cancels in a softmax.
  close(loss, Math.LN2);
  close(gradient[0], -1);
  close(gradient[1], 0);
});

Deno.test("logistic loss and gradient at zero weights match hand computation, with L2", () => {
  const z = Float64Array.of(1, -1);
  const w = Float64Array.of(0.5, 0);
  const { loss, gradient } = lossAndGradient(z, {
    examples: [{ labels: Uint8Array.of(1, 0) }],
    weights: w,
    loss: "logistic",
    l2: 0.1,
  });
  // Scores (0.5, −0.5): each candidate's loss is log(1 + e^−0.5).
  const each = Math.log1p(Math.exp(-0.5));
  close(loss, each + 0.5 * 0.1 * 0.25);
  // d = (σ(0.5) − 1, σ(−0.5)) = (−σ(−0.5), σ(−0.5)); mean over 2 rows.
  const s = 1 / (1 + Math.exp(0.5));
  close(gradient[0], (-s * 1 + s * -1) / 2 + 0.1 * 0.5);
  close(gradient[1], (-s + s) / 2);
});

Deno.test("the gradient matches finite differences", () => {
  const z = Float64Array.of(0.3, -1.2, 1.5, 0.2, -0.7, 0.9, 0.1, 0.4);
  const examples = [
    { labels: Uint8Array.of(0, 1) },
    { labels: Uint8Array.of(1, 1) },
  ];
  for (const loss of ["softmax", "logistic"] as const) {
    const w = Float64Array.of(0.2, -0.4, 0.1);
    const { gradient } = lossAndGradient(z, {
      examples,
      weights: w,
      loss,
      l2: 0.05,
    });
    for (let f = 0; f < w.length; f++) {
      const h = 1e-6;
      const plus = Float64Array.from(w);
      const minus = Float64Array.from(w);
      plus[f] += h;
      minus[f] -= h;
      const numeric =
        (lossAndGradient(z, { examples, weights: plus, loss, l2: 0.05 }).loss -
          lossAndGradient(z, { examples, weights: minus, loss, l2: 0.05 })
            .loss) / (2 * h);
      close(gradient[f], numeric, 1e-6);
    }
  }
});

/** Toy users: relevant exactly when feature 0 exceeds feature 1. */
function separable(): BlendExample[] {
  let state = 3;
  const random = () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 4294967296;
  };
  return Array.from({ length: 30 }, () => {
    const n = 8;
    const x = new Float32Array(n * 2);
    const labels = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      x[i * 2] = random();
      x[i * 2 + 1] = random();
      labels[i] = x[i * 2] > x[i * 2 + 1] + 0.2 ? 1 : 0;
    }
    return { x, labels };
  });
}

Deno.test("separable toy data is learned: every relevant candidate outranks every other", () => {
  const examples = separable();
  for (const loss of ["softmax", "logistic"] as const) {
    const blend = trainLearnedBlend(examples, {
      loss,
      l2: 0,
      epochs: 400,
      featureCount: 2,
      featureNames: ["a", "b"],
    });
    assert.ok(blend.weights[0] > 0 && blend.weights[1] < 0, loss);
    for (const { x, labels } of examples) {
      const scores = scoreFeatures(blend, {
        features: x,
        candidates: labels.length,
      });
      let worstPositive = Infinity;
      let bestNegative = -Infinity;
      labels.forEach((y, i) => {
        if (y) worstPositive = Math.min(worstPositive, scores[i]);
        else bestNegative = Math.max(bestNegative, scores[i]);
      });
      assert.ok(worstPositive > bestNegative, `${loss}: positives first`);
    }
  }
});

Deno.test("training is deterministic and the blend survives a JSON round trip", () => {
  const examples = separable();
  const options = { featureCount: 2, featureNames: ["a", "b"], epochs: 50 };
  const blend = trainLearnedBlend(examples, options);
  assert.deepEqual(trainLearnedBlend(examples, options), blend);
  const copy = JSON.parse(JSON.stringify(blend));
  assert.deepEqual(copy, blend);
  const { x, labels } = examples[0];
  assert.deepEqual(
    scoreFeatures(copy, { features: x, candidates: labels.length }),
    scoreFeatures(blend, { features: x, candidates: labels.length }),
  );
});

Deno.test("a blend over other features is refused with both lists named", () => {
  const blend = trainLearnedBlend(separable(), {
    featureCount: 2,
    featureNames: ["a", "b"],
    epochs: 1,
  });
  assert.throws(() => assertCurrentFeatures(blend), /features \[a,b\]/);
  assert.throws(
    () =>
      trainLearnedBlend([{
        x: new Float32Array(3),
        labels: new Uint8Array(2),
      }]),
    /Expected 40 features for 2 candidates, found 3/,
  );
});

Deno.test("candidate features: scores, ranks among the candidates, history interactions", () => {
  const inputs: FeatureInputs = {
    blended: Float32Array.of(0.1, 0.9, 0.5),
    ease: Float32Array.of(1, 0.2, 0.4),
    liked: null,
    knn: null,
    sequence: null,
    content: null,
    popularity: Float32Array.of(0.3, 0.6, 0.9),
    trend: Float32Array.of(0, 0, 1),
    unreleased: Uint8Array.of(0, 1, 0),
    historyLength: 1000,
  };
  const x = candidateFeatures(inputs, Int32Array.of(2, 0));
  const at = (row: number, name: typeof LEARNED_FEATURES[number]) =>
    x[row * FEATURE_COUNT + LEARNED_FEATURES.indexOf(name)];
  close(at(0, "blend"), 0.5);
  close(at(1, "ease"), 1);
  // Among the candidates, movie 2 is first by blend (rank 0: 1/log2 2 = 1)
  // and second by EASE (1/log2 3).
  close(at(0, "blendRank"), 1);
  close(at(0, "easeRank"), 1 / Math.log2(3), 1e-6);
  close(at(1, "easeRank"), 1);
  close(at(0, "likedRank"), 0);
  close(at(0, "trend"), 1);
  close(at(0, "unreleased"), 0);
  // A 1000-movie history scales interactions by exactly 1.
  close(at(1, "easeByHistory"), 1, 1e-6);
  close(at(0, "popularityByHistory"), 0.9, 1e-6);
});
