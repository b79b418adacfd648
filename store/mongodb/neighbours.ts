/**
 * `NeighbourStore` on MongoDB: one document per movie in `neighbours`, ids
 * and scores as two parallel arrays, best first, so that `$slice` reads a
 * prefix of both.
 * @module
 */
import type { ScoredMovie } from "../../core/types.ts";
import { sortNeighbours } from "../movie_query.ts";
import type { NeighbourStore } from "../types.ts";
import type { MongoConnection } from "./connection.ts";

/** The neighbours section of the MongoDB store. */
export function mongoNeighbours(db: MongoConnection): NeighbourStore {
  const { c, withSession } = db;
  return {
    async put(
      rows: { movieId: number; neighbours: ScoredMovie[] }[],
    ): Promise<void> {
      await db.bulk(
        c.neighbours,
        rows.map((row) => {
          const sorted = sortNeighbours(row.neighbours);
          return {
            replaceOne: {
              filter: { _id: row.movieId },
              replacement: {
                movieIds: sorted.map((n) => n.movieId),
                scores: sorted.map((n) => n.score),
              },
              upsert: true,
            },
          };
        }),
      );
    },

    async get(movieId: number, limit: number): Promise<ScoredMovie[]> {
      if (limit <= 0) return [];
      const doc = await c.neighbours.findOne(
        { _id: movieId },
        withSession({
          projection: {
            movieIds: { $slice: limit },
            scores: { $slice: limit },
          },
        }),
      );
      if (!doc) return [];
      return doc.movieIds.map((id, i) => ({
        movieId: id,
        score: doc.scores[i],
      }));
    },
  };
}
