/**
 * Fits a learned blend (model.ts) of the hybrid's parts on a validation
 * split, and says whether cross-validation over the validation users
 * prefers it to the tuned formula. A research method: validation has never
 * preferred it on ml-latest-small, so the served hybrid does not use it.
 */
import {
  type HybridParams,
  type HybridParts,
  HybridRecommender,
} from "../../../core/recommenders/hybrid.ts";
import type { ValidationUser } from "../../../core/training/validation.ts";
import {
  type BlendExample,
  type LearnedBlend,
  type LearnedLoss,
  scoreFeatures,
  trainLearnedBlend,
} from "./model.ts";
import { mean, ndcgAtK } from "../../../core/metrics.ts";
import { seededRandom, shuffleInPlace } from "../../../core/training/split.ts";
import { blendCandidates, blendFeatures } from "./recommender.ts";

/** Options of `learnHybridBlend`. */
export interface LearnBlendOptions {
  /** The tuned formula's settings the blend starts from and competes with. */
  params: HybridParams;
  /** Validation users (histories and held-out relevant movies). */
  users: ValidationUser[];
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
  /** The best configuration refitted on every validation user. */
  learned: LearnedBlend;
  /** True when cross-validation preferred the blend to the tuned formula. */
  kept: boolean;
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
 * const { learned } = learnHybridBlend(parts, { params: tuned.params, users });
 * new LearnedBlendRecommender(new HybridRecommender(parts, tuned.params), learned);
 * ```
 */
export function learnHybridBlend(
  parts: HybridParts,
  options: LearnBlendOptions,
): LearnResult {
  const { params, users } = options;
  const k = options.k ?? 10;
  const n = options.candidates ?? 100;
  const folds = options.folds ?? 2;
  const epochs = options.epochs ?? 200;
  const recommender = new HybridRecommender(parts, params);
  const data: UserData[] = [];
  const base: number[] = [];
  for (const u of users) {
    const c = recommender.components(u.history);
    const blended = recommender.blend(c);
    const ranked = recommender.rank(c, blended, { limit: k })
      .map((r) => recommender.catalogue[r.index]);
    base.push(ndcgAtK(ranked, { relevant: u.relevant, k }));
    const candidates = blendCandidates(recommender, c, {
      limit: n,
      blended,
      n,
    });
    const ids = Int32Array.from(candidates, (j) => recommender.catalogue[j]);
    data.push({
      x: blendFeatures(c, { blended, candidates }),
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
  const learned = trainLearnedBlend(data, {
    loss: best.loss,
    l2: best.l2,
    epochs,
    candidates: n,
    seed: options.seed,
  });
  return {
    learned,
    kept: best.ndcg > baseNdcg,
    baseNdcg,
    learnedNdcg: best.ndcg,
    trials,
  };
}

function ndcgOfBlend(blend: LearnedBlend, d: UserData, k: number): number {
  const scores = scoreFeatures(blend, {
    features: d.x,
    candidates: d.ids.length,
  });
  const order = Array.from(d.ids.keys()).sort((a, b) =>
    scores[b] - scores[a] || a - b
  );
  return ndcgAtK(order.slice(0, k).map((i) => d.ids[i]), {
    relevant: d.relevant,
    k,
  });
}
