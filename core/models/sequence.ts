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
import {
  distinctSorted,
  type InteractionColumns,
  interactionColumns,
  isInteractionColumns,
  movieIndexLookup,
  rowsByUser,
  TYPE_CODE,
} from "./interaction_columns.ts";

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
 * time broken by movie id, as the temporal split does); dislikes and skips
 * left out.
 */
export function timeOrdered(history: Iterable<Interaction>): number[] {
  const first = new Map<number, number>();
  for (const i of history) {
    if (i.type === "dislike" || i.type === "skip") continue;
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
  interactions: Iterable<Interaction> | InteractionColumns,
  options: SequenceOptions = {},
): ItemItemModel {
  const { window, shrink, neighbours, symmetric } = withDefaults(
    SEQUENCE_DEFAULTS,
    options,
  );
  if (!(window >= 1)) throw new Error(`Expected window ≥ 1, found ${window}`);
  const columns = isInteractionColumns(interactions)
    ? interactions
    : interactionColumns(interactions);
  // Concatenated sequences of movie ids; `starts[u]` is where user u's begins.
  const { movies: sequenceMovies, starts: userStarts } = timeOrderedSequences(
    columns,
  );
  const total = sequenceMovies.length;
  const items = distinctSorted(sequenceMovies);
  const index = movieIndexLookup(items);
  const n = items.length;
  // `ends[p]` is where position p's sequence ends, `starts[p]` where it begins.
  const order = new Int32Array(total);
  const starts = new Int32Array(total);
  const ends = new Int32Array(total);
  const counts = new Float64Array(n);
  for (let u = 0; u + 1 < userStarts.length; u++) {
    for (let p = userStarts[u]; p < userStarts[u + 1]; p++) {
      const i = index(sequenceMovies[p]);
      order[p] = i;
      starts[p] = userStarts[u];
      ends[p] = userStarts[u + 1];
      counts[i]++;
    }
  }
  // Positions of each item.
  const itemOffsets = new Int32Array(n + 1);
  for (let q = 0; q < total; q++) itemOffsets[order[q] + 1]++;
  for (let i = 0; i < n; i++) itemOffsets[i + 1] += itemOffsets[i];
  const positions = new Int32Array(total);
  const fill = itemOffsets.slice(0, n);
  for (let q = 0; q < total; q++) positions[fill[order[q]]++] = q;
  // Targets a row touched (`mark[j] === row + 1`), so only they are scaled.
  const mark = new Int32Array(n);
  const touched = new Int32Array(n);
  return sparsifyRows(
    {
      method: "sequence",
      params: { window, shrink, neighbours, symmetric: symmetric ? 1 : 0 },
    },
    {
      items,
      keep: neighbours,
      fill: (i, out) => {
        let seen = 0;
        const add = (j: number, weight: number) => {
          if (mark[j] !== i + 1) {
            mark[j] = i + 1;
            touched[seen++] = j;
          }
          out[j] += weight;
        };
        for (let o = itemOffsets[i]; o < itemOffsets[i + 1]; o++) {
          const at = positions[o];
          const last = Math.min(ends[at], at + 1 + window);
          for (let q = at + 1; q < last; q++) add(order[q], 1 / (q - at));
          if (symmetric) {
            const first = Math.max(starts[at], at - window);
            for (let q = first; q < at; q++) add(order[q], 1 / (at - q));
          }
        }
        for (let t = 0; t < seen; t++) {
          const j = touched[t];
          out[j] /= Math.sqrt(counts[i] * counts[j]) + shrink;
        }
        return touched.subarray(0, seen);
      },
    },
  );
}

/**
 * Every user's `timeOrdered` movies, concatenated in user order (users as
 * the columns index them), without an object per interaction.
 */
function timeOrderedSequences(
  columns: InteractionColumns,
): { movies: Int32Array; starts: Int32Array } {
  const { movies, types, timestamps } = columns;
  const byUser = rowsByUser(columns);
  const users = byUser.offsets.length - 1;
  const out = new Int32Array(columns.size);
  const starts = new Int32Array(users + 1);
  let length = 0;
  const rows: number[] = [];
  for (let u = 0; u < users; u++) {
    rows.length = 0;
    for (let p = byUser.offsets[u]; p < byUser.offsets[u + 1]; p++) {
      const r = byUser.rows[p];
      if (types[r] !== TYPE_CODE.dislike && types[r] !== TYPE_CODE.skip) {
        rows.push(r);
      }
    }
    // First time of each movie, then ordered by (time, movie).
    rows.sort((a, b) => movies[a] - movies[b] || timestamps[a] - timestamps[b]);
    let distinct = 0;
    for (let k = 0; k < rows.length; k++) {
      if (k === 0 || movies[rows[k]] !== movies[rows[k - 1]]) {
        rows[distinct++] = rows[k];
      }
    }
    rows.length = distinct;
    rows.sort((a, b) => timestamps[a] - timestamps[b] || movies[a] - movies[b]);
    for (const r of rows) out[length++] = movies[r];
    starts[u + 1] = length;
  }
  return { movies: out.slice(0, length), starts };
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
