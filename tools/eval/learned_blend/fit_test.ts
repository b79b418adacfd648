import assert from "node:assert/strict";
import { trainEase } from "../../../core/models/ease.ts";
import {
  HYBRID_DEFAULTS,
  type HybridParts,
  HybridRecommender,
} from "../../../core/recommenders/hybrid.ts";
import { learnHybridBlend } from "./fit.ts";
import { blendCandidates, LearnedBlendRecommender } from "./recommender.ts";
import { buildInteractionMatrix } from "../../../core/models/interaction_matrix.ts";
import { trainItemKnn } from "../../../core/models/item_knn.ts";
import { FEATURE_COUNT, LEARNED_FEATURES, type LearnedBlend } from "./model.ts";
import { trainSequence } from "../../../core/models/sequence.ts";
import { seededRandom } from "../../../core/training/split.ts";
import { RatingTimeline } from "../../../core/models/timeline.ts";
import type { Interaction } from "../../../core/types.ts";

const DAY = 86_400_000;
const random = seededRandom(11);
const ratings: Interaction[] = [];
for (let u = 0; u < 40; u++) {
  const taste = Math.floor(random() * 3);
  let t = Math.floor(random() * 100) * DAY;
  for (let m = 1; m <= 45; m++) {
    if (random() > (m % 3 === taste ? 0.6 : 0.15)) continue;
    t += DAY;
    ratings.push({
      userId: `u${u}`,
      movieId: m,
      type: "rating",
      value: m % 3 === taste ? 4.5 : 2,
      timestamp: t,
    });
  }
}
const matrix = buildInteractionMatrix(ratings);
const parts: HybridParts = {
  ease: trainEase(matrix, { lambda: 10, minCount: 2 }),
  liked: trainEase(buildInteractionMatrix(ratings, { minRating: 4 }), {
    lambda: 10,
    minCount: 2,
  }),
  itemknn: trainItemKnn(matrix),
  sequence: trainSequence(ratings),
  content: null,
  timeline: RatingTimeline.fromInteractions(ratings),
};
const history = ratings.filter((r) => r.userId === "u0").slice(0, 4);

/** A blend that ranks by the EASE score alone. */
function easeOnly(candidates: number): LearnedBlend {
  return {
    features: [...LEARNED_FEATURES],
    mean: new Array(FEATURE_COUNT).fill(0),
    scale: new Array(FEATURE_COUNT).fill(1),
    weights: LEARNED_FEATURES.map((name) => name === "ease" ? 1 : 0),
    bias: 0,
    candidates,
    loss: "softmax",
    l2: 0,
  };
}

Deno.test("a learned blend ranks the hybrid's candidates by the blend", () => {
  const learned = easeOnly(10);
  const plain = new HybridRecommender(parts, HYBRID_DEFAULTS);
  const recs = new LearnedBlendRecommender(plain, learned).recommend(history, {
    limit: 5,
  });
  assert.equal(recs.length, 5);
  const c = plain.components(history);
  const candidates = blendCandidates(plain, c, {
    limit: 5,
    blended: plain.blend(c),
    n: 10,
  });
  const expected = [...candidates]
    .sort((a, b) => c.ease![b] - c.ease![a] || a - b)
    .slice(0, 5)
    .map((j) => plain.catalogue[j]);
  assert.deepEqual(recs.map((r) => r.movieId), expected);
  // Scores are the EASE scores (weight 1, mean 0, scale 1, bias 0).
  for (const r of recs) {
    const j = plain.catalogue.indexOf(r.movieId);
    assert.ok(Math.abs(r.score - c.ease![j]) < 1e-6);
  }
  const seen = new Set(history.map((h) => h.movieId));
  assert.ok(recs.every((r) => !seen.has(r.movieId)));
});

Deno.test("the learned blend honours exclusions and filters, and survives JSON", () => {
  const hybrid = new HybridRecommender(parts, HYBRID_DEFAULTS);
  const learned = new LearnedBlendRecommender(hybrid, easeOnly(20));
  const top = learned.recommend(history, { limit: 3 }).map((r) => r.movieId);
  const options = {
    limit: 6,
    exclude: new Set([top[0]]),
    filter: (id: number) => id % 2 === 0,
  };
  const recs = learned.recommend(history, options);
  assert.ok(recs.length > 0);
  assert.ok(recs.every((r) => r.movieId !== top[0] && r.movieId % 2 === 0));
  const copy = new LearnedBlendRecommender(
    hybrid,
    JSON.parse(JSON.stringify(easeOnly(20))),
  );
  assert.deepEqual(copy.recommend(history, options), recs);
});

Deno.test("learnHybridBlend cross-validates and says whether the blend wins", () => {
  const users = [...new Set(ratings.map((r) => r.userId))].map((user) => {
    const mine = ratings.filter((r) => r.userId === user);
    const cut = Math.max(1, mine.length - 3);
    return {
      history: mine.slice(0, cut),
      relevant: new Set(
        mine.slice(cut).filter((r) => (r.value ?? 0) >= 4).map((r) =>
          r.movieId
        ),
      ),
    };
  }).filter((u) => u.relevant.size > 0);
  const lines: string[] = [];
  const fit = learnHybridBlend(parts, {
    params: HYBRID_DEFAULTS,
    users,
    epochs: 30,
    candidates: 20,
    l2s: [0.01],
    log: (line) => lines.push(line),
  });
  assert.equal(fit.trials.length, 2);
  assert.equal(lines.length, 2);
  assert.equal(fit.kept, fit.learnedNdcg > fit.baseNdcg);
  assert.ok(fit.baseNdcg >= 0 && fit.baseNdcg <= 1);
  assert.equal(fit.learned.candidates, 20);
});
