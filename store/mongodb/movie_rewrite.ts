/**
 * Movie statistics written by rewriting documents instead of keyed updates,
 * for servers where every keyed update scans the collection: FerretDB 1.24
 * on SQLite pushes down only `{_id: <string or ObjectId>}` (movie ids are
 * numbers), so `putStats` of ml-latest-small's 9,742 movies was 9,742 scans
 * of `movies` (0.36 s each, measured: about an hour). Here one `putStats`
 * costs two scans (read the movies, delete them) and two inserts, whatever
 * its size.
 *
 * Crash safety without transactions: the rewritten documents go to the
 * journal collection `movie_rewrites` first, then the old documents are
 * deleted and the new ones inserted, then the journal is emptied. A crash
 * anywhere leaves each movie whole, old or new; one between the delete and
 * the insert leaves movies missing, which `replayMovieRewrites` (run when a
 * store opens, and before every rewrite) puts back from the journal.
 * Not for concurrent writers of `movies` (the pipeline is the only one):
 * an upsert landing between the read and the delete would be undone. A
 * store opened during a rewrite replays it too (the same documents, so
 * harmless) and empties the journal early: if the rewriter then crashes
 * between its delete and its insert, those movies stay missing until
 * `deno task pipeline load --force` writes them again.
 * @module
 */
import type { MovieStats } from "../../core/types.ts";
import type { MongoConnection, Upsert } from "./connection.ts";
import type { MovieDoc } from "./query.ts";

/** The stored fields of `stats`. */
export function statsFields(stats: MovieStats) {
  return {
    ratingCount: stats.ratingCount,
    ratingMean: stats.ratingMean,
    bayesianScore: stats.bayesianScore,
    ratingHistogram: stats.ratingHistogram,
  };
}

/** A whole movie document as an upsert: inserted, or replacing its fields. */
function asUpsert(doc: MovieDoc): Upsert<MovieDoc> {
  const { _id, ...fields } = doc;
  return { insert: doc, filter: { _id }, update: { $set: fields } };
}

/**
 * Puts back the movies of an interrupted rewrite from the journal (the new
 * versions win), then empties it. Costs one query when the journal is empty.
 */
export async function replayMovieRewrites(db: MongoConnection): Promise<void> {
  const { c } = db;
  const pending = await c.movieRewrites.find({}).toArray();
  if (pending.length === 0) return;
  await db.upsert(c.movies, pending.map(asUpsert));
  await db.write(() => c.movieRewrites.deleteMany({}));
}

/** `putStats` by rewriting the movies of `stats` (see the module doc). */
export async function rewriteMovieStats(
  db: MongoConnection,
  stats: MovieStats[],
): Promise<void> {
  const { c } = db;
  await replayMovieRewrites(db);
  const byId = new Map(stats.map((s) => [s.movieId, s]));
  const current = await c.movies.find({ _id: { $in: [...byId.keys()] } })
    .toArray();
  if (current.length === 0) return;
  const rewritten = current.map((doc) => ({
    ...doc,
    ...statsFields(byId.get(doc._id)!),
  }));
  await db.upsert(c.movieRewrites, rewritten.map(asUpsert));
  await db.write(() =>
    c.movies.deleteMany({ _id: { $in: rewritten.map((doc) => doc._id) } })
  );
  // Nothing else writes movies, so these are all new keys: one insert each.
  await db.upsert(c.movies, rewritten.map(asUpsert));
  await db.write(() => c.movieRewrites.deleteMany({}));
}
