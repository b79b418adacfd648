/**
 * The movie query semantics shared by every store adapter: defaults, title
 * normalisation and sort keys are decided here once, so that SQLite and
 * MongoDB cannot drift apart.
 */
import type { MovieWithStats } from "../core/types.ts";
import type { TitleCatalog } from "./title_catalog.ts";
import type { MoviePage, MovieQuery, MovieSort, SortOrder } from "./types.ts";

/** A movie field a list can be ordered by (adapters map it to a column). */
export type MovieSortField =
  | "bayesianScore"
  | "ratingMean"
  | "ratingCount"
  | "searchTitle"
  | "year"
  | "id";

/** One sort key: 1 ascending, -1 descending. */
export interface MovieSortKey {
  field: MovieSortField;
  direction: 1 | -1;
}

/** A `MovieQuery` with defaults resolved and input checked. */
export interface ResolvedMovieQuery {
  /** The title search as typed (trimmed), or null for none. */
  q: string | null;
  /** Distinct genres a movie must all have. */
  genres: string[];
  yearFrom: number | null;
  yearTo: number | null;
  sort: MovieSort;
  order: SortOrder;
  keys: MovieSortKey[];
  offset: number;
  limit: number;
}

/**
 * Folds a title for case and accent insensitive search: NFD, combining marks
 * removed, lower case. Stored titles and queries go through the same fold.
 *
 * @example
 * searchText("Amélie"); // "amelie"
 */
export function searchText(text: string): string {
  return text.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase();
}

/**
 * Sort keys in their natural ("desc" for popular, rating and year; "asc" for
 * title) order. The id breaks ties so that pages never overlap. "popular"
 * is what most people rated (ties by the Bayesian average); "rating" is the
 * Bayesian average, which a film rated 5.0 by two people does not top (a
 * raw mean would).
 */
const popularKeys: MovieSortKey[] = [
  { field: "ratingCount", direction: -1 },
  { field: "bayesianScore", direction: -1 },
  { field: "id", direction: 1 },
];

const naturalKeys: Record<MovieSort, MovieSortKey[]> = {
  // With `q`, adapters rank by the title index; these keys order the rest.
  relevance: popularKeys,
  popular: popularKeys,
  rating: [{ field: "bayesianScore", direction: -1 }, {
    field: "id",
    direction: 1,
  }],
  title: [{ field: "searchTitle", direction: 1 }, {
    field: "id",
    direction: 1,
  }],
  year: [{ field: "year", direction: -1 }, { field: "id", direction: 1 }],
};

const naturalOrder: Record<MovieSort, SortOrder> = {
  relevance: "desc",
  popular: "desc",
  rating: "desc",
  title: "asc",
  year: "desc",
};

/**
 * Sort keys for a sort and order. The opposite of the natural order reverses
 * every key (the tie-breaking id too), so one index serves both directions
 * and an "asc" list is exactly the "desc" list backwards. Movies without a
 * year come last in "year desc" and first in "year asc" in both adapters.
 *
 * @example
 * movieSortKeys("popular", "desc");
 * // [{ field: "bayesianScore", direction: -1 }, { field: "id", direction: 1 }]
 */
export function movieSortKeys(
  sort: MovieSort,
  order?: SortOrder,
): MovieSortKey[] {
  const keys = naturalKeys[sort];
  if (!keys) {
    throw new RangeError(
      `Unknown movie sort "${sort}": expected relevance, popular, rating, title or year`,
    );
  }
  const flip = (order ?? naturalOrder[sort]) !== naturalOrder[sort];
  return keys.map((key) =>
    flip ? { field: key.field, direction: key.direction === 1 ? -1 : 1 } : key
  );
}

/**
 * Resolves defaults and checks paging; throws a `RangeError` naming the bad
 * parameter.
 */
