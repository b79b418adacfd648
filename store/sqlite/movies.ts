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
  queryMovies,
  type ResolvedMovieQuery,
  searchText,
  type TitleMatches,
} from "../movie_query.ts";
import { TitleCatalog } from "../title_catalog.ts";
import type { TitleRow } from "../title_search.ts";
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

/**
 * The `WHERE` clause and its parameters of a movie query's filters; title
 * search has become a list of ids (store/title_search.ts).
 */
function movieWhere(
  q: ResolvedMovieQuery,
  titles: TitleMatches | null,
): { sql: string; params: SQLInputValue[] } {
  const where: string[] = [];
  const params: SQLInputValue[] = [];
  if (titles) {
    where.push("id IN (SELECT value FROM json_each(?))");
    params.push(JSON.stringify(titles.ids));
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
  const titles = new TitleCatalog(() =>
    db.read(() =>
      db.all<TitleRow>(
        "SELECT id, title, year, rating_count AS weight FROM movies",
      )
    )
  );
  const getMany = (ids: number[]): Promise<MovieWithStats[]> =>
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
    });
  return {
    upsert: (list: Movie[]) =>
      db.write(() => {
        titles.invalidate();
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
        // Rating counts break ties between equal title matches.
        titles.invalidate();
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

    getMany: (ids: number[]) => getMany(ids),

    query: (query: MovieQuery): Promise<MoviePage> =>
      queryMovies(query, {
        titles,
        getMany,
        page: (q, matches) => {
          const where = movieWhere(q, matches);
          const orderSql = q.keys.map((key) =>
            `${sortColumn[key.field]} ${key.direction === 1 ? "ASC" : "DESC"}`
          ).join(", ");
          return db.snapshot(() => {
            const { total } = db.one<{ total: number }>(
              `SELECT COUNT(*) AS total FROM movies ${where.sql}`,
              ...where.params,
            )!;
            const rows = matches?.ranked
              // Best title match first: the order of the ids.
              ? db.all<MovieRow>(
                `WITH ranked (movie_id, rank) AS (
                   SELECT value, key FROM json_each(?))
                 SELECT ${movieColumns} FROM ranked
                 JOIN movies ON movies.id = ranked.movie_id ${where.sql}
                 ORDER BY ranked.rank LIMIT ? OFFSET ?`,
                JSON.stringify(matches.ids),
                ...where.params,
                q.limit,
                q.offset,
              )
              : db.all<MovieRow>(
                `SELECT ${movieColumns} FROM movies ${where.sql}
                 ORDER BY ${orderSql} LIMIT ? OFFSET ?`,
                ...where.params,
                q.limit,
                q.offset,
              );
            return { items: rows.map(movieFromRow), total };
          });
        },
      }),

    prepareSearch: () => titles.prepare(),

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
