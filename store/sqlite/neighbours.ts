/**
 * `NeighbourStore` on SQLite: one row per movie, its list packed by
 * store/binary_codec.ts (best first, so a limit reads a prefix).
 * @module
 */
import type { ScoredMovie } from "../../core/types.ts";
import { decodeNeighbours, encodeNeighbours } from "../binary_codec.ts";
import { sortNeighbours } from "../movie_query.ts";
import type { NeighbourStore } from "../types.ts";
import type { SqliteConnection } from "./connection.ts";

/** The neighbours section of the SQLite store. */
export function sqliteNeighbours(db: SqliteConnection): NeighbourStore {
  return {
    put: (rows: { movieId: number; neighbours: ScoredMovie[] }[]) =>
      db.write(() => {
        for (const row of rows) {
          db.run(
            `INSERT INTO neighbours (movie_id, list) VALUES (?, ?)
             ON CONFLICT (movie_id) DO UPDATE SET list = excluded.list`,
            row.movieId,
            encodeNeighbours(sortNeighbours(row.neighbours)),
          );
        }
      }),

    get: (movieId: number, limit: number) =>
      db.read(() => {
        if (limit <= 0) return [];
        const row = db.one<{ list: Uint8Array }>(
          "SELECT list FROM neighbours WHERE movie_id = ?",
          movieId,
        );
        return row ? decodeNeighbours(row.list, limit) : [];
      }),
  };
}