export function resolveMovieQuery(query: MovieQuery): ResolvedMovieQuery {
  const hasText = (query.q ?? "").trim() !== "";
  const sort = query.sort ?? (hasText ? "relevance" : "popular");
  const order = query.order ?? naturalOrder[sort];
  if (order !== "asc" && order !== "desc") {
    throw new RangeError(`Unknown sort order "${order}": expected asc or desc`);
  }
  if (!Number.isInteger(query.offset) || query.offset < 0) {
    throw new RangeError(
      `Movie query offset must be an integer >= 0, got ${query.offset}`,
    );
  }
  if (!Number.isInteger(query.limit) || query.limit < 0) {
    throw new RangeError(
      `Movie query limit must be an integer >= 0, got ${query.limit}`,
    );
  }
  const q = query.q?.trim() ?? "";
  return {
    q: q === "" ? null : q,
    genres: [...new Set(query.genres ?? [])],
    yearFrom: query.yearFrom ?? null,
    yearTo: query.yearTo ?? null,
    sort,
    order,
    keys: movieSortKeys(sort, order),
    offset: query.offset,
    limit: query.limit,
  };
}

/** Batch size of `InteractionStore.scan` when the caller gives none. */
export const defaultScanBatchSize = 1000;

/** Checks a scan batch size; throws a `RangeError` when it is not >= 1. */
export function checkBatchSize(batchSize: number): number {
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new RangeError(
      `Scan batch size must be an integer >= 1, got ${batchSize}`,
    );
  }
  return batchSize;
}

/**
 * Keyset paging shared by the adapters' `scan`: each batch starts after the
 * last row seen (`fetchAfter(null)` is the first), so the cost per batch
 * stays flat and concurrent writes cannot shift pages.
 */
export async function* keysetPages<Row, Out>(
  batchSize: number,
  fetchAfter: (last: Row | null) => Promise<Row[]>,
  map: (row: Row) => Out,
): AsyncIterable<Out[]> {
  checkBatchSize(batchSize);
  let last: Row | null = null;
  while (true) {
    const rows = await fetchAfter(last);
    if (rows.length === 0) return;
    yield rows.map(map);
    if (rows.length < batchSize) return;
    last = rows[rows.length - 1];
  }
}

/** Neighbours best first, ties by movie id, whatever order the caller gave. */
export function sortNeighbours<T extends { movieId: number; score: number }>(
  list: T[],
): T[] {
  return [...list].sort((a, b) => b.score - a.score || a.movieId - b.movieId);
}

/** The movies title search leaves, best match first. */
export interface TitleMatches {
  ids: number[];
  /** True when the page follows the order of `ids` ("relevance"). */
  ranked: boolean;
}

/**
 * An adapter's part of a movie query: the filters, sort and paging of `q`,
 * restricted to `titles.ids` (in their order when `titles.ranked`) when
 * there was a title search.
 */
export type MoviePager = (
  q: ResolvedMovieQuery,
  titles: TitleMatches | null,
) => Promise<{ items: MovieWithStats[]; total: number }>;

/**
 * Answers a movie query the same way in every adapter: `titles` (the
 * store's title index) turns the text into ranked ids, with a correction
 * when nothing matches as typed; `page` does the rest in the database.
 *
 * @example
 * queryMovies({ q: "the matrix", offset: 0, limit: 20 }, { titles, page });
 */
export async function queryMovies(
  query: MovieQuery,
  options: {
    titles: TitleCatalog;
    page: MoviePager;
    /** The adapter's `getMany`, for a ranked page without other filters. */
    getMany: (ids: number[]) => Promise<MovieWithStats[]>;
  },
): Promise<MoviePage> {
  const q = resolveMovieQuery(query);
  if (q.q === null) {
    return { ...await options.page(q, null), correctedQuery: null };
  }
  const { matches, correctedQuery } = await options.titles.search(q.q);
  if (matches.length === 0) return { items: [], total: 0, correctedQuery };
  const ids = matches.map((m) => m.id);
  const ranked = q.sort === "relevance";
  if (
    ranked && q.genres.length === 0 && q.yearFrom === null && q.yearTo === null
  ) {
    // Nothing else to filter: the page is a slice of the ranking ("the"
    // matches a quarter of a large catalogue; no need to ship every id).
    const items = await options.getMany(
      ids.slice(q.offset, q.offset + q.limit),
    );
    return { items, total: ids.length, correctedQuery };
  }
  return { ...await options.page(q, { ids, ranked }), correctedQuery };
}
