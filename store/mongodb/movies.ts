/**
 * `MovieStore` on MongoDB: one document per movie in `movies`, keyed by the
 * movie id, with its statistics beside it.
 * @module
 */
import type { Movie, MovieStats, MovieWithStats } from "../../core/types.ts";
import { queryMovies, searchText } from "../movie_query.ts";
import { TitleCatalog } from "../title_catalog.ts";
import { movieFromRow, zeroStats } from "../rows.ts";
import type {
  GenreCount,
  MoviePage,
  MovieQuery,
  MovieStore,
} from "../types.ts";
import type { Collection } from "mongodb";
import type { MongoConnection } from "./connection.ts";
import { rewriteMovieStats, statsFields } from "./movie_rewrite.ts";
import { type MovieDoc, movieFilter, movieSort } from "./query.ts";

const fromDoc = (doc: MovieDoc): MovieWithStats =>
  movieFromRow({ ...doc, id: doc._id });

/** The movies section of the MongoDB store. */
export function mongoMovies(db: MongoConnection): MovieStore {
  const { c, withSession } = db;
  const titles = new TitleCatalog(async () =>
    (await c.movies.find(
      {},
      withSession({ projection: { title: 1, year: 1, ratingCount: 1 } }),
    ).toArray()).map((doc) => ({
      id: doc._id,
      title: doc.title,
      year: doc.year,
      weight: doc.ratingCount,
    }))
  );
  async function getMany(ids: number[]): Promise<MovieWithStats[]> {
    if (ids.length === 0) return [];
    const docs = await c.movies.find({ _id: { $in: ids } }, withSession({}))
      .toArray();
    const byId = new Map(docs.map((doc) => [doc._id, fromDoc(doc)]));
    return ids.flatMap((id) => byId.get(id) ?? []);
  }
  return {
    async upsert(list: Movie[]): Promise<void> {
      titles.invalidate();
      await db.upsert(
        c.movies,
        list.map((m) => {
          const fields = {
            title: m.title,
            searchTitle: searchText(m.title),
            year: m.year,
            genres: m.genres,
            tags: m.tags,
            imdbId: m.imdbId,
            tmdbId: m.tmdbId,
          };
          return {
            insert: { _id: m.id, ...fields, ...zeroStats },
            filter: { _id: m.id },
            // Stats belong to putStats: an upsert keeps them.
            update: { $set: fields, $setOnInsert: { ...zeroStats } },
          };
        }),
      );
    },

    async putStats(stats: MovieStats[]): Promise<void> {
      // Rating counts break ties between equal title matches.
      titles.invalidate();
      if (db.keyedUpdatesScan && !db.inTransaction()) {
        return await rewriteMovieStats(db, stats);
      }
      await db.bulk(
        c.movies,
        stats.map((s) => ({
          updateOne: {
            filter: { _id: s.movieId },
            update: { $set: statsFields(s) },
          },
        })),
      );
    },

    async get(id: number): Promise<MovieWithStats | null> {
      const doc = await c.movies.findOne({ _id: id }, withSession({}));
      return doc ? fromDoc(doc) : null;
    },

    getMany,

    query(query: MovieQuery): Promise<MoviePage> {
      return queryMovies(query, {
        titles,
        getMany,
        page: async (q, matches) => {
          const filter = movieFilter(q, matches?.ids ?? null);
          if (matches?.ranked) {
            // Best title match first: keep the order of the ids among the
            // movies that pass the other filters, then read one page.
            const passing = new Set(
              (await c.movies.find(
                filter,
                withSession({ projection: { _id: 1 } }),
              ).toArray()).map((doc) => doc._id),
            );
            const order = matches.ids.filter((id) => passing.has(id));
            return {
              items: await getMany(order.slice(q.offset, q.offset + q.limit)),
              total: order.length,
            };
          }
          const sort = movieSort(q.keys);
          const [total, docs] = await db.both(
            () => c.movies.countDocuments(filter, withSession({})),
            // limit(0) means "no limit" to MongoDB, not "no items".
            () =>
              q.limit === 0 ? Promise.resolve([]) : c.movies
                .find(filter, withSession({}))
                .sort(sort)
                .skip(q.offset)
                .limit(q.limit)
                .toArray(),
          );
          return { items: docs.map(fromDoc), total };
        },
      });
    },

    prepareSearch: () => titles.prepare(),

    async genres(): Promise<GenreCount[]> {
      if (db.slowGroups) return await countGenresHere(c.movies, withSession);
      const rows = await c.movies.aggregate<{ _id: string; count: number }>([
        { $project: { genres: 1 } },
        { $unwind: "$genres" },
        // A genre listed twice on one movie counts once, as in SQLite: one
        // group per (genre, movie) first. Not `$setUnion`, which FerretDB
        // 1.24 does not implement.
        { $group: { _id: { genre: "$genres", movie: "$_id" } } },
        { $group: { _id: "$_id.genre", count: { $sum: 1 } } },
        { $sort: { _id: 1 } },
      ], withSession({})).toArray();
      return rows.map((row) => ({ genre: row._id, count: row.count }));
    },

    count(): Promise<number> {
      return c.movies.countDocuments({}, withSession({}));
    },

    async ids(): Promise<number[]> {
      const docs = await c.movies
        .find({}, withSession({ projection: { _id: 1 } }))
        .sort({ _id: 1 })
        .toArray();
      return docs.map((doc) => doc._id);
    },
  };
}

/**
 * `genres()` counted by the adapter from every movie's genres: for servers
 * whose `$group` is quadratic in its groups (FerretDB 1.24), where the
 * aggregation's group per (genre, movie) did not finish in minutes on
 * ml-latest-small. One read of every movie's genres instead.
 */
async function countGenresHere(
  movies: Collection<MovieDoc>,
  withSession: MongoConnection["withSession"],
): Promise<GenreCount[]> {
  const counts = new Map<string, number>();
  const cursor = movies.find(
    {},
    withSession({ projection: { _id: 0, genres: 1 } }),
  );
  for await (const doc of cursor) {
    for (const genre of new Set(doc.genres)) {
      counts.set(genre, (counts.get(genre) ?? 0) + 1);
    }
  }
  return [...counts].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([genre, count]) => ({ genre, count }));
}
