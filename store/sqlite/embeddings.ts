/**
 * `EmbeddingStore` on SQLite: one row per (model, movie), the vector as
 * little-endian float32 bytes (store/binary_codec.ts).
 * @module
 */
import type { EmbeddingMatrix } from "../../core/types.ts";
import { float32ToBytes } from "../binary_codec.ts";
import { EmbeddingMatrixPacker } from "../embedding_matrix.ts";
import type { EmbeddingRow, EmbeddingStore } from "../types.ts";
import type { SqliteConnection } from "./connection.ts";

/** The embeddings section of the SQLite store. */
export function sqliteEmbeddings(db: SqliteConnection): EmbeddingStore {
  return {
    put: (model: string, rows: EmbeddingRow[]) =>
      db.write(() => {
        for (const row of rows) {
          db.run(
            `INSERT INTO embeddings (model, movie_id, text_hash, vector)
             VALUES (?, ?, ?, ?)
             ON CONFLICT (model, movie_id) DO UPDATE SET
               text_hash = excluded.text_hash, vector = excluded.vector`,
            model,
            row.movieId,
            row.textHash,
            float32ToBytes(row.vector),
          );
        }
      }),

    hashes: (model: string) =>
      db.read(() =>
        new Map(
          db.all<{ movieId: number; textHash: string }>(
            `SELECT movie_id AS movieId, text_hash AS textHash
             FROM embeddings WHERE model = ?`,
            model,
          ).map((row) => [row.movieId, row.textHash]),
        )
      ),

    load: (model: string): Promise<EmbeddingMatrix | null> =>
      db.snapshot(() => {
        const { n } = db.one<{ n: number }>(
          "SELECT COUNT(*) AS n FROM embeddings WHERE model = ?",
          model,
        )!;
        // rows are streamed one at a time into the matrix, never all held
        const packer = new EmbeddingMatrixPacker(model, n);
        const rows = db.iterate<{ movieId: number; vector: Uint8Array }>(
          `SELECT movie_id AS movieId, vector FROM embeddings WHERE model = ?
           ORDER BY movie_id`,
          model,
        );
        for (const row of rows) packer.add(row.movieId, row.vector);
        return packer.finish();
      }),

    prune: (model: string, keep: Set<number>) =>
      db.write(() => {
        const stored = db.all<{ movieId: number }>(
          "SELECT movie_id AS movieId FROM embeddings WHERE model = ?",
          model,
        );
        let removed = 0;
        for (const { movieId } of stored) {
          if (keep.has(movieId)) continue;
          removed += db.run(
            "DELETE FROM embeddings WHERE model = ? AND movie_id = ?",
            model,
            movieId,
          );
        }
        return removed;
      }),
  };
}
