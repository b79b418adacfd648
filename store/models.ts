/**
 * The served models as blobs in `store.meta`: the one place that knows their
 * keys and byte formats. Training writes them (pipeline/train.ts); serving
 * reads them (serving/recommender.ts).
 */
import { ItemItemModel } from "../core/models/item_item_model.ts";
import { RatingTimeline } from "../core/models/timeline.ts";
import type {
  HybridSettings,
  ServingModels,
} from "../core/training/serving_models.ts";
import type { MetaStore } from "./types.ts";

/** store.meta blob keys of the trained models. */
export const MODEL_KEYS = {
  ease: "model:ease",
  liked: "model:ease-liked",
  itemknn: "model:itemknn",
  sequence: "model:sequence",
  timeline: "model:timeline",
  hybridSettings: "model:hybrid-params",
} as const;

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * Writes every model, the settings last: a reader that finds the settings
 * finds models at least as new (a crash in between leaves the previous
 * settings with some newer models, which serving still loads).
 *
 * @example
 * ```ts
 * await saveServingModels(store.meta, trainServingModels(ratings, options));
 * ```
 */
export async function saveServingModels(
  meta: MetaStore,
  models: ServingModels,
): Promise<{ bytes: number }> {
  const blobs: [string, Uint8Array][] = [
    [MODEL_KEYS.ease, models.ease.toBytes()],
    [MODEL_KEYS.liked, models.liked.toBytes()],
    [MODEL_KEYS.itemknn, models.itemknn.toBytes()],
    [MODEL_KEYS.sequence, models.sequence.toBytes()],
    [MODEL_KEYS.timeline, models.timeline.toBytes()],
    [
      MODEL_KEYS.hybridSettings,
      encoder.encode(JSON.stringify(models.settings)),
    ],
  ];
  let bytes = 0;
  for (const [key, value] of blobs) {
    await meta.setBlob(key, value);
    bytes += value.byteLength;
  }
  return { bytes };
}

/** The stored hybrid settings, or null when nothing was trained. */
export async function loadHybridSettings(
  meta: MetaStore,
): Promise<HybridSettings | null> {
  const bytes = await meta.getBlob(MODEL_KEYS.hybridSettings);
  return bytes ? JSON.parse(decoder.decode(bytes)) as HybridSettings : null;
}

/**
 * Every served model, or null when training never ran (or only in part).
 *
 * @example
 * ```ts
 * const models = await loadServingModels(store.meta);
 * models?.settings.params;
 * ```
 */
export async function loadServingModels(
  meta: MetaStore,
): Promise<ServingModels | null> {
  const settings = await loadHybridSettings(meta);
  if (!settings) return null;
  const [ease, liked, itemknn, sequence, timeline] = await Promise.all(
    [
      MODEL_KEYS.ease,
      MODEL_KEYS.liked,
      MODEL_KEYS.itemknn,
      MODEL_KEYS.sequence,
      MODEL_KEYS.timeline,
    ].map((key) => meta.getBlob(key)),
  );
  if (!ease || !liked || !itemknn || !sequence || !timeline) return null;
  return {
    ease: ItemItemModel.fromBytes(ease),
    liked: ItemItemModel.fromBytes(liked),
    itemknn: ItemItemModel.fromBytes(itemknn),
    sequence: ItemItemModel.fromBytes(sequence),
    timeline: RatingTimeline.fromBytes(timeline),
    settings,
  };
}
