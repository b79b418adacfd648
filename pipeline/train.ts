/**
 * Collaborative training for serving: reads the stored interactions and
 * embeddings, trains EASE, item-kNN and the sequential model (tuning λ and the hybrid's blend on a
 * temporal validation split of the data), and writes the models to
 * `store.meta` blobs that the API loads with `loadCollaborative` (store/models.ts).
 */
import { ContentRecommender } from "../core/recommenders/content.ts";
import { EASE_DEFAULTS, trainEase } from "../core/models/ease.ts";
import {
  HYBRID_DEFAULTS,
  type HybridParams,
  type HybridParts,
} from "../core/recommenders/hybrid.ts";
import {
  DEFAULT_HYBRID_GRID,
  type HybridGrid,
  tuneHybrid,
} from "../core/training/hybrid_tune.ts";
import { learnHybridBlend } from "../tools/eval/learned_blend/fit.ts";
import { buildInteractionMatrix } from "../core/models/interaction_matrix.ts";
import {
  ItemItemModel,
  ItemItemRecommender,
  LIKED_RATING,
} from "../core/models/item_item_model.ts";
import { trainItemKnn } from "../core/models/item_knn.ts";
import { ndcgAtK } from "../core/metrics.ts";
import { coldStartRecommender } from "../core/recommenders/popular.ts";
import type { Recommender } from "../core/recommender.ts";
import { temporalSplit } from "../core/training/split.ts";
import { RatingTimeline } from "../core/models/timeline.ts";
import { trainSequence } from "../core/models/sequence.ts";
import type { EmbeddingMatrix, Interaction } from "../core/types.ts";
import type { Store } from "../store/types.ts";
import {
  loadCollaborative,
  MODEL_KEYS,
  type StoredHybrid,
  storedHybrid,
  type StoredShortHistory,
} from "../store/models.ts";
import { type ProgressReporter, silentProgress } from "./progress.ts";
import {
  tuneShortHistory,
  validationUsersOf,
} from "../core/training/validation.ts";
import { SHORT_HISTORY } from "../core/recommenders/history_router.ts";

export { MODEL_KEYS };

/** Names `loadServingRecommender` accepts (the RECOMMENDER setting). */
export type ServingRecommenderName =
  | "hybrid"
  | "ease"
  | "itemknn"
  | "content"
  | "popular";

/** Options of `trainCollaborative`. */
export interface CollaborativeOptions {
  /**
   * Embedding model the hybrid's content part reads (same name and values
   * as the EMBEDDER setting, so the pipeline can pass its config); when
   * that model has no stored rows, "tfidf" is tried, then none.
   */
  EMBEDDER?: string;
  /**
   * EASE λ values tried on the validation split (default [500], what
   * `deno task eval` chose under both protocols; each extra value costs an
   * EASE training).
   */
  lambdas?: number[];
  /** Tune λ and the blend on a validation split (default true); else use the defaults. */
  tune?: boolean;
  /** Movies need this many interactions to enter EASE (default 10). */
  minCount?: number;
  /**
   * With `tune`, also fit the learned blend (tools/eval/learned_blend/model.ts) and keep
   * it when cross-validation prefers it (default true).
   */
  learn?: boolean;
}

/** What `trainCollaborative` did, for the pipeline summary. */
export interface CollaborativeSummary {
  interactions: number;
  users: number;
  easeItems: number;
  lambda: number;
  embeddingModel: string | null;
  params: HybridParams;
  validationNdcg: number | null;
  /** Short-history settings, when tuned. */
  short: StoredShortHistory | null;
  easeBytes: number;
  itemknnBytes: number;
  ms: number;
  toString(): string;
}

/**
 * The evaluation's grid with the sequence decay fixed at its default (what
 * the evaluation's temporal validation chose): each decay value recomputes
 * every validation user's components, and this keeps training near a minute.
 */
const PIPELINE_GRID: HybridGrid = {
  ...DEFAULT_HYBRID_GRID,
  sequenceDecay: [HYBRID_DEFAULTS.sequenceDecay],
};

const encoder = new TextEncoder();

async function readInteractions(store: Store): Promise<Interaction[]> {
  const rows: Interaction[] = [];
  for await (const batch of store.interactions.scan(10_000)) {
    for (const row of batch) rows.push(row);
  }
  return rows;
}

