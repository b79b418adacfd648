/**
 * `InteractionStore` on MongoDB: one document per (user, movie, type) in
 * `interactions`, unique on that key, which `scan` walks in order.
 * @module
 */
import type { Interaction, InteractionType } from "../../core/types.ts";
import { defaultScanBatchSize, keysetPages } from "../movie_query.ts";
import { interactionFromRow } from "../rows.ts";
import type { InteractionStore } from "../types.ts";
import type { MongoConnection } from "./connection.ts";
import {
  type InteractionDoc,
  interactionHistorySort,
  interactionsAfter,
  interactionScanSort,
} from "./query.ts";
import type { Filter } from "mongodb";

const interactionProjection = {
  _id: 0,
  userId: 1,
  movieId: 1,
  type: 1,
  value: 1,
  timestamp: 1,
} as const;

/** The interactions section of the MongoDB store. */
export function mongoInteractions(db: MongoConnection): InteractionStore {
  const { c, withSession } = db;
  return {
    async upsert(rows: Interaction[]): Promise<void> {
      await db.upsert(
        c.interactions,
        rows.map((row) => {
          const key = {
            userId: row.userId,
            movieId: row.movieId,
            type: row.type,
          };
          const fields = { value: row.value ?? null, timestamp: row.timestamp };
          return {
            insert: { ...key, ...fields },
            filter: key,
            update: { $set: fields },
          };
        }),
      );
    },

    async forUser(userId: string): Promise<Interaction[]> {
      const docs = await c.interactions
        .find({ userId }, withSession({ projection: interactionProjection }))
        .sort(interactionHistorySort)
        .toArray();
      return docs.map(interactionFromRow);
    },

    async remove(
      userId: string,
      movieId: number,
      type?: InteractionType,
    ): Promise<number> {
      const filter: Filter<InteractionDoc> = type === undefined
        ? { userId, movieId }
        : { userId, movieId, type };
      const result = await db.write(() =>
        c.interactions.deleteMany(filter, withSession({}))
      );
      return result.deletedCount;
    },

    count(): Promise<number> {
      return c.interactions.countDocuments({}, withSession({}));
    },

    scan(
      batchSize: number = defaultScanBatchSize,
    ): AsyncIterable<Interaction[]> {
      // Keyset paging on the unique (userId, movieId, type) index.
      return keysetPages<InteractionDoc, Interaction>(
        batchSize,
        (last) =>
          c.interactions
            .find(
              interactionsAfter(last),
              withSession({ projection: interactionProjection }),
            )
            .sort(interactionScanSort)
            .limit(batchSize)
            .toArray(),
        interactionFromRow,
      );
    },
  };
}
