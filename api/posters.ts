/**
 * Poster paths on the movies the API returns. The posters step stores them
 * (store/posters.ts); the API reads them once, on first use, like the other
 * pipeline artifacts. Posters are decoration: an unreadable cache is logged
 * and movies go out without posters rather than failing requests.
 * @module
 */
import { loadPosterPaths } from "../store/posters.ts";
import type { MetaStore } from "../store/types.ts";
import type { Logger } from "./logger.ts";

/** Movie id → TMDB poster path, read once. */
export type PosterPaths = () => Promise<ReadonlyMap<number, string>>;

/**
 * Reads the stored poster paths on the first call and keeps them.
 *
 * @example
 * const posters = storedPosterPaths(store.meta, logger);
 * (await posters()).get(1); // "/uXDfjJbdP4ijW5hWSBrPrlKpxab.jpg"
 */
export function storedPosterPaths(
  meta: MetaStore,
  logger: Logger,
): PosterPaths {
  let paths: Promise<ReadonlyMap<number, string>> | undefined;
  return () =>
    paths ??= loadPosterPaths(meta).catch((error) => {
      logger.error(
        "Cannot read the poster cache: movies go out without posters",
        {
          error: (error as Error).message,
        },
      );
      return new Map();
    });
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
