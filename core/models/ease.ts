/**
 * EASE (Steck 2019): a closed-form linear item-to-item model,
 * B = I − P / diag(P) with P = (XᵀX + λI)⁻¹ and a zero diagonal, over the
 * items with at least `minCount` interactions (rarely rated items add cost
 * and noise, not accuracy), at most the `maxItems` most interacted with:
 * training inverts an items × items matrix, n³/2 multiply-adds and 8n²
 * bytes, so the cap bounds its cost on large catalogues, where the movies
 * left out are served by the hybrid's other parts (item-kNN, content).
 * Training belongs in the pipeline; serving only sums sparse rows.
 */
import { withDefaults } from "./options.ts";
import type { InteractionMatrix } from "./interaction_matrix.ts";
import { type ItemItemModel, sparsifyRows } from "./item_item_model.ts";
import { allocateSpdMatrix, spdInverse } from "./spd_inverse.ts";

/** Options of `trainEase`. */
export interface EaseOptions {
  /** L2 regularisation λ added to the Gram diagonal (default 500). */
  lambda?: number;
  /** Items need at least this many interactions to be modelled (default 10). */
  minCount?: number;
  /** Largest-magnitude weights kept per item row (default 200). */
  keep?: number;
  /**
   * At most this many items, the most interacted with (default 6000:
   * ml-latest-small has 2,269 items with 10 interactions, so the cap only
   * bites on larger releases).
   */
  maxItems?: number;
  /** Called with the share of the work done (0–1], for progress with ETA. */
  onProgress?: (done: number) => void;
}

/** Default EASE options, as tuned by `deno task eval` on ml-latest-small. */
export const EASE_DEFAULTS: Required<Omit<EaseOptions, "onProgress">> = {
  lambda: 500,
  minCount: 10,
  keep: 200,
  maxItems: 6000,
};

/**
 * Trains EASE on a binary interaction matrix.
 *
 * @example
 * ```ts
 * const model = trainEase(buildInteractionMatrix(ratings), { lambda: 300 });
 * new ItemItemRecommender(model).recommend(history, { limit: 10 });
 * ```
 */
export function trainEase(
  matrix: InteractionMatrix,
  options: EaseOptions = {},
): ItemItemModel {
  const { lambda, minCount, keep, maxItems } = withDefaults(
    EASE_DEFAULTS,
    options,
  );
  if (!(lambda > 0)) throw new Error(`Expected lambda > 0, found ${lambda}`);
  if (!(maxItems >= 1)) {
    throw new Error(`Expected maxItems ≥ 1, found ${maxItems}`);
  }
  const columns = modelledColumns(matrix, minCount, maxItems);
  const n = columns.length;
  const kept = new Int32Array(matrix.items.length).fill(-1);
  columns.forEach((c, k) => kept[c] = k);
  const ids = Int32Array.from(columns, (c) => matrix.items[c]);
  const progress = options.onProgress;
  // Shares of the time measured on ml-10m-shaped data: the Gram matrix
  // ~10%, the inverse ~85%, the sparse rows the rest.
  const gram = allocateSpdMatrix(n);
  accumulateGram(matrix, kept, gram, progress);
  for (let i = 0; i < n; i++) gram[i * n + i] += lambda;
  const p = spdInverse(gram, n, {
    onProgress: progress && ((done) => progress(0.1 + 0.85 * done)),
  });
  const diag = new Float64Array(n);
  for (let j = 0; j < n; j++) diag[j] = p[j * n + j];
  const model = sparsifyRows(
    { method: "ease", params: { lambda, minCount, keep, maxItems, items: n } },
    {
      items: ids,
      keep,
      fill: (i, out) => {
        const base = i * n;
        for (let j = 0; j < n; j++) {
          out[j] = j === i ? 0 : -p[base + j] / diag[j];
        }
      },
    },
  );
  progress?.(1);
  return model;
}

/**
 * The matrix columns EASE models, ascending: those with at least `minCount`
 * interactions, and of those the `maxItems` with the most (ties: the lower
 * column, so the choice does not depend on sort stability).
 */
function modelledColumns(
  matrix: InteractionMatrix,
  minCount: number,
  maxItems: number,
): number[] {
  const eligible: number[] = [];
  for (let c = 0; c < matrix.items.length; c++) {
    if (matrix.itemCounts[c] >= minCount) eligible.push(c);
  }
  if (eligible.length <= maxItems) return eligible;
  const counts = matrix.itemCounts;
  return eligible
    .sort((a, b) => counts[b] - counts[a] || a - b)
    .slice(0, maxItems)
    .sort((a, b) => a - b);
}

/**
 * The lower triangle of XᵀX over the kept columns, row by row: row k sums,
 * over the users of item k, their kept items up to k. Each row is written
 * while it sits in cache (scattering pairs user by user into a 100 MB
 * matrix was 5× slower on ml-10m-shaped data); Σ users' items² / 2 adds.
 */
function accumulateGram(
  matrix: InteractionMatrix,
  kept: Int32Array,
  gram: Float64Array,
  progress?: (done: number) => void,
): void {
  const n = Math.round(Math.sqrt(gram.length));
  const users = matrix.users.length;
  // Each user's kept items (ascending), and each kept item's users.
  const userStarts = new Int32Array(users + 1);
  const itemStarts = new Int32Array(n + 1);
  for (let u = 0; u < users; u++) {
    let length = 0;
    for (let p = matrix.userOffsets[u]; p < matrix.userOffsets[u + 1]; p++) {
      const k = kept[matrix.userItems[p]];
      if (k >= 0) {
        length++;
        itemStarts[k + 1]++;
      }
    }
    userStarts[u + 1] = userStarts[u] + length;
  }
  for (let k = 0; k < n; k++) itemStarts[k + 1] += itemStarts[k];
  const userItems = new Int32Array(userStarts[users]);
  const itemUsers = new Int32Array(userStarts[users]);
  const fill = itemStarts.slice(0, n);
  for (let u = 0, q = 0; u < users; u++) {
    for (let p = matrix.userOffsets[u]; p < matrix.userOffsets[u + 1]; p++) {
      const k = kept[matrix.userItems[p]];
      if (k < 0) continue;
      userItems[q++] = k;
      itemUsers[fill[k]++] = u;
    }
  }
  for (let k = 0; k < n; k++) {
    const row = k * n;
    for (let p = itemStarts[k]; p < itemStarts[k + 1]; p++) {
      const u = itemUsers[p];
      for (let q = userStarts[u]; q < userStarts[u + 1]; q++) {
        const j = userItems[q];
        if (j > k) break;
        gram[row + j] += 1;
      }
    }
    if (progress && (k & 255) === 255) progress((0.1 * k) / n);
  }
}
