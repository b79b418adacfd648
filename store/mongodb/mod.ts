/**
 * MongoDB adapter (`mongodb` driver), for Atlas deployments. It mirrors the
 * SQLite adapter behaviour for behaviour; both pass `contract_test_suite.ts`.
 *
 * Contract suite: `mongodb_test.ts` runs every contract test against a real
 * server when MONGODB_URI is set (a fresh database per test, dropped after).
 * The rollback test runs only when the deployment supports transactions (a
 * replica set or sharded cluster, as every Atlas tier is); on a standalone
 * server `transaction()` runs the work directly and it is skipped. There is
 * no server in this repository's dev container, so CI without MONGODB_URI
 * only type-checks this file; the filters, sorts and retry rule it sends are
 * unit-tested in `mongodb_query_test.ts`.
 *
 * Atlas M0 (free tier): 512 MB of storage in all. The MovieLens small set
 * (movies, 100k interactions, one 384-d embedding model, neighbours) needs
 * a few tens of MB; model blobs are the large items, and a blob whose
 * setBlob was interrupted (or lost a race) leaves its parts orphaned in
 * `blob_parts`. M0 also caps Atlas Search and Vector Search at 3 indexes per
 * cluster (store/mongodb/vector_search.ts uses one).
 */
import { AsyncLocalStorage } from "node:async_hooks";
import {
  type AnyBulkWriteOperation,
  Binary,
  type ClientSession,
  type Collection,
  type Db,
  type Document,
  type Filter,
  MongoBulkWriteError,
  MongoClient,
  type MongoClientOptions,
} from "mongodb";
import type {
  EmbeddingMatrix,
  Interaction,
  InteractionType,
  Movie,
  MovieStats,
  MovieWithStats,
  ScoredMovie,
} from "../../core/types.ts";
import { allocateVectors } from "../../core/vectors/score_kernel.ts";
import {
  defaultScanBatchSize,
  keysetPages,
  resolveMovieQuery,
  searchText,
  sortNeighbours,
} from "../movie_query.ts";
import {
  duplicateKeyRetries,
  type InteractionDoc,
  interactionHistorySort,
  interactionKey,
  interactionsAfter,
  interactionScanSort,
  type MovieDoc,
  movieFilter,
  movieIndexes,
  movieSort,
} from "./query.ts";
import type {
  EmbeddingRow,
  EmbeddingStore,
  GenreCount,
  InteractionStore,
  MetaStore,
  MoviePage,
  MovieQuery,
  MovieStore,
  NeighbourStore,
  Store,
} from "../types.ts";

/** Options of `openMongoStore`. */
export interface MongoStoreOptions {
  /** Passed to `MongoClient` (timeouts, TLS, app name). */
  client?: MongoClientOptions;
  /** Operations per `bulkWrite` call (default 1000). */
  bulkChunkSize?: number;
}

/** A MongoDB `Store`, which also says whether `transaction()` is atomic. */
export interface MongoStore extends Store {
  readonly kind: "mongodb";
  /** True on replica sets and sharded clusters (Atlas); false on a standalone server. */
  readonly supportsTransactions: boolean;
  /** The database, for queries outside the contract (Atlas `$vectorSearch`). */
  readonly db: Db;
}

interface EmbeddingDoc {
  model: string;
  movieId: number;
  textHash: string;
  /** BSON vector (subtype 9) of float32, as Atlas Vector Search expects. */
  vector: Binary;
}

interface NeighbourDoc {
  _id: number;
  /** Best first; two parallel arrays so that `$slice` can cut both. */
  movieIds: number[];
  scores: number[];
}

interface MetaDoc {
  _id: string;
  value: string;
}

/** A blob's head: the bytes inline, or the number of parts of `version`. */
interface BlobDoc {
  _id: string;
  version: string;
  size: number;
  parts: number;
  data?: Binary;
}

interface BlobPartDoc {
  version: string;
  index: number;
  data: Binary;
}

/** Blobs above this are split: a BSON document holds at most 16 MiB. */
const blobPartBytes = 8 * 1024 * 1024;

const zeroStats = {
  ratingCount: 0,
  ratingMean: 0,
  bayesianScore: 0,
  ratingHistogram: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
};

