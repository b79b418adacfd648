/**
 * The collaborative models the pipeline trains and the API serves, as blobs
 * in `store.meta`: the one place that knows their keys and how to load them.
 */
import { ContentRecommender } from "../core/recommenders/content.ts";
import { FallbackRecommender } from "../core/recommenders/fallback.ts";
import {
  HYBRID_DEFAULTS,
  type HybridParams,
  HybridRecommender,
} from "../core/recommenders/hybrid.ts";
import { HistoryLengthRouter } from "../core/recommenders/history_router.ts";
import {
  ItemItemModel,
  ItemItemRecommender,
} from "../core/models/item_item_model.ts";
import type { Recommender } from "../core/recommender.ts";
import { RatingTimeline } from "../core/models/timeline.ts";
import type { EmbeddingMatrix } from "../core/types.ts";
import type { Store } from "./types.ts";

/** store.meta blob keys of the trained models. */
export const MODEL_KEYS = {
  ease: "model:ease",
  liked: "model:ease-liked",
  itemknn: "model:itemknn",
  sequence: "model:sequence",
  timeline: "model:timeline",
  hybridParams: "model:hybrid-params",
} as const;

/** Settings for short histories (people who just signed up). */
export interface StoredShortHistory {
  params: HybridParams;
  /** Histories of at most this many movies get `params`. */
  maxHistory: number;
  /** Validation NDCG@10 on simulated new users: these settings, and the long-history ones. */
  validationNdcg: number;
  longValidationNdcg: number;
}

/** The stored hybrid settings (JSON in `model:hybrid-params`). */
export interface StoredHybrid {
  params: HybridParams;
  /** Absent when not tuned (or trained before short histories had their own). */
  short?: StoredShortHistory;
  /** Embedding model the hybrid's content part was tuned with. */
  embeddingModel: string | null;
  lambda: number;
}

/** The collaborative methods that need trained models. */
export type CollaborativeName = "hybrid" | "ease" | "itemknn";

const decoder = new TextDecoder();

/** Reads the stored hybrid settings, or null when nothing was trained. */
export async function storedHybrid(
  store: Store,
): Promise<StoredHybrid | null> {
  const bytes = await store.meta.getBlob(MODEL_KEYS.hybridParams);
  return bytes ? JSON.parse(decoder.decode(bytes)) as StoredHybrid : null;
}

/**
 * Loads a collaborative recommender from the store, using `content` (the
 * embedding matrix the caller already holds) for movies nobody rated.
 * Returns null when the models were never trained (or only in part).
 *
 * @example
 * ```ts
 * const recommender = await loadCollaborative(store, "hybrid", matrix);
 * recommender?.recommend(history, { limit: 20 });
 * ```
 */
export async function loadCollaborative(
  store: Store,
  name: CollaborativeName,
  content: EmbeddingMatrix | null,
): Promise<Recommender | null> {
  const hybrid = await storedHybrid(store);
  if (!hybrid) return null;
  const model = async (key: string) => {
    const bytes = await store.meta.getBlob(key);
    return bytes ? ItemItemModel.fromBytes(bytes) : null;
  };
  if (name !== "hybrid") {
    const primary = await model(MODEL_KEYS[name]);
    if (!primary) return null;
    return new FallbackRecommender(
      new ItemItemRecommender(primary),
      content ? new ContentRecommender(content) : null,
    );
  }
  const [ease, liked, itemknn, sequence, timelineBytes] = await Promise.all([
    model(MODEL_KEYS.ease),
    model(MODEL_KEYS.liked),
    model(MODEL_KEYS.itemknn),
    model(MODEL_KEYS.sequence),
    store.meta.getBlob(MODEL_KEYS.timeline),
  ]);
  if (!ease || !liked || !itemknn || !sequence || !timelineBytes) return null;
  const parts = {
    ease,
    liked,
    itemknn,
    sequence,
    timeline: RatingTimeline.fromBytes(timelineBytes),
    content,
  };
  const long = new HybridRecommender(parts, {
    ...HYBRID_DEFAULTS,
    ...hybrid.params,
  });
  if (!hybrid.short) return long;
  // Both share the models; each keeps only its own scoring buffers.
  const short = new HybridRecommender(parts, {
    ...HYBRID_DEFAULTS,
    ...hybrid.short.params,
  });
  return new HistoryLengthRouter(short, long, hybrid.short.maxHistory);
}
