/**
 * Training in the pipeline: reads every stored interaction (as typed columns), trains the served
 * models with the one training procedure (core/training/serving_models.ts,
 * which the evaluation runs too) and stores them (store/models.ts), where
 * serving loads them.
 */
import { trainServingModels } from "../core/training/serving_models.ts";
import type { InteractionColumns } from "../core/models/interaction_columns.ts";
import type { EmbeddingMatrix } from "../core/types.ts";
import { readInteractionColumns } from "../store/interaction_columns.ts";
import { isTaste } from "../core/profile.ts";
import { saveServingModels } from "../store/models.ts";
import type { Store } from "../store/types.ts";
import { type ProgressReporter, silentProgress } from "./progress.ts";

/** Options of `trainAndStore`. */
export interface TrainOptions {
  /** The embeddings the hybrid blends in, and their model's name. */
  content: { model: string; matrix: EmbeddingMatrix } | null;
  /** Tune λ and the blend on a validation split (default true). */
  tune?: boolean;
  /** EASE λ values tried when tuning (default: the served procedure's). */
  lambdas?: number[];
  /** Movies need this many interactions to enter EASE (default 10). */
  minCount?: number;
  progress?: ProgressReporter;
  /** The stored interactions, when the caller has read them already. */
  interactions?: InteractionColumns;
}

/**
 * Every stored interaction as columns, with progress (no object per row is
 * kept): what precompute reads once for statistics and training.
 */
export async function readStoredInteractions(
  store: Store,
  progress: ProgressReporter = silentProgress,
): Promise<InteractionColumns> {
  const task = progress.task(
    "read interactions",
    await store.interactions.count(),
    "interactions",
  );
  const columns = await readInteractionColumns(store.interactions, {
    batchSize: 10_000,
    onPage: (rows) => task.advance(rows),
    // watchlists and hidden movies teach nothing
    keep: isTaste,
  });
  task.done();
  return columns;
}

/** A prefix on every line training logs, so the pipeline's output says who spoke. */
function prefixed(progress: ProgressReporter): ProgressReporter {
  return {
    log: (message) => progress.log(`train: ${message}`),
    task: (label, total, unit) => progress.task(`train: ${label}`, total, unit),
  };
}

/**
 * Trains the served models on the stored interactions and writes them to
 * `store.meta`; returns a one-line summary.
 *
 * @example
 * ```ts
 * const summary = await trainAndStore(store, { content: { model: "tfidf", matrix } });
 * console.log(summary); // "trained EASE (λ=500, 3650 movies, …"
 * ```
 */
export async function trainAndStore(
  store: Store,
  options: TrainOptions,
): Promise<string> {
  const started = performance.now();
  const progress = options.progress ?? silentProgress;
  const interactions = options.interactions ??
    await readStoredInteractions(store, progress);
  const models = trainServingModels(interactions, {
    content: options.content?.matrix ?? null,
    embeddingModel: options.content?.model ?? null,
    tune: options.tune,
    lambdas: options.lambdas,
    minCount: options.minCount,
    progress: prefixed(progress),
  });
  const { bytes } = await saveServingModels(store.meta, models);
  const { settings, ease } = models;
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  const tasks = settings.validationTasks;
  const validation = settings.validationNdcg == null
    ? ""
    : tasks
    ? `; validation NDCG@10 of the hybrid ${
      tasks.next.toFixed(4)
    } on the next movies, ${tasks.anyTime.toFixed(4)} on any time`
    : `; validation NDCG@10 of the hybrid ${
      settings.validationNdcg.toFixed(4)
    }`;
  const short = settings.short
    ? `; new users ${settings.short.validationNdcg.toFixed(4)} (${
      settings.short.longValidationNdcg.toFixed(4)
    } with the long-history settings)`
    : "";
  const onboarded = settings.short?.onboarded
    ? `; onboarded users ${
      settings.short.onboarded.validationNdcg.toFixed(4)
    } (${
      settings.short.onboarded.shortValidationNdcg.toFixed(4)
    } with the short-history settings)`
    : "";
  return `trained EASE (λ=${settings.lambda}, ${ease.items.length} movies), EASE-liked, item-kNN and sequence models (${
    (bytes / 1e6).toFixed(1)
  } MB) on ${interactions.size} interactions in ${seconds} s${validation}${short}${onboarded}`;
}
