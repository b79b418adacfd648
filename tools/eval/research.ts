/**
 * Research methods the evaluation measures beside what is served: the
 * hybrid re-tuned for each protocol (λ and the full grid chosen on a
 * validation split carved with that protocol) and the learned blend on top
 * of it. Neither runs in the pipeline; rows are labelled as such.
 */
import { HistoryLengthRouter } from "../../core/recommenders/history_router.ts";
import { servedHybrid } from "../../serving/recommender.ts";
import {
  type HybridParams,
  HybridRecommender,
} from "../../core/recommenders/hybrid.ts";
import type {
  ServingModels,
  ShortHistorySettings,
} from "../../core/training/serving_models.ts";
import type { Recommender } from "../../core/recommender.ts";
import { trainHybridParts } from "../../core/training/hybrid_parts.ts";
import { DEFAULT_HYBRID_GRID } from "../../core/training/hybrid_tune.ts";
import { tuneOnValidation } from "../../core/training/validation_tuning.ts";
import { tuneNewUserSettings } from "../../core/training/new_user_tuning.ts";
import type { EmbeddingMatrix, Interaction } from "../../core/types.ts";
import type { ProgressReporter } from "../../pipeline/progress.ts";
import { learnHybridBlend } from "./learned_blend/fit.ts";
import { LearnedBlendRecommender } from "./learned_blend/recommender.ts";
import { splitFor, type SplitProtocol } from "./protocols.ts";

/**
 * The served hybrid with short histories cut at `maxShort` movies instead
 * of `SHORT_HISTORY` (research row "hybrid-short-up-to-<maxShort>").
 */
export function servedWithShortLimit(
  models: ServingModels,
  content: EmbeddingMatrix | null,
  maxShort: number,
): Recommender {
  return Object.assign(servedHybrid(models, content, { maxShort }), {
    name: `hybrid-short-up-to-${maxShort}`,
  });
}

/** What the re-tuning chose, for the report. */
export interface RetunedSettings {
  lambda: number;
  params: HybridParams;
  validationNdcg: number;
  short: Omit<ShortHistorySettings, "maxHistory" | "onboarded"> | null;
}

/** The learned blend's validation, for the report. */
export interface LearnedValidation {
  /** True when cross-validation preferred it to the re-tuned formula. */
  kept: boolean;
  learnedNdcg: number;
  baseNdcg: number;
  loss: string;
  l2: number;
}

/** Options of `researchMethods`. */
export interface ResearchOptions {
  protocol: SplitProtocol;
  seed: number;
  content: EmbeddingMatrix | null;
  lambdas: number[];
  minCount?: number;
  progress: ProgressReporter;
}

/** The research recommenders trained on one protocol's training split. */
export interface ResearchMethods {
  retuned: Recommender;
  learned: Recommender;
  settings: RetunedSettings;
  learnedValidation: LearnedValidation;
  trainMs: number;
}

/**
 * Re-tunes the hybrid for `options.protocol` on a validation split of
 * `train` and fits the learned blend on the same validation users.
 *
 * @example
 * ```ts
 * const { retuned, learned } = researchMethods(split.train, options);
 * ```
 */
export function researchMethods(
  train: Interaction[],
  options: ResearchOptions,
): ResearchMethods {
  const { protocol, seed, content, minCount, progress } = options;
  const started = performance.now();
  const log = (line: string) => progress.log(`[${protocol}] ${line}`);
  const tuned = tuneOnValidation(
    splitFor(train, { protocol, seed: seed + 1 }),
    {
      lambdas: options.lambdas,
      grid: DEFAULT_HYBRID_GRID,
      content,
      minCount,
      progress: {
        log,
        task: (label, total, unit) =>
          progress.task(`[${protocol}] re-${label}`, total, unit),
      },
    },
  );
  const fit = learnHybridBlend(tuned.parts, {
    params: tuned.params,
    users: tuned.users,
    seed,
    log: (line) => log(line.trim()),
  });
  log(
    `learned blend: cross-validated NDCG@10 ${
      fit.learnedNdcg.toFixed(4)
    } vs re-tuned formula ${fit.baseNdcg.toFixed(4)} (${
      fit.kept ? "would be kept" : "would not be kept"
    })`,
  );
  const { short } = tuneNewUserSettings(train, {
    long: tuned.params,
    lambda: tuned.lambda,
    minCount,
    content,
    grid: DEFAULT_HYBRID_GRID,
    seed: seed + 2,
    onboarded: false,
  });
  const parts = {
    ...trainHybridParts(train, { lambda: tuned.lambda, minCount }),
    content,
  };
  const long = new HybridRecommender(parts, tuned.params);
  const retuned = short
    ? new HistoryLengthRouter({
      short: new HybridRecommender(parts, short.params),
      long,
    })
    : long;
  return {
    retuned: Object.assign(retuned, { name: "hybrid-retuned" }),
    learned: new LearnedBlendRecommender(long, fit.learned),
    settings: {
      lambda: tuned.lambda,
      params: tuned.params,
      validationNdcg: tuned.ndcg,
      short: short && {
        params: short.params,
        validationNdcg: short.validationNdcg,
        longValidationNdcg: short.startValidationNdcg,
      },
    },
    learnedValidation: {
      kept: fit.kept,
      learnedNdcg: fit.learnedNdcg,
      baseNdcg: fit.baseNdcg,
      loss: fit.learned.loss,
      l2: fit.learned.l2,
    },
    trainMs: performance.now() - started,
  };
}
