/**
 * Every stored interaction as typed columns (core/models/interaction_columns.ts),
 * for training at scale: read through the adapters' paged `scan` (SQLite
 * keyset pages, MongoDB cursor pages), each page appended to growing typed
 * arrays and dropped, so memory holds 21 bytes a row rather than an object
 * of ~100 for each of ml-10m's 10 million ratings. Written once against the
 * `InteractionStore` contract, so every adapter reads the same way.
 * @module
 */
import {
  type InteractionColumns,
  InteractionColumnsBuilder,
} from "../core/models/interaction_columns.ts";
import type { Interaction } from "../core/types.ts";
import { defaultScanBatchSize } from "./movie_query.ts";
import type { InteractionStore } from "./types.ts";

/** Options of `readInteractionColumns`. */
export interface ReadInteractionColumnsOptions {
  /** Rows per page (default: the store's scan batch). */
  batchSize?: number;
  /** Called after each page with how many rows it held (for progress). */
  onPage?: (rows: number) => void;
  /** Keeps only the rows this accepts (default: every row). */
  keep?: (row: Interaction) => boolean;
}

/**
 * Reads every interaction into columns, in scan order (by user, then movie).
 *
 * @example
 * ```ts
 * const columns = await readInteractionColumns(store.interactions);
 * columns.size === await store.interactions.count(); // true
 * ```
 */
export async function readInteractionColumns(
  interactions: InteractionStore,
  options: ReadInteractionColumnsOptions = {},
): Promise<InteractionColumns> {
  const builder = new InteractionColumnsBuilder();
  const pages = interactions.scan(options.batchSize ?? defaultScanBatchSize);
  for await (const page of pages) {
    builder.pushAll(options.keep ? page.filter(options.keep) : page);
    options.onPage?.(page.length);
  }
  return builder.finish();
}
