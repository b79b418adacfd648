/**
 * `MetaStore` on MongoDB: text values in `meta`; blobs in `blobs`, inline
 * when they fit one document, otherwise split into `blob_parts` of one
 * version, written parts first and head last so that readers see the old or
 * the new blob whole, and a crash at any point leaves one of them whole.
 * @module
 */
import { Binary } from "mongodb";
import type { MetaStore } from "../types.ts";
import type { BlobDoc, MongoConnection } from "./connection.ts";

/** Blobs above this are split: a BSON document holds at most 16 MiB. */
const blobPartBytes = 8 * 1024 * 1024;

/** A plain `Uint8Array` copy of a BSON binary (the driver hands out Buffers). */
function bytesOf(binary: Binary): Uint8Array {
  return new Uint8Array(binary.value());
}

/** Options of `mongoMeta`. */
export interface MongoMetaOptions {
  /**
   * How old parts that no blob head names must be before a `setBlob` of
   * their key deletes them: longer than any one `setBlob` takes.
   */
  orphanGraceMs: number;
}

/** The meta section of the MongoDB store. */
export function mongoMeta(
  db: MongoConnection,
  options: MongoMetaOptions,
): MetaStore {
  const { c, withSession } = db;
  return {
    async get(key: string): Promise<string | null> {
      const doc = await c.meta.findOne({ _id: key }, withSession({}));
      return doc ? doc.value : null;
    },

    async set(key: string, value: string): Promise<void> {
      await db.write(() =>
        c.meta.updateOne(
          { _id: key },
          { $set: { value } },
          withSession({ upsert: true }),
        )
      );
    },

    async getBlob(key: string): Promise<Uint8Array | null> {
      // A concurrent setBlob may delete the parts we are about to read: the
      // head then names a new version, so read again.
      for (let attempt = 0; attempt < 3; attempt++) {
        const head = await c.blobs.findOne({ _id: key }, withSession({}));
        if (!head) return null;
        if (head.parts === 0) {
          return head.data ? bytesOf(head.data) : new Uint8Array(0);
        }
        const parts = await c.blobParts
          .find({ version: head.version }, withSession({}))
          .sort({ index: 1 })
          .toArray();
        if (parts.length !== head.parts) continue;
        const out = new Uint8Array(head.size);
        let offset = 0;
        for (const part of parts) {
          const bytes = part.data.value();
          out.set(bytes, offset);
          offset += bytes.length;
        }
        if (offset !== head.size) {
          throw new Error(
            `Blob "${key}" is corrupt: expected ${head.size} bytes in ${head.parts} parts, found ${offset}`,
          );
        }
        return out;
      }
      throw new Error(`Blob "${key}" kept changing while being read`);
    },

    async setBlob(key: string, value: Uint8Array): Promise<void> {
      // Without transactions every step below is one atomic document write,
      // ordered so that a crash between any two leaves the old blob or the
      // new one whole, at worst with parts no head names (swept later).
      const previous = await c.blobs.findOne(
        { _id: key },
        withSession({ projection: { version: 1, parts: 1 } }),
      );
      const version = crypto.randomUUID();
      const head: Omit<BlobDoc, "_id"> = {
        version,
        size: value.length,
        parts: 0,
      };
      if (value.length <= blobPartBytes) {
        head.data = new Binary(value);
      } else {
        // Parts first, head last: readers see the old or the new blob whole.
        head.parts = Math.ceil(value.length / blobPartBytes);
        const writtenAt = new Date();
        for (let i = 0; i < head.parts; i++) {
          await db.write(() =>
            c.blobParts.insertOne(
              {
                key,
                version,
                index: i,
                writtenAt,
                data: new Binary(
                  value.subarray(i * blobPartBytes, (i + 1) * blobPartBytes),
                ),
              },
              withSession({}),
            )
          );
        }
      }
      await db.write(() =>
        c.blobs.replaceOne({ _id: key }, head, withSession({ upsert: true }))
      );
      if (previous && previous.parts > 0) {
        await db.write(() =>
          c.blobParts.deleteMany(
            { version: previous.version },
            withSession({}),
          )
        );
      }
      // Parts of this key that no head names: left by a writer that crashed
      // or lost a race. Only old ones, since a concurrent writer's parts are
      // nameless until its head lands.
      await db.write(() =>
        c.blobParts.deleteMany(
          {
            key,
            version: { $ne: version },
            writtenAt: { $lt: new Date(Date.now() - options.orphanGraceMs) },
          },
          withSession({}),
        )
      );
    },
  };
}
