/**
 * SQLite adapter (`node:sqlite`): one file, WAL mode, so the API reads while
 * the pipeline writes. `node:sqlite` is synchronous: each store call runs in
 * one synchronous block, and batches run in one transaction.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import {
  DatabaseSync,
  type SQLInputValue,
  type StatementSync,
} from "node:sqlite";
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
  bytesIntoFloat32,
  decodeNeighbours,
  encodeNeighbours,
  float32ToBytes,
} from "../binary_codec.ts";
import {
  defaultScanBatchSize,
  keysetPages,
  type MovieSortField,
  resolveMovieQuery,
  searchText,
  sortNeighbours,
} from "../movie_query.ts";
import { sqliteSchema, sqliteSchemaVersion } from "./schema.ts";
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

/** Options of `openSqliteStore`. */
export interface SqliteStoreOptions {
  /** How long a write waits for another process's lock, in ms (default 5000). */
  busyTimeoutMs?: number;
}

interface MovieRow {
  id: number;
  title: string;
  year: number | null;
  genres: string;
  tags: string;
  imdb: string | null;
  tmdb: number | null;
  rating_count: number;
  rating_mean: number;
  bayesian_score: number;
  rating_histogram: string;
}

interface InteractionRow {
  user_id: string;
  movie_id: number;
  type: InteractionType;
  value: number | null;
  timestamp: number;
}

const movieColumns =
  "id, title, year, genres, tags, imdb, tmdb, rating_count, rating_mean, bayesian_score, rating_histogram";
const interactionColumns = "user_id, movie_id, type, value, timestamp";

const sortColumn: Record<MovieSortField, string> = {
  bayesianScore: "bayesian_score",
  ratingMean: "rating_mean",
  ratingCount: "rating_count",
  searchTitle: "search_title",
  year: "year",
  id: "id",
};

function toMovie(row: MovieRow): MovieWithStats {
  return {
    id: row.id,
    title: row.title,
    year: row.year,
    genres: JSON.parse(row.genres),
    tags: JSON.parse(row.tags),
    imdbId: row.imdb,
    tmdbId: row.tmdb,
    ratingCount: row.rating_count,
    ratingMean: row.rating_mean,
    bayesianScore: row.bayesian_score,
    ratingHistogram: JSON.parse(row.rating_histogram),
  };
}

function toInteraction(row: InteractionRow): Interaction {
  return {
    userId: row.user_id,
    movieId: row.movie_id,
    type: row.type,
    value: row.value,
    timestamp: row.timestamp,
  };
}

/** A FIFO lock: `acquire()` resolves with the function that releases it. */
function createMutex(): () => Promise<() => void> {
  let tail: Promise<void> = Promise.resolve();
  return async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const previous = tail;
    tail = previous.then(() => held);
    await previous;
    return release;
  };
}

/** One open transaction level; nested levels are savepoints. */
interface TransactionFrame {
  depth: number;
  /** Serialises the nested transactions started inside this level. */
  lockChild: () => Promise<() => void>;
}

/**
 * Opens (creating when needed) the SQLite store at `path`. The folder must
 * exist.
 *
 * @example
 * const store = await openSqliteStore(`${config.dataDir}/movielens.db`);
 * await store.movies.count();
 * await store.close();
 */
export function openSqliteStore(
  path: string,
  options: SqliteStoreOptions = {},
): Promise<Store> {
  const db = new DatabaseSync(path);
  try {
    configure(db, options.busyTimeoutMs ?? 5000);
  } catch (error) {
    db.close();
    throw error;
  }
  return Promise.resolve(createSqliteStore(db));
}

