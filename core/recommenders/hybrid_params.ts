/**
 * What the hybrid (hybrid.ts) is made of: its blend parameters with their
 * tuned defaults, the trained parts it blends, and the per-user component
 * scores that tuning reuses across blends.
 */
import type { ItemItemModel } from "../models/item_item_model.ts";
import type { RatingTimeline } from "../models/timeline.ts";
import type { ProfileWeight } from "../profile.ts";
import type { EmbeddingMatrix } from "../types.ts";

/** Blend weights and pivots; see the module comment for the formula. */
export interface HybridParams {
  easeWeight: number;
  likedWeight: number;
  knnWeight: number;
  contentWeight: number;
  popularityWeight: number;
  historyPivot: number;
  itemPivot: number;
  /** Recency half-life of collaborative history weights, in days (0: none). */
  halfLifeDays: number;
  /**
   * Per-position decay of the EASE / item-kNN history weights, newest
   * movie 1 (1: no decay); by position rather than clock since MovieLens
   * users rate in bursts.
   */
  historyDecay: number;
  /** Weight of the sequential part ("what people rated next"). */
  sequenceWeight: number;
  /** Per-position decay of the sequential part's history weights (last = 1). */
  sequenceDecay: number;
  trendWeight: number;
  trendDays: number;
  unreleasedWeight: number;
}

/** Defaults as tuned by `deno task eval` (temporal validation split). */
export const HYBRID_DEFAULTS: HybridParams = {
  easeWeight: 1,
  likedWeight: 2,
  knnWeight: 0.4,
  contentWeight: 0.4,
  popularityWeight: 0.1,
  historyPivot: 20,
  itemPivot: 1,
  halfLifeDays: 0,
  historyDecay: 0.85,
  sequenceWeight: 2,
  sequenceDecay: 0.75,
  trendWeight: 0.1,
  trendDays: 30,
  unreleasedWeight: 0.5,
};

/** What the hybrid is built from; every part is optional except counts. */
export interface HybridParts {
  ease?: ItemItemModel | null;
  /** EASE trained on high ratings only. */
  liked?: ItemItemModel | null;
  itemknn?: ItemItemModel | null;
  /** Sequential co-occurrence (core/models/sequence.ts). */
  sequence?: ItemItemModel | null;
  content?: EmbeddingMatrix | null;
  /** When each movie was rated in training: counts, popularity and trends. */
  timeline: RatingTimeline;
}

/** Per-user component scores over the catalogue (null: part absent or silent). */
export interface HybridComponents {
  ease: Float32Array | null;
  liked: Float32Array | null;
  knn: Float32Array | null;
  sequence: Float32Array | null;
  content: Float32Array | null;
  /** Number of history movies the collaborative models know. */
  collaborativeHistory: number;
  /** 1 at the catalogue indices of the user's history (never recommended). */
  seen: Uint8Array;
  /** log-count popularity up to the reference time, max 1. */
  popularity: Float32Array;
  /** log-count popularity in the trend window, max 1. */
  trend: Float32Array;
  /** 1 for movies others rated only after the reference time. */
  unreleased: Uint8Array;
  collaborativeWeights: ProfileWeight[];
  /** `collaborativeWeights` of liked movies only, for the liked model. */
  likedWeights: ProfileWeight[];
  sequenceWeights: ProfileWeight[];
  contentWeights: ProfileWeight[];
}
