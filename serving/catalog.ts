/**
 * The catalogue serving looks up per candidate (titles, years and genres for
 * filters and explanations) and the per-movie counts cold start ranks by,
 * read once at start.
 */
import {
  likedCount,
  type PopularityStats,
} from "../core/recommenders/popular.ts";
import type { MovieWithStats } from "../core/types.ts";
import type { Store } from "../store/types.ts";

/** The catalogue facts serving looks up per candidate. */
export interface CatalogEntry {
  title: string;
  year: number | null;
  genres: string[];
}

/** Movies read per `getMany` call while loading the catalogue. */
const CATALOG_PAGE = 2_000;

/** Options of `loadCatalog`. */
export interface LoadCatalogOptions {
  /** Sees each page of full records before it is dropped (search indexes tags). */
  onPage?: (movies: readonly MovieWithStats[]) => void;
}

/**
 * The catalogue and popularity inputs, read a page of movies at a time:
 * full records (tags, links, histograms) are dropped page by page, so a
 * large catalogue never sits in memory whole, and genre names are shared
 * between movies rather than held once per movie.
 *
 * @example
 * ```ts
 * const { catalog, scores } = await loadCatalog(store);
 * catalog.get(1)?.title; // "Toy Story"
 * ```
 */
export async function loadCatalog(
  store: Store,
  options: LoadCatalogOptions = {},
): Promise<{
  catalog: Map<number, CatalogEntry>;
  scores: PopularityStats[];
}> {
  const ids = await store.movies.ids();
  const catalog = new Map<number, CatalogEntry>();
  const scores = [];
  const genreNames = new Map<string, string>();
  const shared = (genre: string) => {
    const known = genreNames.get(genre);
    if (known !== undefined) return known;
    genreNames.set(genre, genre);
    return genre;
  };
  for (let from = 0; from < ids.length; from += CATALOG_PAGE) {
    const page = await store.movies.getMany(
      ids.slice(from, from + CATALOG_PAGE),
    );
    options.onPage?.(page);
    for (const m of page) {
      catalog.set(m.id, {
        title: m.title,
        year: m.year,
        genres: m.genres.map(shared),
      });
      scores.push({
        movieId: m.id,
        ratingCount: m.ratingCount,
        // One number per movie: the histograms go with their records.
        likedCount: likedCount(m.ratingHistogram),
      });
    }
  }
  return { catalog, scores };
}
