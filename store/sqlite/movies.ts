/**
 * `MovieStore` on SQLite: the `movies` table (lists as JSON text) and
 * `movie_genres`, one row per (genre, movie), which the genre filter and the
 * genre counts read.
 * @module
 */
import type { SQLInputValue } from "node:sqlite";
import type { Movie, MovieStats, MovieWithStats } from "../../core/types.ts";
import {
  type MovieSortField,
  type ResolvedMovieQuery,
  resolveMovieQuery,
  searchText,
} from "../movie_query.ts";
import { movieFromRow, type MovieRow } from "../rows.ts";
import type {
  GenreCount,
  MoviePage,
  MovieQuery,
  MovieStore,
} from "../types.ts";
import type { SqliteConnection } from "./connection.ts";

/** Columns under the names of `MovieRow`. */
const movieColumns = `id, title, year, genres, tags, imdb AS imdbId,
  tmdb AS tmdbId, rating_count AS ratingCount, rating_mean AS ratingMean,
  bayesian_score AS bayesianScore, rating_histogram AS ratingHistogram`;

const sortColumn: Record<MovieSortField, string> = {
  bayesianScore: "bayesian_score",
  ratingMean: "rating_mean",
  ratingCount: "rating_count",
  searchTitle: "search_title",
  year: "year",
  id: "id",
};

/** The `WHERE` clause and its parameters of a movie query's filters. */
function movieWhere(
  q: ResolvedMovieQuery,
): { sql: string; params: SQLInputValue[] } {
  const where: string[] = [];
  const params: SQLInputValue[] = [];
  if (q.q !== null) {
    // A substring cannot use an index; a scan of the folded titles is
    // well under a millisecond per 10k movies.
    where.push("instr(search_title, ?) > 0");
    params.push(q.q);
  }
  for (const genre of q.genres) {
    where.push("id IN (SELECT movie_id FROM movie_genres WHERE genre = ?)");
    params.push(genre);
  }
  if (q.yearFrom !== null) {
    where.push("year >= ?");
    params.push(q.yearFrom);
  }
  if (q.yearTo !== null) {
    where.push("year <= ?");
    params.push(q.yearTo);
  }
  return { sql: where.length ? `WHERE ${where.join(" AND ")}` : "", params };
}

/** The movies section of the SQLite store. */
export function sqliteMovies(db: SqliteConnection): MovieStore {
  return {
    upsert: (list: Movie[]) =>
      db.write(() => {
        for (const m of list) {
          db.run(
            `INSERT INTO movies (id, title, search_title, year, genres, tags, imdb, tmdb)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?)
             ON CONFLICT (id) DO UPDATE SET title = excluded.title,
               search_title = excluded.search_title, year = excluded.year,
               genres = excluded.genres, tags = excluded.tags,
               imdb = excluded.imdb, tmdb = excluded.tmdb`,
            m.id,
            m.title,
            searchText(m.title),
            m.year,
            JSON.stringify(m.genres),
            JSON.stringify(m.tags),
            m.imdbId,
            m.tmdbId,
          );
          db.run("DELETE FROM movie_genres WHERE movie_id = ?", m.id);
          for (const genre of m.genres) {
            db.run(
              "INSERT OR IGNORE INTO movie_genres (genre, movie_id) VALUES (?, ?)",
              genre,
              m.id,
            );
          }
        }
      }),

    putStats: (stats: MovieStats[]) =>
      db.write(() => {
        for (const s of stats) {
          db.run(
            `UPDATE movies SET rating_count = ?, rating_mean = ?,
               bayesian_score = ?, rating_histogram = ? WHERE id = ?`,
            s.ratingCount,
            s.ratingMean,
            s.bayesianScore,
            JSON.stringify(s.ratingHistogram),
            s.movieId,
          );
        }
      }),

    get: (id: number) =>
      db.read(() => {
        const row = db.one<MovieRow>(
          `SELECT ${movieColumns} FROM movies WHERE id = ?`,
          id,
        );
        return row ? movieFromRow(row) : null;
      }),

    getMany: (ids: number[]) =>
      db.read(() => {
        if (ids.length === 0) return [];
        // rows are streamed: a whole-catalogue read never holds every raw
        // row beside every movie
        const byId = new Map<number, MovieWithStats>();
        const rows = db.iterate<MovieRow>(
          `SELECT ${movieColumns} FROM movies
           WHERE id IN (SELECT value FROM json_each(?))`,
          JSON.stringify(ids),
        );
        for (const row of rows) byId.set(row.id, movieFromRow(row));
        return ids.flatMap((id) => byId.get(id) ?? []);
      }),

    async query(query: MovieQuery): Promise<MoviePage> {
      const q = resolveMovieQuery(query);
      const where = movieWhere(q);
      const orderSql = q.keys.map((key) =>
        `${sortColumn[key.field]} ${key.direction === 1 ? "ASC" : "DESC"}`
      ).join(", ");
      return await db.snapshot(() => {
        const { total } = db.one<{ total: number }>(
          `SELECT COUNT(*) AS total FROM movies ${where.sql}`,
          ...where.params,
        )!;
        const rows = db.all<MovieRow>(
          `SELECT ${movieColumns} FROM movies ${where.sql}
           ORDER BY ${orderSql} LIMIT ? OFFSET ?`,
          ...where.params,
          q.limit,
          q.offset,
        );
        return { items: rows.map(movieFromRow), total };
      });
    },

    genres: () =>
      db.read(() =>
        db.all<GenreCount>(
          `SELECT genre, COUNT(*) AS count FROM movie_genres
           GROUP BY genre ORDER BY genre`,
        ).map(({ genre, count }) => ({ genre, count }))
      ),

    count: () =>
      db.read(() =>
        db.one<{ n: number }>("SELECT COUNT(*) AS n FROM movies")!.n
      ),

    ids: () =>
      db.read(() =>
        db.all<{ id: number }>("SELECT id FROM movies ORDER BY id").map((row) =>
          row.id
        )
      ),
  };
}
