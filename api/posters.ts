/**
 * Poster paths on the movies the API returns. The posters step stores them
 * (store/posters.ts) and may run again while the API serves (a scheduled
 * pipeline job), so the API re-reads them when the store's version token
 * changed, looked at most once per refresh interval: new posters show
 * without a restart. Posters are decoration: an unreadable cache is logged
 * and movies go out without posters (or with the last good ones) rather
 * than failing requests.
 * @module
 */
import { loadPosterPaths, posterCacheVersion } from "../store/posters.ts";
import type { MetaStore } from "../store/types.ts";
import type { Logger } from "./logger.ts";

/** Movie id → TMDB poster path, as the API serves them. */
export interface PosterPaths {
  /** The current paths, refreshed first when a check is due. */
  paths(): Promise<ReadonlyMap<number, string>>;
  /**
   * A number that changes whenever `paths()` starts giving other paths
   * (stored responses built under another one are stale). Starts a due
   * check in the background, so that it moves even when no request calls
   * `paths()`.
   */
  generation(): number;
}

/** Options of `StoredPosterPaths`. */
export interface StoredPosterPathsOptions {
  /** Seconds between two looks at the store's version token. */
  refreshSeconds: number;
  /** Clock in ms (tests pass their own). Default `performance.now`. */
  now?: () => number;
}

const NONE: ReadonlyMap<number, string> = new Map();

/**
 * The posters step's paths from `store.meta`: read on first use, then again
 * whenever the version token changed, checked at most every
 * `refreshSeconds`.
 *
 * @example
 * const posters = new StoredPosterPaths(store.meta, { logger, refreshSeconds: 60 });
 * (await posters.paths()).get(1); // "/uXDfjJbdP4ijW5hWSBrPrlKpxab.jpg"
 */
export class StoredPosterPaths implements PosterPaths {
  readonly #meta: MetaStore;
  readonly #logger: Logger;
  readonly #refreshMs: number;
  readonly #now: () => number;
  #current: ReadonlyMap<number, string> | undefined;
  /** The token `#current` was read under; undefined: nothing read yet. */
  #version: string | null | undefined;
  #generation = 0;
  #checkedAt = -Infinity;
  #checking: Promise<void> | undefined;

  constructor(
    meta: MetaStore,
    options: StoredPosterPathsOptions & { logger: Logger },
  ) {
    this.#meta = meta;
    this.#logger = options.logger;
    this.#refreshMs = options.refreshSeconds * 1000;
    this.#now = options.now ?? (() => performance.now());
  }

  async paths(): Promise<ReadonlyMap<number, string>> {
    if (this.#current === undefined || this.#due()) await this.#refresh();
    return this.#current ?? NONE;
  }

  generation(): number {
    if (this.#due()) void this.#refresh();
    return this.#generation;
  }

  #due(): boolean {
    return this.#now() - this.#checkedAt >= this.#refreshMs;
  }

  /** One look at the token (and a re-read when it moved), never two at once. */
  #refresh(): Promise<void> {
    this.#checking ??= (async () => {
      this.#checkedAt = this.#now();
      try {
        // the token first: a write in between only means one more re-read
        const version = await posterCacheVersion(this.#meta);
        if (version === this.#version) return;
        const paths = await loadPosterPaths(this.#meta);
        // the first read changes nothing a response was built from
        if (this.#current !== undefined) {
          this.#logger.info("Poster paths re-read: the posters step ran", {
            posters: paths.size,
          });
          this.#generation++;
        }
        this.#current = paths;
        this.#version = version;
      } catch (error) {
        this.#logger.error(
          this.#current
            ? "Cannot re-read the poster cache: the previous posters stay"
            : "Cannot read the poster cache: movies go out without posters",
          { error: (error as Error).message },
        );
        this.#current ??= NONE;
      } finally {
        this.#checking = undefined;
      }
    })();
    return this.#checking;
  }
}

/**
 * `movie` with its `posterPath` (null without one).
 *
 * @example
 * withPoster(movie, paths); // { ...movie, posterPath: "/a.jpg" }
 */
export function withPoster<T extends { id: number }>(
  movie: T,
  paths: ReadonlyMap<number, string>,
): T & { posterPath: string | null } {
  return { ...movie, posterPath: paths.get(movie.id) ?? null };
}