async function loadEmbeddings(
  store: Store,
  preferred: string | undefined,
): Promise<{ model: string; matrix: EmbeddingMatrix } | null> {
  for (const model of [preferred, "tfidf"]) {
    if (!model) continue;
    const matrix = await store.embeddings.load(model);
    if (matrix && matrix.ids.length > 0) return { model, matrix };
  }
  return null;
}

/**
 * Trains the serving models from `store` and writes them to `store.meta`.
 * With `tune`, the last 5 interactions of each user with ≥ 10 form a
 * validation split (what serving faces: predicting what comes next) on
 * which λ and the hybrid weights are chosen; the final models are then
 * trained on everything.
 *
 * @example
 * ```ts
 * const summary = await trainCollaborative(store, { EMBEDDER: "tfidf" });
 * console.log(String(summary));
 * ```
 */
export async function trainCollaborative(
  store: Store,
  options: CollaborativeOptions = {},
  progress: ProgressReporter = silentProgress,
): Promise<CollaborativeSummary> {
  const started = performance.now();
  const interactions = await readInteractions(store);
  const ratings = interactions.filter((r) => r.type !== "dislike");
  if (ratings.length === 0) {
    throw new Error(
      "Cannot train collaborative models: expected stored interactions, found none (run the load step first)",
    );
  }
  const embedded = await loadEmbeddings(store, options.EMBEDDER);
  const minCount = options.minCount ?? EASE_DEFAULTS.minCount;
  let lambda = EASE_DEFAULTS.lambda;
  let params = HYBRID_DEFAULTS;
  let validationNdcg: number | null = null;
  let short: StoredShortHistory | undefined;
  if (options.tune ?? true) {
    const split = temporalSplit(ratings, { holdout: 5 });
    const users = validationUsersOf(split);
    const matrix = buildInteractionMatrix(split.train);
    let best: { ndcg: number; model: ItemItemModel | null } = {
      ndcg: -1,
      model: null,
    };
    for (const candidate of options.lambdas ?? [500]) {
      const model = trainEase(matrix, { lambda: candidate, minCount });
      const recommender = new ItemItemRecommender(model);
      let sum = 0;
      for (const u of users) {
        const ranked = recommender.recommend(u.history, { limit: 10 })
          .map((r) => r.movieId);
        sum += ndcgAtK(ranked, u.relevant, 10);
      }
      const ndcg = users.length ? sum / users.length : 0;
      progress.log(
        `collaborative: validation EASE λ=${candidate} NDCG@10 ${
          ndcg.toFixed(4)
        }`,
      );
      if (ndcg > best.ndcg) {
        best = { ndcg, model };
        lambda = candidate;
      }
    }
    const parts: HybridParts = {
      ease: best.model,
      liked: trainEase(
        buildInteractionMatrix(split.train, { minRating: LIKED_RATING }),
        { lambda, minCount },
      ),
      itemknn: trainItemKnn(matrix),
      sequence: trainSequence(split.train),
      content: embedded?.matrix ?? null,
      timeline: RatingTimeline.fromInteractions(split.train),
    };
    const task = progress.task("collaborative: tune hybrid", 0, "trials");
    const tuned = tuneHybrid(parts, HYBRID_DEFAULTS, users, {
      grid: PIPELINE_GRID,
      onTrial: () => task.advance(1),
    });
    task.done();
    params = tuned.params;
    validationNdcg = tuned.ndcg;
    if (options.learn ?? true) {
      const fit = learnHybridBlend(parts, params, users, {
        log: (line) => progress.log(`collaborative:${line}`),
      });
      params = { ...params, learned: fit.learned };
      if (fit.learned) validationNdcg = fit.learnedNdcg;
    }
    const shortTask = progress.task(
      "collaborative: tune short histories",
      0,
      "trials",
    );
    const tunedShort = tuneShortHistory(ratings, {
      long: params,
      lambda,
      minCount,
      content: embedded?.matrix ?? null,
      grid: PIPELINE_GRID,
      seed: 1,
      onTrial: () => shortTask.advance(1),
    });
    shortTask.done();
    if (tunedShort) {
      short = {
        params: tunedShort.params,
        maxHistory: SHORT_HISTORY,
        validationNdcg: tunedShort.validationNdcg,
        longValidationNdcg: tunedShort.longValidationNdcg,
      };
      progress.log(
        `collaborative: short histories (≤ ${SHORT_HISTORY} movies): validation NDCG@10 ${
          tunedShort.validationNdcg.toFixed(4)
        } on ${tunedShort.users} simulated new users, ${
          tunedShort.longValidationNdcg.toFixed(4)
        } with the long-history settings`,
      );
    }
  }
  const matrix = buildInteractionMatrix(ratings);
  const ease = trainEase(matrix, { lambda, minCount });
  const liked = trainEase(
    buildInteractionMatrix(ratings, { minRating: LIKED_RATING }),
    { lambda, minCount },
  );
  const itemknn = trainItemKnn(matrix);
  const sequence = trainSequence(ratings);
  const timeline = RatingTimeline.fromInteractions(ratings);
  const easeBytes = ease.toBytes();
  const itemknnBytes = itemknn.toBytes();
  const stored: StoredHybrid = {
    params,
    short,
    embeddingModel: embedded?.model ?? null,
    lambda,
  };
  await store.meta.setBlob(MODEL_KEYS.ease, easeBytes);
  await store.meta.setBlob(MODEL_KEYS.liked, liked.toBytes());
  await store.meta.setBlob(MODEL_KEYS.itemknn, itemknnBytes);
  await store.meta.setBlob(MODEL_KEYS.sequence, sequence.toBytes());
  await store.meta.setBlob(MODEL_KEYS.timeline, timeline.toBytes());
  await store.meta.setBlob(
    MODEL_KEYS.hybridParams,
    encoder.encode(JSON.stringify(stored)),
  );
  const ms = performance.now() - started;
  const summary = {
    interactions: ratings.length,
    users: matrix.users.length,
    easeItems: ease.items.length,
    lambda,
    embeddingModel: embedded?.model ?? null,
    params,
    validationNdcg,
    short: short ?? null,
    easeBytes: easeBytes.length,
    itemknnBytes: itemknnBytes.length,
    ms,
  };
  return {
    ...summary,
    toString: () =>
      `trained EASE (λ=${lambda}, ${ease.items.length} movies, ${
        (easeBytes.length / 1e6).toFixed(1)
      } MB) and item-kNN (${
        (itemknnBytes.length / 1e6).toFixed(1)
      } MB) on ${ratings.length} interactions of ${matrix.users.length} users in ${
        (ms / 1000).toFixed(1)
      } s` +
      (validationNdcg === null
        ? ""
        : `; validation NDCG@10 of the hybrid ${validationNdcg.toFixed(4)}${
          params.learned ? " (learned blend, cross-validated)" : ""
        }`) +
      (short
        ? `; new users ${short.validationNdcg.toFixed(4)} (${
          short.longValidationNdcg.toFixed(4)
        } with the long-history settings)`
        : ""),
  };
}

