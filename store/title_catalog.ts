/**
 * A store's title index, kept current (see `TitleCatalog`).
 * @module
 */
import {
  TitleIndex,
  type TitleRow,
  type TitleSearchResult,
} from "./title_search.ts";

/** Options of `TitleCatalog`. */
export interface TitleCatalogOptions {
  /**
   * After this long an index is rebuilt in the background (searches keep
   * using the old one meanwhile), so that another process's writes show up.
   * Default 5 minutes.
   */
  maxAgeMs?: number;
  /** Clock in ms (tests). */
  now?: () => number;
}

/**
 * A store's title index, kept current: built from `load` on first use,
 * rebuilt in the background once older than `maxAgeMs`, and at once after
 * `invalidate` (the store's own writes).
 *
 * @example
 * const titles = new TitleCatalog(() => readTitleRows(db));
 * const { matches } = await titles.search("the matrix");
 */
export class TitleCatalog {
  readonly #load: () => Promise<TitleRow[]>;
  readonly #maxAgeMs: number;
  readonly #now: () => number;
  #current: Promise<TitleIndex> | null = null;
  #builtAt = 0;
  #refreshing = false;

  constructor(
    load: () => Promise<TitleRow[]>,
    options: TitleCatalogOptions = {},
  ) {
    this.#load = load;
    this.#maxAgeMs = options.maxAgeMs ?? 5 * 60_000;
    this.#now = options.now ?? Date.now;
  }

  /** Searches the current index (see `TitleIndex.search`). */
  async search(query: string): Promise<TitleSearchResult> {
    return (await this.#index()).search(query);
  }

  /** Builds the index unless there is one. */
  async prepare(): Promise<void> {
    await this.#index();
  }

  /** Drops the index: the next search builds a new one first. */
  invalidate(): void {
    this.#current = null;
  }

  #index(): Promise<TitleIndex> {
    if (!this.#current) {
      this.#current = this.#build();
      // A failed build is retried by the next search.
      this.#current.catch(() => (this.#current = null));
    } else if (
      this.#now() - this.#builtAt > this.#maxAgeMs && !this.#refreshing
    ) {
      this.#refreshing = true;
      const fresh = this.#build();
      fresh.then(
        () => (this.#current = fresh),
        () => {}, // keep the old index; the next search tries again
      ).finally(() => (this.#refreshing = false));
    }
    return this.#current;
  }

  async #build(): Promise<TitleIndex> {
    const startedAt = this.#now();
    const index = new TitleIndex(await this.#load());
    this.#builtAt = startedAt;
    return index;
  }
}
