/**
 * The SQLite schema, applied idempotently at open. `PRAGMA user_version`
 * records its version so that a later change can migrate old files.
 * @module
 */
import type { DatabaseSync } from "node:sqlite";

/** Version written to `PRAGMA user_version`. */
export const sqliteSchemaVersion = 1;

/** Tables and indexes (every statement is idempotent). */
export const sqliteSchema = `
CREATE TABLE IF NOT EXISTS movies (
  id INTEGER PRIMARY KEY,
  title TEXT NOT NULL,
  -- searchText(title): lower case, accents stripped; searched and sorted on
  search_title TEXT NOT NULL,
  year INTEGER,
  genres TEXT NOT NULL,            -- JSON array
  tags TEXT NOT NULL,              -- JSON array
  imdb TEXT,
  tmdb INTEGER,
  rating_count INTEGER NOT NULL DEFAULT 0,
  rating_mean REAL NOT NULL DEFAULT 0,
  bayesian_score REAL NOT NULL DEFAULT 0,
  rating_histogram TEXT NOT NULL DEFAULT '[0,0,0,0,0,0,0,0,0,0]'
);
-- Each index serves its sort in both directions (asc reverses every key).
-- "rating" (Bayesian average) and "popular" (most rated) lists.
CREATE INDEX IF NOT EXISTS movies_popular ON movies (bayesian_score DESC, id);
CREATE INDEX IF NOT EXISTS movies_most_rated
  ON movies (rating_count DESC, bayesian_score DESC, id);
-- No sort reads the raw mean any more ("rating" was the raw mean once).
DROP INDEX IF EXISTS movies_rating;
CREATE INDEX IF NOT EXISTS movies_title ON movies (search_title, id);
CREATE INDEX IF NOT EXISTS movies_year ON movies (year DESC, id);

-- One row per (genre, movie): the genre filter intersects these.
CREATE TABLE IF NOT EXISTS movie_genres (
  genre TEXT NOT NULL,
  movie_id INTEGER NOT NULL,
  PRIMARY KEY (genre, movie_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS movie_genres_movie ON movie_genres (movie_id);

CREATE TABLE IF NOT EXISTS embeddings (
  model TEXT NOT NULL,
  movie_id INTEGER NOT NULL,
  text_hash TEXT NOT NULL,
  vector BLOB NOT NULL,            -- Float32, little endian
  PRIMARY KEY (model, movie_id)
);

-- Keyed (and so stored) in scan order; WITHOUT ROWID keeps rows compact.
CREATE TABLE IF NOT EXISTS interactions (
  user_id TEXT NOT NULL,
  movie_id INTEGER NOT NULL,
  type TEXT NOT NULL,
  value REAL,
  timestamp INTEGER NOT NULL,
  PRIMARY KEY (user_id, movie_id, type)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS interactions_user_time
  ON interactions (user_id, timestamp DESC);

CREATE TABLE IF NOT EXISTS neighbours (
  movie_id INTEGER PRIMARY KEY,
  list BLOB NOT NULL               -- see binary_codec.ts encodeNeighbours
);

CREATE TABLE IF NOT EXISTS meta (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS blobs (
  key TEXT PRIMARY KEY,
  value BLOB NOT NULL
);
`;

/**
 * Sets the connection up (busy timeout, WAL, synchronous NORMAL) and applies
 * the schema in one transaction; refuses a file written by a newer schema.
 */
export function prepareDatabase(db: DatabaseSync, busyTimeoutMs: number): void {
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