function configure(db: DatabaseSync, busyTimeoutMs: number): void {
  db.exec(`PRAGMA busy_timeout = ${Math.max(0, Math.floor(busyTimeoutMs))}`);
  db.exec("PRAGMA journal_mode = WAL");
  // Safe with WAL: a power loss may drop the last commits, never corrupt.
  db.exec("PRAGMA synchronous = NORMAL");
  const { user_version: version } = db.prepare("PRAGMA user_version")
    .get() as { user_version: number };
  if (version > sqliteSchemaVersion) {
    throw new Error(
      `SQLite schema version ${version} is newer than this code supports (${sqliteSchemaVersion}); upgrade the app or delete the database file`,
    );
  }
  db.exec("BEGIN IMMEDIATE");
  try {
    db.exec(sqliteSchema);
    db.exec(`PRAGMA user_version = ${sqliteSchemaVersion}`);
    db.exec("COMMIT");
  } catch (error) {
    db.exec("ROLLBACK");
    throw error;
  }
}

function createSqliteStore(db: DatabaseSync): Store {
  const statements = new Map<string, StatementSync>();
  /** Prepares once per SQL text (dynamic queries have few shapes). */
  const sql = (text: string): StatementSync => {
    let statement = statements.get(text);
    if (!statement) {
      statement = db.prepare(text);
      statements.set(text, statement);
    }
    return statement;
  };
  const all = <T>(text: string, ...params: SQLInputValue[]): T[] =>
    sql(text).all(...params) as unknown as T[];
  const one = <T>(text: string, ...params: SQLInputValue[]): T | undefined =>
    sql(text).get(...params) as unknown as T | undefined;
  const run = (text: string, ...params: SQLInputValue[]): number =>
    Number(sql(text).run(...params).changes);

  // --- Transactions -------------------------------------------------------
  // One connection is shared by every caller, so while `transaction()` awaits
  // its work, calls from outside it wait (`gate`) instead of joining it.
  const context = new AsyncLocalStorage<TransactionFrame>();
  const lockTopLevel = createMutex();
  let active: Promise<void> | null = null;
  let closed = false;

  const gate = async (): Promise<void> => {
    if (closed) throw new Error("SQLite store is closed");
    if (context.getStore()) return;
    while (active) await active;
  };

  /** Runs synchronous writes atomically, inside a caller's transaction too. */
  const batch = <T>(work: () => T): T => {
    const nested = db.isTransaction;
    db.exec(nested ? "SAVEPOINT batch" : "BEGIN IMMEDIATE");
    try {
      const result = work();
      db.exec(nested ? "RELEASE batch" : "COMMIT");
      return result;
    } catch (error) {
      if (nested) {
        db.exec("ROLLBACK TO batch");
        db.exec("RELEASE batch");
      } else if (db.isTransaction) {
        db.exec("ROLLBACK");
      }
      throw error;
    }
  };

  /** Runs several reads on one snapshot. */
  const read = <T>(work: () => T): T => {
    if (db.isTransaction) return work();
    db.exec("BEGIN");
    try {
      return work();
    } finally {
      db.exec("COMMIT");
    }
  };

  const transaction = async <T>(work: () => Promise<T>): Promise<T> => {
    const parent = context.getStore();
    if (parent) {
      const release = await parent.lockChild();
      const name = `level_${parent.depth + 1}`;
      db.exec(`SAVEPOINT ${name}`);
      try {
        const result = await context.run(
          { depth: parent.depth + 1, lockChild: createMutex() },
          work,
        );
        db.exec(`RELEASE ${name}`);
        return result;
      } catch (error) {
        db.exec(`ROLLBACK TO ${name}`);
        db.exec(`RELEASE ${name}`);
        throw error;
      } finally {
        release();
      }
    }
    const release = await lockTopLevel();
    let finished!: () => void;
    active = new Promise((resolve) => (finished = resolve));
    try {
      if (closed) throw new Error("SQLite store is closed");
      db.exec("BEGIN IMMEDIATE");
      try {
        const result = await context.run(
          { depth: 0, lockChild: createMutex() },
          work,
        );
        db.exec("COMMIT");
        return result;
      } catch (error) {
        if (db.isTransaction) db.exec("ROLLBACK");
        throw error;
      }
    } finally {
      active = null;
      finished();
      release();
    }
  };

  // --- Movies -------------------------------------------------------------
  const movies: MovieStore = {
    async upsert(list: Movie[]): Promise<void> {
      await gate();
      batch(() => {
        for (const m of list) {
          run(
            `INSERT INTO movies (id, title, search_title, year, genres, tags, imdb, tmdb)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?)
             ON CONFLICT (id) DO UPDATE SET title = excluded.title,
               search_title = excluded.search_title, year = excluded.year,
               genres = excluded.genres, tags = excluded.tags,
               imdb = excluded.imdb, tmdb = excluded.tmdb`,
            m.id,
            m.title,
            searchText(m.title),
            m.year,
            JSON.stringify(m.genres),
            JSON.stringify(m.tags),
            m.imdbId,
            m.tmdbId,
          );
          run("DELETE FROM movie_genres WHERE movie_id = ?", m.id);
          for (const genre of m.genres) {
            run(
              "INSERT OR IGNORE INTO movie_genres (genre, movie_id) VALUES (?, ?)",
              genre,
              m.id,
            );
          }
        }
      });
    },

    async putStats(stats: MovieStats[]): Promise<void> {
      await gate();
      batch(() => {
        for (const s of stats) {
          run(
            `UPDATE movies SET rating_count = ?, rating_mean = ?,
               bayesian_score = ?, rating_histogram = ? WHERE id = ?`,
            s.ratingCount,
            s.ratingMean,
            s.bayesianScore,
            JSON.stringify(s.ratingHistogram),
            s.movieId,
          );
        }
      });
    },

    async get(id: number): Promise<MovieWithStats | null> {
      await gate();
      const row = one<MovieRow>(
        `SELECT ${movieColumns} FROM movies WHERE id = ?`,
        id,
      );
      return row ? toMovie(row) : null;
    },

    async getMany(ids: number[]): Promise<MovieWithStats[]> {
      await gate();
      if (ids.length === 0) return [];
      // rows are streamed: a whole-catalogue read never holds every raw row
      // beside every movie
      const byId = new Map<number, MovieWithStats>();
      const rows = sql(
        `SELECT ${movieColumns} FROM movies
         WHERE id IN (SELECT value FROM json_each(?))`,
      ).iterate(JSON.stringify(ids)) as Iterable<MovieRow>;
      for (const row of rows) byId.set(row.id, toMovie(row));
      return ids.flatMap((id) => byId.get(id) ?? []);
    },

    async query(query: MovieQuery): Promise<MoviePage> {
      await gate();
      const q = resolveMovieQuery(query);
      const where: string[] = [];
      const params: SQLInputValue[] = [];
      if (q.q !== null) {
        // A substring cannot use an index; a scan of the folded titles is
        // well under a millisecond per 10k movies.
        where.push("instr(search_title, ?) > 0");
        params.push(q.q);
      }
      for (const genre of q.genres) {
        where.push("id IN (SELECT movie_id FROM movie_genres WHERE genre = ?)");
        params.push(genre);
      }
      if (q.yearFrom !== null) {
        where.push("year >= ?");
        params.push(q.yearFrom);
      }
      if (q.yearTo !== null) {
        where.push("year <= ?");
        params.push(q.yearTo);
      }
      const whereSql = where.length ? `WHERE ${where.join(" AND ")}` : "";
      const orderSql = q.keys.map((key) =>
        `${sortColumn[key.field]} ${key.direction === 1 ? "ASC" : "DESC"}`
      ).join(", ");
      return read(() => {
        const { total } = one<{ total: number }>(
          `SELECT COUNT(*) AS total FROM movies ${whereSql}`,
          ...params,
        )!;
        const rows = all<MovieRow>(
          `SELECT ${movieColumns} FROM movies ${whereSql}
           ORDER BY ${orderSql} LIMIT ? OFFSET ?`,
          ...params,
          q.limit,
          q.offset,
        );
        return { items: rows.map(toMovie), total };
      });
    },

    async genres(): Promise<GenreCount[]> {
      await gate();
      return all<GenreCount>(
        `SELECT genre, COUNT(*) AS count FROM movie_genres
         GROUP BY genre ORDER BY genre`,
      ).map(({ genre, count }) => ({ genre, count }));
    },

    async count(): Promise<number> {
      await gate();
      return one<{ n: number }>("SELECT COUNT(*) AS n FROM movies")!.n;
    },

    async ids(): Promise<number[]> {
      await gate();
      return all<{ id: number }>("SELECT id FROM movies ORDER BY id").map((
        row,
      ) => row.id);
    },
  };

  // --- Embeddings ---------------------------------------------------------
  const embeddings: EmbeddingStore = {
    async put(model: string, rows: EmbeddingRow[]): Promise<void> {
      await gate();
      batch(() => {
        for (const row of rows) {
          run(
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
      });
    },

    async hashes(model: string): Promise<Map<number, string>> {
      await gate();
      const rows = all<{ movie_id: number; text_hash: string }>(
        "SELECT movie_id, text_hash FROM embeddings WHERE model = ?",
        model,
      );
      return new Map(rows.map((row) => [row.movie_id, row.text_hash]));
    },

    async load(model: string): Promise<EmbeddingMatrix | null> {
      await gate();
      return read(() => {
        const first = one<{ bytes: number }>(
          `SELECT length(vector) AS bytes FROM embeddings WHERE model = ?
           ORDER BY movie_id LIMIT 1`,
          model,
        );
        const { n } = one<{ n: number }>(
          "SELECT COUNT(*) AS n FROM embeddings WHERE model = ?",
          model,
        )!;
        if (n === 0 || !first) return null;
        const dim = first.bytes / 4;
        const ids = new Int32Array(n);
        // Allocated where the scoring kernel reads it, so that the first
        // search does not copy it (core/vectors/score_kernel.ts); rows are streamed
        // one at a time into it, never all held as BLOBs.
        const vectors = allocateVectors(n, dim);
        let i = 0;
        const rows = sql(
          `SELECT movie_id, vector FROM embeddings WHERE model = ?
           ORDER BY movie_id`,
        ).iterate(model) as Iterable<{ movie_id: number; vector: Uint8Array }>;
        for (const row of rows) {
          if (row.vector.length !== dim * 4) {
            throw new Error(
              `Embedding of movie ${row.movie_id} in model "${model}" has ${
                row.vector.length / 4
              } dimensions, expected ${dim} like the first row`,
            );
          }
          ids[i] = row.movie_id;
          bytesIntoFloat32(row.vector, vectors, i * dim);
          i++;
        }
        return { ids, dim, vectors };
      });
    },

    async prune(model: string, keep: Set<number>): Promise<number> {
      await gate();
      return batch(() => {
        const stored = all<{ movie_id: number }>(
          "SELECT movie_id FROM embeddings WHERE model = ?",
          model,
        );
        let removed = 0;
        for (const { movie_id: id } of stored) {
          if (keep.has(id)) continue;
          removed += run(
            "DELETE FROM embeddings WHERE model = ? AND movie_id = ?",
            model,
            id,
          );
        }
        return removed;
      });
    },
  };

  // --- Interactions -------------------------------------------------------
  // History versions: this connection counts its own writes per user, and
  // SQLite's data_version changes whenever another connection (the pipeline,
  // another process) commits, which may touch any user.
  const userWrites = new Map<string, number>();
  const wrote = (userId: string) =>
    userWrites.set(userId, (userWrites.get(userId) ?? 0) + 1);
  const interactions: InteractionStore = {
    async upsert(rows: Interaction[]): Promise<void> {
      await gate();
      // counted before the write: a reader in between only re-reads
      for (const row of rows) wrote(row.userId);
      batch(() => {
        for (const row of rows) {
          run(
            `INSERT INTO interactions (${interactionColumns})
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

    async forUser(userId: string): Promise<Interaction[]> {
      await gate();
      return all<InteractionRow>(
        `SELECT ${interactionColumns} FROM interactions WHERE user_id = ?
         ORDER BY timestamp DESC, movie_id, type`,
        userId,
      ).map(toInteraction);
    },

    async remove(
      userId: string,
      movieId: number,
      type?: InteractionType,
    ): Promise<number> {
      await gate();
      wrote(userId);
      return type === undefined
        ? run(
          "DELETE FROM interactions WHERE user_id = ? AND movie_id = ?",
          userId,
          movieId,
        )
        : run(
          `DELETE FROM interactions
           WHERE user_id = ? AND movie_id = ? AND type = ?`,
          userId,
          movieId,
          type,
        );
    },

    async count(): Promise<number> {
      await gate();
      return one<{ n: number }>("SELECT COUNT(*) AS n FROM interactions")!.n;
    },

    async historyVersion(userId: string): Promise<string> {
      await gate();
      const { data_version: external } = one<{ data_version: number }>(
        "PRAGMA data_version",
      )!;
      return `${external}:${userWrites.get(userId) ?? 0}`;
    },

    scan(
      batchSize: number = defaultScanBatchSize,
    ): AsyncIterable<Interaction[]> {
      return keysetPages<InteractionRow, Interaction>(
        batchSize,
        async (last) => {
          await gate();
          return last
            ? all<InteractionRow>(
              `SELECT ${interactionColumns} FROM interactions
               WHERE (user_id, movie_id, type) > (?, ?, ?)
               ORDER BY user_id, movie_id, type LIMIT ?`,
              last.user_id,
              last.movie_id,
              last.type,
              batchSize,
            )
            : all<InteractionRow>(
              `SELECT ${interactionColumns} FROM interactions
               ORDER BY user_id, movie_id, type LIMIT ?`,
              batchSize,
            );
        },
        toInteraction,
      );
    },
  };

  // --- Neighbours ---------------------------------------------------------
  const neighbours: NeighbourStore = {
    async put(
      rows: { movieId: number; neighbours: ScoredMovie[] }[],
    ): Promise<void> {
      await gate();
      batch(() => {
        for (const row of rows) {
          run(
            `INSERT INTO neighbours (movie_id, list) VALUES (?, ?)
             ON CONFLICT (movie_id) DO UPDATE SET list = excluded.list`,
            row.movieId,
            encodeNeighbours(sortNeighbours(row.neighbours)),
          );
        }
      });
    },

    async get(movieId: number, limit: number): Promise<ScoredMovie[]> {
      await gate();
      if (limit <= 0) return [];
      const row = one<{ list: Uint8Array }>(
        "SELECT list FROM neighbours WHERE movie_id = ?",
        movieId,
      );
      return row ? decodeNeighbours(row.list, limit) : [];
    },
  };

  // --- Meta ---------------------------------------------------------------
  const meta: MetaStore = {
    async get(key: string): Promise<string | null> {
      await gate();
      return one<{ value: string }>("SELECT value FROM meta WHERE key = ?", key)
        ?.value ?? null;
    },
    async set(key: string, value: string): Promise<void> {
      await gate();
      run(
        `INSERT INTO meta (key, value) VALUES (?, ?)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
        key,
        value,
      );
    },
    async getBlob(key: string): Promise<Uint8Array | null> {
      await gate();
      return one<{ value: Uint8Array }>(
        "SELECT value FROM blobs WHERE key = ?",
        key,
      )?.value ?? null;
    },
    async setBlob(key: string, value: Uint8Array): Promise<void> {
      await gate();
      run(
        `INSERT INTO blobs (key, value) VALUES (?, ?)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
        key,
        value,
      );
    },
  };

  return {
    kind: "sqlite",
    movies,
    embeddings,
    interactions,
    neighbours,
    meta,
    transaction,
    async ping(): Promise<void> {
      await gate();
      one("SELECT 1");
    },
    async close(): Promise<void> {
      if (closed) return;
      await gate();
      closed = true;
      db.close();
    },
  };
}
