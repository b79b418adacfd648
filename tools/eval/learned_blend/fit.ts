/**
 * Fits the hybrid's optional learned blend (tools/eval/learned_blend/model.ts) on a
 * validation split and keeps it only when cross-validation over the
 * validation users says it ranks better than the tuned formula.
 */
import {
  type HybridParams,
  type HybridParts,
  HybridRecommender,
} from "../../../core/recommenders/hybrid.ts";
import type { ValidationUser } from "../../../core/training/hybrid_tune.ts";
import {
  type BlendExample,
  type LearnedBlend,
  type LearnedLoss,
  scoreFeatures,
  trainLearnedBlend,
} from "./model.ts";
import { mean, ndcgAtK } from "../../../core/metrics.ts";
import { seededRandom, shuffleInPlace } from "../../../core/training/split.ts";

/** Options of `learnHybridBlend`. */
export interface LearnBlendOptions {
  /** NDCG cut-off compared (default 10). */
  k?: number;
  /** Candidates per user (default 100). */
  candidates?: number;
  losses?: LearnedLoss[];
  l2s?: number[];
  epochs?: number;
  /** Folds of the cross-validation over users (default 2). */
  folds?: number;
  seed?: number;
  /** Progress lines. */
  log?: (line: string) => void;
}

/** One cross-validated configuration. */
export interface LearnTrial {
  loss: LearnedLoss;
  l2: number;
  ndcg: number;
}

/** What `learnHybridBlend` found. */
export interface LearnResult {
  /** The blend refitted on every validation user, or null when it did not help. */
  learned: LearnedBlend | null;
  /** Mean NDCG@k of the tuned formula on the validation users. */
  baseNdcg: number;
  /** Best cross-validated NDCG@k of a learned blend. */
  learnedNdcg: number;
  trials: LearnTrial[];
}

interface UserData extends BlendExample {
  ids: Int32Array;
  relevant: ReadonlySet<number>;
}

/**
 * Cross-validates each (loss, L2) over the validation users (folds by a
 * seeded shuffle of users), compares the best with the tuned formula's
 * NDCG on the same users (which it was tuned on, so the comparison favours
 * the formula), and refits the winner on all users if it wins.
 *
 * @example
 * ```ts
 * const { learned } = learnHybridBlend(parts, tuned.params, users);
 * new HybridRecommender(parts, { ...tuned.params, learned });
 * ```
 */
export function learnHybridBlend(
  parts: HybridParts,
  params: HybridParams,
  users: ValidationUser[],
  options: LearnBlendOptions = {},
): LearnResult {
  const k = options.k ?? 10;
  const n = options.candidates ?? 100;
  const folds = options.folds ?? 2;
  const epochs = options.epochs ?? 200;
  const recommender = new HybridRecommender(parts, {
    ...params,
    learned: null,
  });
  const data: UserData[] = [];
  const base: number[] = [];
  for (const u of users) {
    const c = recommender.components(u.history);
    const blended = recommender.blend(c);
    const ranked = recommender.rank(c, blended, { limit: k })
      .map((r) => recommender.catalogue[r.index]);
    base.push(ndcgAtK(ranked, u.relevant, k));
    const candidates = recommender.candidates(c, blended, { limit: n }, n);
    const ids = Int32Array.from(candidates, (j) => recommender.catalogue[j]);
    data.push({
      x: recommender.features(c, blended, candidates),
      labels: Uint8Array.from(ids, (id) => u.relevant.has(id) ? 1 : 0),
      ids,
      relevant: u.relevant,
    });
  }
  const baseNdcg = mean(base);
  const fold = shuffleInPlace(
    Array.from(data.keys()),
    seededRandom(options.seed ?? 1),
  ).reduce((out, user, i) => {
    out[user] = i % folds;
    return out;
  }, new Array<number>(data.length));
  const trials: LearnTrial[] = [];
  for (const loss of options.losses ?? ["softmax", "logistic"]) {
    for (const l2 of options.l2s ?? [1e-4, 1e-2]) {
      const scores: number[] = [];
      for (let f = 0; f < folds; f++) {
        const blend = trainLearnedBlend(
          data.filter((_, i) => fold[i] !== f),
          { loss, l2, epochs, candidates: n, seed: options.seed },
        );
        data.forEach((d, i) => {
          if (fold[i] === f) scores.push(ndcgOfBlend(blend, d, k));
        });
      }
      const ndcg = mean(scores);
      trials.push({ loss, l2, ndcg });
      options.log?.(
        `  learned blend ${loss} l2=${l2}: cross-validated NDCG@${k} ${
          ndcg.toFixed(4)
        } (tuned formula ${baseNdcg.toFixed(4)})`,
      );
    }
  }
  const best = trials.reduce((a, b) => b.ndcg > a.ndcg ? b : a);
  const learned = best.ndcg > baseNdcg
    ? trainLearnedBlend(data, {
      loss: best.loss,
      l2: best.l2,
      epochs,
      candidates: n,
      seed: options.seed,
    })
    : null;
  return { learned, baseNdcg, learnedNdcg: best.ndcg, trials };
}

function ndcgOfBlend(blend: LearnedBlend, d: UserData, k: number): number {
  const scores = scoreFeatures(blend, d.x, d.ids.length);
  const order = Array.from(d.ids.keys()).sort((a, b) =>
    scores[b] - scores[a] || a - b
  );
  return ndcgAtK(order.slice(0, k).map((i) => d.ids[i]), d.relevant, k);
}
