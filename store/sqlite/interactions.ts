/**
 * `InteractionStore` on SQLite: keyed (and so stored) in scan order, with a
 * (user, time) index for a user's history.
 * @module
 */
import type { Interaction, InteractionType } from "../../core/types.ts";
import { defaultScanBatchSize, keysetPages } from "../movie_query.ts";
import { interactionFromRow, type InteractionRow } from "../rows.ts";
import type { InteractionStore } from "../types.ts";
import type { SqliteConnection } from "./connection.ts";

/** Columns under the names of `InteractionRow`. */
const interactionColumns =
  "user_id AS userId, movie_id AS movieId, type, value, timestamp";

/** The interactions section of the SQLite store. */
export function sqliteInteractions(db: SqliteConnection): InteractionStore {
  // History versions: this connection counts its own writes per user, and
  // SQLite's data_version changes whenever another connection (the pipeline,
  // another process) commits, which may touch any user.
  const userWrites = new Map<string, number>();
  const wrote = (userId: string) =>
    userWrites.set(userId, (userWrites.get(userId) ?? 0) + 1);

  return {
    async upsert(rows: Interaction[]): Promise<void> {
      await db.gate();
      // counted before the write: a reader in between only re-reads
      for (const row of rows) wrote(row.userId);
      await db.write(() => {
        for (const row of rows) {
          db.run(
            `INSERT INTO interactions (user_id, movie_id, type, value, timestamp)
             VALUES (?, ?, ?, ?, ?)
             ON CONFLICT (user_id, movie_id, type) DO UPDATE SET
               value = excluded.value, timestamp = excluded.timestamp`,
            row.userId,
            row.movieId,
            row.type,
            row.value ?? null,
            row.timestamp,
          );
        }
      });
    },

    forUser: (userId: string) =>
      db.read(() =>
        db.all<InteractionRow>(
          `SELECT ${interactionColumns} FROM interactions WHERE user_id = ?
           ORDER BY timestamp DESC, movie_id, type`,
          userId,
        ).map(interactionFromRow)
      ),

    async remove(
      userId: string,
      movieId: number,
      type?: InteractionType,
    ): Promise<number> {
      await db.gate();
      wrote(userId);
      return await db.write(() =>
        type === undefined
          ? db.run(
            "DELETE FROM interactions WHERE user_id = ? AND movie_id = ?",
            userId,
            movieId,
          )
          : db.run(
            `DELETE FROM interactions
             WHERE user_id = ? AND movie_id = ? AND type = ?`,
            userId,
            movieId,
            type,
          )
      );
    },

    count: () =>
      db.read(() =>
        db.one<{ n: number }>("SELECT COUNT(*) AS n FROM interactions")!.n
      ),

    historyVersion: (userId: string) =>
      db.read(() => {
        const { data_version: external } = db.one<{ data_version: number }>(
          "PRAGMA data_version",
        )!;
        return `${external}:${userWrites.get(userId) ?? 0}`;
      }),

    scan(
      batchSize: number = defaultScanBatchSize,
    ): AsyncIterable<Interaction[]> {
      return keysetPages<InteractionRow, Interaction>(
        batchSize,
        (last) =>
          db.read(() =>
            last
              ? db.all<InteractionRow>(
                `SELECT ${interactionColumns} FROM interactions
                 WHERE (user_id, movie_id, type) > (?, ?, ?)
                 ORDER BY user_id, movie_id, type LIMIT ?`,
                last.userId,
                last.movieId,
                last.type,
                batchSize,
              )
              : db.all<InteractionRow>(
                `SELECT ${interactionColumns} FROM interactions
                 ORDER BY user_id, movie_id, type LIMIT ?`,
                batchSize,
              )
          ),
        interactionFromRow,
      );
    },
  };
}
