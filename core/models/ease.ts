/**
 * EASE (Steck 2019): a closed-form linear item-to-item model,
 * B = I − P / diag(P) with P = (XᵀX + λI)⁻¹ and a zero diagonal, over the
 * items with at least `minCount` interactions (rarely rated items add cost
 * and noise, not accuracy). Training inverts an items × items matrix, so it
 * belongs in the pipeline; serving only sums sparse rows.
 */
import { withDefaults } from "./options.ts";
import type { InteractionMatrix } from "./interaction_matrix.ts";
import { type ItemItemModel, sparsifyRows } from "./item_item_model.ts";
import { spdInverse } from "./linalg.ts";

/** Options of `trainEase`. */
export interface EaseOptions {
  /** L2 regularisation λ added to the Gram diagonal (default 500). */
  lambda?: number;
  /** Items need at least this many interactions to be modelled (default 10). */
  minCount?: number;
  /** Largest-magnitude weights kept per item row (default 200). */
  keep?: number;
}

/** Default EASE options, as tuned by `deno task eval` on ml-latest-small. */
export const EASE_DEFAULTS: Required<EaseOptions> = {
  lambda: 500,
  minCount: 10,
  keep: 200,
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
  const { lambda, minCount, keep } = withDefaults(EASE_DEFAULTS, options);
  if (!(lambda > 0)) throw new Error(`Expected lambda > 0, found ${lambda}`);
  // Map matrix columns to the kept items.
  const kept = new Int32Array(matrix.items.length).fill(-1);
  const ids: number[] = [];
  for (let c = 0; c < matrix.items.length; c++) {
    if (matrix.itemCounts[c] >= minCount) {
      kept[c] = ids.length;
      ids.push(matrix.items[c]);
    }
  }
  const n = ids.length;
  const gram = new Float64Array(n * n);
  const row: number[] = [];
  for (let u = 0; u < matrix.users.length; u++) {
    row.length = 0;
    for (let p = matrix.userOffsets[u]; p < matrix.userOffsets[u + 1]; p++) {
      const k = kept[matrix.userItems[p]];
      if (k >= 0) row.push(k);
    }
    // Upper triangle only; mirrored below.
    for (let a = 0; a < row.length; a++) {
      const base = row[a] * n;
      for (let b = a; b < row.length; b++) gram[base + row[b]] += 1;
    }
  }
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) gram[j * n + i] = gram[i * n + j];
    gram[i * n + i] += lambda;
  }
  const p = spdInverse(gram, n);
  const diag = new Float64Array(n);
  for (let j = 0; j < n; j++) diag[j] = p[j * n + j];
  return sparsifyRows(
    { method: "ease", params: { lambda, minCount, keep, items: n } },
    Int32Array.from(ids),
    (i, out) => {
      const base = i * n;
      for (let j = 0; j < n; j++) {
        out[j] = j === i ? 0 : -p[base + j] / diag[j];
      }
    },
    keep,
  );
}