function toMovie(doc: MovieDoc): MovieWithStats {
  return {
    id: doc._id,
    title: doc.title,
    year: doc.year ?? null,
    genres: doc.genres,
    tags: doc.tags,
    imdbId: doc.imdbId ?? null,
    tmdbId: doc.tmdbId ?? null,
    ratingCount: doc.ratingCount,
    ratingMean: doc.ratingMean,
    bayesianScore: doc.bayesianScore,
    ratingHistogram: doc.ratingHistogram,
  };
}

function toInteraction(doc: InteractionDoc): Interaction {
  return {
    userId: doc.userId,
    movieId: doc.movieId,
    type: doc.type,
    value: doc.value ?? null,
    timestamp: doc.timestamp,
  };
}

/** A plain `Uint8Array` copy of a BSON binary (the driver hands out Buffers). */
function bytesOf(binary: Binary): Uint8Array {
  return new Uint8Array(binary.value());
}

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) {
    out.push(items.slice(i, i + size));
  }
  return out;
}

/**
 * Connects and returns the MongoDB store for database `dbName`, creating
 * indexes when missing (idempotent).
 *
 * @example
 * const store = await openMongoStore(config.MONGODB_URI!, config.MONGODB_DB);
 * await store.movies.count();
 * await store.close();
 */
export async function openMongoStore(
  uri: string,
  dbName: string,
  options: MongoStoreOptions = {},
): Promise<MongoStore> {
  const client = new MongoClient(uri, {
    appName: "movielens-recommender",
    ...options.client,
  });
  await client.connect();
  try {
    const db = client.db(dbName);
    const hello = await db.command({ hello: 1 });
    // Transactions need a replica set (setName) or a mongos router.
    const supportsTransactions = typeof hello.setName === "string" ||
      hello.msg === "isdbgrid";
    const collections = {
      movies: db.collection<MovieDoc>("movies"),
      embeddings: db.collection<EmbeddingDoc>("embeddings"),
      interactions: db.collection<InteractionDoc>("interactions"),
      neighbours: db.collection<NeighbourDoc>("neighbours"),
      meta: db.collection<MetaDoc>("meta"),
      blobs: db.collection<BlobDoc>("blobs"),
      blobParts: db.collection<BlobPartDoc>("blob_parts"),
    };
    await createIndexes(collections);
    return createMongoStore(
      client,
      collections,
      supportsTransactions,
      options.bulkChunkSize ?? 1000,
    );
  } catch (error) {
    await client.close();
    throw error;
  }
}

interface Collections {
  movies: Collection<MovieDoc>;
  embeddings: Collection<EmbeddingDoc>;
  interactions: Collection<InteractionDoc>;
  neighbours: Collection<NeighbourDoc>;
  meta: Collection<MetaDoc>;
  blobs: Collection<BlobDoc>;
  blobParts: Collection<BlobPartDoc>;
}

async function createIndexes(c: Collections): Promise<void> {
  // Sort indexes: each also serves the reverse order (asc reverses every key).
  await Promise.all([
    c.movies.createIndexes(movieIndexes),
    c.embeddings.createIndexes([
      { key: { model: 1, movieId: 1 }, name: "model_movie", unique: true },
    ]),
    c.interactions.createIndexes([
      {
        key: interactionKey,
        name: "user_movie_type",
        unique: true,
      },
      { key: { userId: 1, timestamp: -1 }, name: "user_time" },
    ]),
    c.blobParts.createIndexes([
      { key: { version: 1, index: 1 }, name: "version_index", unique: true },
    ]),
  ]);
}

