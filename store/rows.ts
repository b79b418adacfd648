/**
 * Stored rows as every adapter reads them back, and the one mapping from a
 * row to the domain object. SQLite selects its columns under these names
 * (store/sqlite/movies.ts); MongoDB documents carry them as fields
 * (store/mongodb/movies.ts). What an adapter writes differs; what it reads
 * back is mapped here only, so the adapters cannot drift apart.
 * @module
 */
import type {
  Interaction,
  InteractionType,
  MovieStats,
  MovieWithStats,
} from "../core/types.ts";

/** The statistics of a movie no rating has reached yet. */
export const zeroStats: Readonly<Omit<MovieStats, "movieId">> = Object.freeze({
  ratingCount: 0,
  ratingMean: 0,
  bayesianScore: 0,
  ratingHistogram: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
});

/**
 * A list as stored: an array (MongoDB) or its JSON text (SQLite, which has no
 * array column).
 */
export type StoredList<T> = T[] | string;

/** A movie with its statistics as an adapter reads it back. */
export interface MovieRow {
  id: number;
  title: string;
  /** Absent or null when the title has no year. */
  year?: number | null;
  genres: StoredList<string>;
  tags: StoredList<string>;
  imdbId?: string | null;
  tmdbId?: number | null;
  ratingCount: number;
  ratingMean: number;
  bayesianScore: number;
  ratingHistogram: StoredList<number>;
}

/** An interaction as an adapter reads it back. */
export interface InteractionRow {
  userId: string;
  movieId: number;
  type: InteractionType;
  /** Absent or null for everything but ratings. */
  value?: number | null;
  timestamp: number;
}

function list<T>(stored: StoredList<T>): T[] {
  return typeof stored === "string" ? JSON.parse(stored) : stored;
}

/**
 * The domain movie of a stored row.
 *
 * @example
 * movieFromRow({ id: 1, title: "Heat", genres: '["Crime"]', tags: "[]", ...zeroStats });
 * // { id: 1, title: "Heat", year: null, genres: ["Crime"], ... }
 */
export function movieFromRow(row: MovieRow): MovieWithStats {
  return {
    id: row.id,
    title: row.title,
    year: row.year ?? null,
    genres: list(row.genres),
    tags: list(row.tags),
    imdbId: row.imdbId ?? null,
    tmdbId: row.tmdbId ?? null,
    ratingCount: row.ratingCount,
    ratingMean: row.ratingMean,
    bayesianScore: row.bayesianScore,
    ratingHistogram: list(row.ratingHistogram),
  };
}

/** The domain interaction of a stored row (extra fields are left behind). */
export function interactionFromRow(row: InteractionRow): Interaction {
  return {
    userId: row.userId,
    movieId: row.movieId,
    type: row.type,
    value: row.value ?? null,
    timestamp: row.timestamp,
  };
}
