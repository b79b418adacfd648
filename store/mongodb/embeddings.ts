/**
 * `EmbeddingStore` on MongoDB: one document per (model, movie) in
 * `embeddings`, the vector as a BSON float32 vector so that Atlas Vector
 * Search reads the same documents (store/mongodb/vector_search.ts).
 * @module
 */
import { Binary } from "mongodb";
import type { EmbeddingMatrix } from "../../core/types.ts";
import { EmbeddingMatrixPacker } from "../embedding_matrix.ts";
import type { EmbeddingRow, EmbeddingStore } from "../types.ts";
import { chunks, type MongoConnection } from "./connection.ts";

/** The embeddings section of the MongoDB store. */
export function mongoEmbeddings(db: MongoConnection): EmbeddingStore {
  const { c, withSession } = db;
  return {
    async put(model: string, rows: EmbeddingRow[]): Promise<void> {
      await db.upsert(
        c.embeddings,
        rows.map((row) => {
          const fields = {
            textHash: row.textHash,
            vector: Binary.fromFloat32Array(row.vector),
          };
          return {
            insert: { model, movieId: row.movieId, ...fields },
            filter: { model, movieId: row.movieId },
            update: { $set: fields },
          };
        }),
      );
    },

    async hashes(model: string): Promise<Map<number, string>> {
      const docs = await c.embeddings.find(
        { model },
        withSession({ projection: { _id: 0, movieId: 1, textHash: 1 } }),
      ).toArray();
      return new Map(docs.map((doc) => [doc.movieId, doc.textHash]));
    },

    async load(model: string): Promise<EmbeddingMatrix | null> {
      // The count sizes the matrix; rows written meanwhile grow it.
      const expected = await c.embeddings.countDocuments(
        { model },
        withSession({}),
      );
      if (expected === 0) return null;
      const packer = new EmbeddingMatrixPacker(model, expected);
      const cursor = c.embeddings.find(
        { model },
        withSession({ projection: { _id: 0, movieId: 1, vector: 1 } }),
      ).sort({ movieId: 1 });
      for await (const doc of cursor) {
        packer.add(doc.movieId, doc.vector.toFloat32Array());
      }
      return packer.finish();
    },

    async prune(model: string, keep: Set<number>): Promise<number> {
      const stored = await c.embeddings.find(
        { model },
        withSession({ projection: { _id: 0, movieId: 1 } }),
      ).toArray();
      const gone = stored.map((doc) => doc.movieId).filter((id) =>
        !keep.has(id)
      );
      let removed = 0;
      for (const chunk of chunks(gone, 10_000)) {
        const result = await db.write(() =>
          c.embeddings.deleteMany(
            { model, movieId: { $in: chunk } },
            withSession({}),
          )
        );
        removed += result.deletedCount;
      }
      return removed;
    },
  };
}