async function contentRecommender(
  store: Store,
  model: string | null,
): Promise<ContentRecommender | null> {
  const found = await loadEmbeddings(store, model ?? undefined);
  return found ? new ContentRecommender(found.matrix) : null;
}

/**
 * Builds a recommender from what the pipeline stored, as the API does
 * (`loadCollaborative`), loading the embeddings itself: "hybrid", "ease" or
 * "itemknn" (each falling back to content for movies nobody rated),
 * "content" or "popular". Throws naming what is missing.
 *
 * @example
 * ```ts
 * const recommender = await loadServingRecommender(store, "hybrid");
 * recommender.recommend(history, { limit: 20 });
 * ```
 */
export async function loadServingRecommender(
  store: Store,
  name: ServingRecommenderName,
): Promise<Recommender> {
  if (name === "popular") {
    const movies = await store.movies.getMany(await store.movies.ids());
    // The API's cold start: see coldStartRecommender.
    return coldStartRecommender(
      movies.map((m) => ({ ...m, movieId: m.id })),
    );
  }
  const model = name === "content"
    ? null
    : (await storedHybrid(store))?.embeddingModel ?? null;
  const content = await contentRecommender(store, model);
  if (name === "content") {
    if (!content) {
      throw new Error(
        "Cannot serve content recommendations: expected stored embeddings, found none (run `deno task pipeline`)",
      );
    }
    return content;
  }
  const recommender = await loadCollaborative(
    store,
    name,
    content?.matrix ?? null,
  );
  if (!recommender) {
    throw new Error(
      `Cannot load the collaborative model "${name}": expected blobs ${
        Object.values(MODEL_KEYS).join(", ")
      } in the store, found none or only some (run \`deno task pipeline\` to train them)`,
    );
  }
  return recommender;
}
