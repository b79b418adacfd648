/**
 * `NeighbourStore` on MongoDB: one document per movie in `neighbours`, ids
 * and scores as two parallel arrays, best first.
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
      await db.upsert(
        c.neighbours,
        rows.map((row) => {
          const sorted = sortNeighbours(row.neighbours);
          const list = {
            movieIds: sorted.map((n) => n.movieId),
            scores: sorted.map((n) => n.score),
          };
          return {
            insert: { _id: row.movieId, ...list },
            filter: { _id: row.movieId },
            update: { $set: list },
          };
        }),
      );
    },

    async get(movieId: number, limit: number): Promise<ScoredMovie[]> {
      if (limit <= 0) return [];
      // The whole list is read and cut here: lists are short (a few hundred
      // bytes), and FerretDB 1.24 refuses a `$slice` projection.
      const doc = await c.neighbours.findOne({ _id: movieId }, withSession({}));
      if (!doc) return [];
      return doc.movieIds.slice(0, limit).map((id, i) => ({
        movieId: id,
        score: doc.scores[i],
      }));
    },
  };
}
