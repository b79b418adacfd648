/**
 * Sequential co-occurrence ("what people rated next"): W[i][j] counts how
 * often other users rated j within `window` positions after i in their
 * own time-ordered history, each pair weighted 1 / distance, then
 * normalised like cosine with shrinkage:
 *
 *   W[i][j] = Σ_u Σ_{pairs i → j in u, d ≤ window} (1 / d) / (√(nᵢ nⱼ) + shrink)
 *
 * A user's score for j sums W[h][j] over history movies h weighted by how
 * recent h is in the user's own order (`sequenceWeights`): predicting what
 * a user rates next is mostly about what they rated last. Same sparse
 * `ItemItemModel` as EASE and item-kNN, so it serialises and explains alike.
 */
import { withDefaults } from "./options.ts";
import type { ProfileWeight } from "../profile.ts";
import { type ItemItemModel, sparsifyRows } from "./item_item_model.ts";
import type { Interaction } from "../types.ts";

/** Options of `trainSequence`. */
export interface SequenceOptions {
  /** Pairs up to this many positions apart count (default 20). */
  window?: number;
  /** Shrinkage added to the cosine denominator (default 10). */
  shrink?: number;
  /** Largest weights kept per movie (default 200). */
  neighbours?: number;
  /** Count pairs both ways (i → j and j → i), for non-sequential use (default false). */
  symmetric?: boolean;
}

/** Default sequence options (tuned on ml-latest-small temporal validation). */
export const SEQUENCE_DEFAULTS: Required<SequenceOptions> = {
  window: 20,
  shrink: 10,
  neighbours: 200,
  symmetric: false,
};

/**
 * Each user's movies in the order they were first interacted with (ties in
 * time broken by movie id, as the temporal split does); dislikes skipped.
 */
export function timeOrdered(history: Iterable<Interaction>): number[] {
  const first = new Map<number, number>();
  for (const i of history) {
    if (i.type === "dislike") continue;
    const t = first.get(i.movieId);
    if (t === undefined || i.timestamp < t) first.set(i.movieId, i.timestamp);
  }
  return [...first].sort((a, b) => a[1] - b[1] || a[0] - b[0]).map((e) => e[0]);
}

/**
 * Trains the sequential model from interactions of many users.
 *
 * @example
 * ```ts
 * const model = trainSequence(ratings, { window: 20 });
 * model.scoreInto(sequenceWeights(history, 0.9), scores);
 * ```
 */
export function trainSequence(
  interactions: Iterable<Interaction>,
  options: SequenceOptions = {},
): ItemItemModel {
  const { window, shrink, neighbours, symmetric } = withDefaults(
    SEQUENCE_DEFAULTS,
    options,
  );
  if (!(window >= 1)) throw new Error(`Expected window ≥ 1, found ${window}`);
  const byUser = new Map<string, Interaction[]>();
  for (const r of interactions) {
    let list = byUser.get(r.userId);
    if (!list) byUser.set(r.userId, list = []);
    list.push(r);
  }
  const sequences = [...byUser.values()].map(timeOrdered);
  const ids = new Set<number>();
  for (const s of sequences) for (const id of s) ids.add(id);
  const items = Int32Array.from(ids).sort();
  const index = new Map<number, number>();
  items.forEach((id, i) => index.set(id, i));
  const n = items.length;
  // Concatenated sequences; `ends[p]` is where position p's sequence ends.
  const total = sequences.reduce((a, s) => a + s.length, 0);
  const order = new Int32Array(total);
  const starts = new Int32Array(total);
  const ends = new Int32Array(total);
  const counts = new Float64Array(n);
  let p = 0;
  for (const s of sequences) {
    const start = p;
    for (const id of s) {
      const i = index.get(id)!;
      order[p] = i;
      starts[p] = start;
      ends[p] = start + s.length;
      counts[i]++;
      p++;
    }
  }
  // Positions of each item.
  const itemOffsets = new Int32Array(n + 1);
  for (let q = 0; q < total; q++) itemOffsets[order[q] + 1]++;
  for (let i = 0; i < n; i++) itemOffsets[i + 1] += itemOffsets[i];
  const positions = new Int32Array(total);
  const fill = itemOffsets.slice(0, n);
  for (let q = 0; q < total; q++) positions[fill[order[q]]++] = q;
  return sparsifyRows(
    {
      method: "sequence",
      params: { window, shrink, neighbours, symmetric: symmetric ? 1 : 0 },
    },
    items,
    (i, out) => {
      for (let o = itemOffsets[i]; o < itemOffsets[i + 1]; o++) {
        const at = positions[o];
        const last = Math.min(ends[at], at + 1 + window);
        for (let q = at + 1; q < last; q++) out[order[q]] += 1 / (q - at);
        if (symmetric) {
          const first = Math.max(starts[at], at - window);
          for (let q = first; q < at; q++) out[order[q]] += 1 / (at - q);
        }
      }
      for (let j = 0; j < n; j++) {
        if (out[j] !== 0) out[j] /= Math.sqrt(counts[i] * counts[j]) + shrink;
      }
    },
    neighbours,
  );
}

/**
 * History weights for sequential scoring: the most recent movie weighs 1,
 * the one before `decay`, then decay², … (by position, not by clock, since
 * MovieLens users rate in bursts). Dislikes weigh 0.
 *
 * @example
 * ```ts
 * sequenceWeights(history, 0.9); // last movie 1, previous 0.9, …
 * ```
 */
export function sequenceWeights(
  history: Interaction[],
  decay: number,
): ProfileWeight[] {
  const ordered = timeOrdered(history);
  const disliked = new Set(
    history.filter((i) => i.type === "dislike").map((i) => i.movieId),
  );
  const typeOf = new Map<number, Interaction["type"]>();
  for (const i of history) {
    if (i.type === "like" || !typeOf.has(i.movieId)) {
      typeOf.set(i.movieId, i.type);
    }
  }
  return ordered.map((movieId, p) => ({
    movieId,
    weight: disliked.has(movieId) ? 0 : Math.pow(decay, ordered.length - 1 - p),
    type: typeOf.get(movieId)!,
  }));
}
