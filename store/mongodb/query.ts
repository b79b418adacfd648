/**
 * The pure part of the MongoDB adapter (store/mongodb/mod.ts): the filter, sort
 * and keyset documents it sends and its bulk-write retry decision, kept apart
 * so that they are unit-tested without a server (store/mongodb/query_test.ts).
 * @module
 */
import type { Filter, Sort } from "mongodb";
import type { InteractionType } from "../../core/types.ts";
import type { MovieSortKey, ResolvedMovieQuery } from "../movie_query.ts";

/** A movie as stored in the `movies` collection. */
export interface MovieDoc {
  _id: number;
  title: string;
  /** `searchText(title)`: what title search and the title sort read. */
  searchTitle: string;
  year: number | null;
  genres: string[];
  tags: string[];
  imdbId: string | null;
  tmdbId: number | null;
  ratingCount: number;
  ratingMean: number;
  bayesianScore: number;
  ratingHistogram: number[];
}

/** An interaction as stored in the `interactions` collection. */
export interface InteractionDoc {
  userId: string;
  movieId: number;
  type: InteractionType;
  value: number | null;
  timestamp: number;
}

/**
 * Indexes of the `movies` collection. Each sort index also serves the
 * reverse order, since "asc" reverses every key of `movieSort` (tested).
 */
export const movieIndexes: { key: Record<string, 1 | -1>; name: string }[] = [
  // "rating" (Bayesian average); the name predates that sort's name.
  { key: { bayesianScore: -1, _id: 1 }, name: "popular" },
  { key: { ratingCount: -1, bayesianScore: -1, _id: 1 }, name: "most_rated" },
  { key: { searchTitle: 1, _id: 1 }, name: "title" },
  { key: { year: -1, _id: 1 }, name: "year" },
  { key: { genres: 1 }, name: "genres" },
];

/** Server error code of a unique index violation. */
export const duplicateKeyCode = 11000;

/**
 * Key of the unique interactions index; `scan` sorts by exactly these keys so
 * that each batch is one walk of that index.
 */
export const interactionKey = { userId: 1, movieId: 1, type: 1 } as const;

/** `forUser` order: newest first, ties as SQLite breaks them. */
export const interactionHistorySort: Sort = [
  ["timestamp", -1],
  ["movieId", 1],
  ["type", 1],
];

/** `scan` order: user, then movie, then type (the unique index). */
export const interactionScanSort: [string, 1][] = Object.keys(interactionKey)
  .map((field) => [field, 1]);

/**
 * The `movies` filter of a resolved query: the ids title search left (see
 * store/title_search.ts), every genre, inclusive year range (movies without
 * a year never match a range).
 *
 * @example
 * movieFilter(resolveMovieQuery({ genres: ["Drama"], offset: 0, limit: 5 }));
 * // { genres: { $all: ["Drama"] } }
 */
export function movieFilter(
  q: ResolvedMovieQuery,
  titleIds: number[] | null = null,
): Filter<MovieDoc> {
  const filter: Filter<MovieDoc> = {};
  if (titleIds) filter._id = { $in: titleIds };
  if (q.genres.length > 0) filter.genres = { $all: q.genres };
  if (q.yearFrom !== null || q.yearTo !== null) {
    filter.year = {
      ...(q.yearFrom !== null ? { $gte: q.yearFrom } : {}),
      ...(q.yearTo !== null ? { $lte: q.yearTo } : {}),
    };
  }
  return filter;
}

/**
 * The `movies` sort of resolved sort keys (the id is `_id`). A null year
 * sorts below every number in MongoDB as in SQLite, so it comes last in
 * "year desc" and first in "year asc" in both adapters.
 */
export function movieSort(keys: MovieSortKey[]): [string, 1 | -1][] {
  return keys.map((key) => [
    key.field === "id" ? "_id" : key.field,
    key.direction,
  ]);
}

/**
 * The keyset condition of the `scan` batch after `last`: every interaction
 * whose (userId, movieId, type) is greater, or all of them when `last` is
 * null.
 */
export function interactionsAfter(
  last: Pick<InteractionDoc, "userId" | "movieId" | "type"> | null,
): Filter<InteractionDoc> {
  if (!last) return {};
  return {
    $or: [
      { userId: { $gt: last.userId } },
      { userId: last.userId, movieId: { $gt: last.movieId } },
      { userId: last.userId, movieId: last.movieId, type: { $gt: last.type } },
    ],
  };
}

/** One failed operation of an unordered bulk write. */
export interface FailedWrite {
  code?: number;
  /** Position of the operation in the list given to `bulkWrite`. */
  index: number;
}

/**
 * The operations of `pending` to send again after an unordered bulk write
 * failed with `failed`, or null when the error must be thrown: retried only
 * when every failure is a duplicate key (two concurrent upserts of one new
 * key). An error without write errors (network, write concern) is never
 * retried here, or it would pass for success.
 */
export function duplicateKeyRetries<T>(
  failed: readonly FailedWrite[],
  pending: readonly T[],
): T[] | null {
  if (failed.length === 0) return null;
  if (failed.some((e) => e.code !== duplicateKeyCode)) return null;
  return failed.map((e) => pending[e.index]);
}