function createMongoStore(
  client: MongoClient,
  c: Collections,
  supportsTransactions: boolean,
  bulkChunkSize: number,
): MongoStore {
  // The session of the transaction the caller is in, so that every store
  // call inside `transaction(work)` joins it without passing it around.
  // Calls inside `work` must run one after the other: the driver does not
  // support parallel operations on one transaction's session.
  const sessions = new AsyncLocalStorage<ClientSession>();
  const withSession = <T extends object>(options: T): T & {
    session?: ClientSession;
  } => {
    const session = sessions.getStore();
    return session ? { ...options, session } : options;
  };

  /**
   * Unordered bulk writes in chunks. Two concurrent upserts of a new key can
   * both try to insert it; the loser gets a duplicate key error and is
   * retried (it then updates the winner's document). Not inside a
   * transaction: a write error aborts it on the server, and only
   * `withTransaction` may retry (it cannot tell an aborted transaction when
   * the callback swallows the error).
   */
  const bulk = async <T extends Document>(
    collection: Collection<T>,
    ops: AnyBulkWriteOperation<T>[],
  ): Promise<void> => {
    for (const chunk of chunks(ops, bulkChunkSize)) {
      let pending = chunk;
      for (let attempt = 1; pending.length > 0; attempt++) {
        try {
          await collection.bulkWrite(
            pending,
            withSession({ ordered: false }),
          );
          pending = [];
        } catch (error) {
          if (
            !(error instanceof MongoBulkWriteError) || attempt >= 3 ||
            sessions.getStore()
          ) {
            throw error;
          }
          // A network or write concern error is a MongoBulkWriteError with
          // no write errors: it must be thrown, not taken for success.
          const retry = duplicateKeyRetries(
            Array.isArray(error.writeErrors)
              ? error.writeErrors
              : [error.writeErrors],
            pending,
          );
          if (!retry) throw error;
          pending = retry;
        }
      }
    }
  };

  // Parallel reads cannot share a session, so inside a transaction they run
  // one after the other.
  const both = async <A, B>(
    a: () => Promise<A>,
    b: () => Promise<B>,
  ): Promise<[A, B]> =>
    sessions.getStore()
      ? [await a(), await b()]
      : await Promise.all([a(), b()]);

  const movies: MovieStore = {
    async upsert(list: Movie[]): Promise<void> {
      await bulk(
        c.movies,
        list.map((m) => ({
          updateOne: {
            filter: { _id: m.id },
            update: {
              $set: {
                title: m.title,
                searchTitle: searchText(m.title),
                year: m.year,
                genres: m.genres,
                tags: m.tags,
                imdbId: m.imdbId,
                tmdbId: m.tmdbId,
              },
              // Stats belong to putStats: an upsert keeps them.
              $setOnInsert: zeroStats,
            },
            upsert: true,
          },
        })),
      );
    },

    async putStats(stats: MovieStats[]): Promise<void> {
      await bulk(
        c.movies,
        stats.map((s) => ({
          updateOne: {
            filter: { _id: s.movieId },
            update: {
              $set: {
                ratingCount: s.ratingCount,
                ratingMean: s.ratingMean,
                bayesianScore: s.bayesianScore,
                ratingHistogram: s.ratingHistogram,
              },
            },
          },
        })),
      );
    },

    async get(id: number): Promise<MovieWithStats | null> {
      const doc = await c.movies.findOne({ _id: id }, withSession({}));
      return doc ? toMovie(doc) : null;
    },

    async getMany(ids: number[]): Promise<MovieWithStats[]> {
      if (ids.length === 0) return [];
      const docs = await c.movies.find({ _id: { $in: ids } }, withSession({}))
        .toArray();
      const byId = new Map(docs.map((doc) => [doc._id, toMovie(doc)]));
      return ids.flatMap((id) => byId.get(id) ?? []);
    },

    async query(query: MovieQuery): Promise<MoviePage> {
      const q = resolveMovieQuery(query);
      const filter = movieFilter(q);
      const sort = movieSort(q.keys);
      const [total, docs] = await both(
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
      return { items: docs.map(toMovie), total };
    },

    async genres(): Promise<GenreCount[]> {
      const rows = await c.movies.aggregate<{ _id: string; count: number }>([
        // A genre listed twice on one movie counts once, as in SQLite.
        { $project: { genres: { $setUnion: ["$genres", []] } } },
        { $unwind: "$genres" },
        { $group: { _id: "$genres", count: { $sum: 1 } } },
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

  const embeddings: EmbeddingStore = {
    async put(model: string, rows: EmbeddingRow[]): Promise<void> {
      await bulk(
        c.embeddings,
        rows.map((row) => ({
          updateOne: {
            filter: { model, movieId: row.movieId },
            update: {
              $set: {
                textHash: row.textHash,
                vector: Binary.fromFloat32Array(row.vector),
              },
            },
            upsert: true,
          },
        })),
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
      let capacity = await c.embeddings.countDocuments(
        { model },
        withSession({}),
      );
      if (capacity === 0) return null;
      let ids = new Int32Array(capacity);
      let vectors: Float32Array = new Float32Array(0);
      let dim = -1;
      let n = 0;
      const cursor = c.embeddings.find(
        { model },
        withSession({ projection: { _id: 0, movieId: 1, vector: 1 } }),
      ).sort({ movieId: 1 });
      for await (const doc of cursor) {
        const vector = doc.vector.toFloat32Array();
        if (dim < 0) {
          dim = vector.length;
          // where the scoring kernel reads it: the first search copies nothing
          vectors = allocateVectors(capacity, dim);
        } else if (vector.length !== dim) {
          throw new Error(
            `Embedding of movie ${doc.movieId} in model "${model}" has ${vector.length} dimensions, expected ${dim} like the first row`,
          );
        }
        if (n === capacity) {
          capacity *= 2;
          const grownIds = new Int32Array(capacity);
          grownIds.set(ids);
          ids = grownIds;
          const grownVectors = allocateVectors(capacity, dim);
          grownVectors.set(vectors);
          vectors = grownVectors;
        }
        ids[n] = doc.movieId;
        vectors.set(vector, n * dim);
        n++;
      }
      if (n === 0) return null;
      if (n === capacity) return { ids, dim, vectors };
      // rows were removed meanwhile: an exact-size matrix, again kernel-placed
      const exact = allocateVectors(n, dim);
      exact.set(vectors.subarray(0, n * dim));
      return { ids: ids.slice(0, n), dim, vectors: exact };
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
        const result = await c.embeddings.deleteMany(
          { model, movieId: { $in: chunk } },
          withSession({}),
        );
        removed += result.deletedCount;
      }
      return removed;
    },
  };

  const interactionProjection = {
    _id: 0,
    userId: 1,
    movieId: 1,
    type: 1,
    value: 1,
    timestamp: 1,
  } as const;

  const interactions: InteractionStore = {
    async upsert(rows: Interaction[]): Promise<void> {
      await bulk(
        c.interactions,
        rows.map((row) => ({
          updateOne: {
            filter: {
              userId: row.userId,
              movieId: row.movieId,
              type: row.type,
            },
            update: {
              $set: { value: row.value ?? null, timestamp: row.timestamp },
            },
            upsert: true,
          },
        })),
      );
    },

    async forUser(userId: string): Promise<Interaction[]> {
      const docs = await c.interactions
        .find({ userId }, withSession({ projection: interactionProjection }))
        .sort(interactionHistorySort)
        .toArray();
      return docs.map(toInteraction);
    },

    async remove(
      userId: string,
      movieId: number,
      type?: InteractionType,
    ): Promise<number> {
      const filter: Filter<InteractionDoc> = type === undefined
        ? { userId, movieId }
        : { userId, movieId, type };
      const result = await c.interactions.deleteMany(filter, withSession({}));
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
        toInteraction,
      );
    },
  };

  const neighbours: NeighbourStore = {
    async put(
      rows: { movieId: number; neighbours: ScoredMovie[] }[],
    ): Promise<void> {
      await bulk(
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

  const meta: MetaStore = {
    async get(key: string): Promise<string | null> {
      const doc = await c.meta.findOne({ _id: key }, withSession({}));
      return doc ? doc.value : null;
    },

    async set(key: string, value: string): Promise<void> {
      await c.meta.updateOne(
        { _id: key },
        { $set: { value } },
        withSession({ upsert: true }),
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
        for (let i = 0; i < head.parts; i++) {
          await c.blobParts.insertOne(
            {
              version,
              index: i,
              data: new Binary(
                value.subarray(i * blobPartBytes, (i + 1) * blobPartBytes),
              ),
            },
            withSession({}),
          );
        }
      }
      await c.blobs.replaceOne(
        { _id: key },
        head,
        withSession({ upsert: true }),
      );
      if (previous && previous.parts > 0) {
        await c.blobParts.deleteMany(
          { version: previous.version },
          withSession({}),
        );
      }
    },
  };

  return {
    kind: "mongodb",
    supportsTransactions,
    db: client.db(c.movies.dbName),
    movies,
    embeddings,
    interactions,
    neighbours,
    meta,
    async transaction<T>(work: () => Promise<T>): Promise<T> {
      // Nested calls join the outer transaction (MongoDB has no savepoints);
      // without replica set there is no transaction to join.
      if (sessions.getStore() || !supportsTransactions) return await work();
      const session = client.startSession();
      try {
        // withTransaction retries `work` on transient errors; store writes
        // are upserts, so a retried work lands once.
        return await session.withTransaction(
          () => sessions.run(session, work),
          {
            readConcern: { level: "snapshot" },
            writeConcern: { w: "majority" },
          },
        );
      } finally {
        await session.endSession();
      }
    },
    async ping(): Promise<void> {
      await client.db("admin").command({ ping: 1 });
    },
    async close(): Promise<void> {
      await client.close();
    },
  };
}
