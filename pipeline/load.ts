/**
 * Step 3: movies and ratings into the store. Everything is validated first
 * (a streaming pass over ratings.csv), so bad data leaves the store as it
 * was; then ratings are written in transactions of `commitEvery` rows, so
 * that a running load never holds the store's write lock for long (the API
 * keeps taking ratings) and memory holds one batch. A load cut short leaves
 * the step unmarked: the next run loads again, and upserts replace rows
 * instead of adding copies.
 */
import type { Interaction, Movie } from "../core/types.ts";
import type { Store } from "../store/types.ts";
import type { PipelineContext, StepOptions, StepResult } from "./context.ts";
import { ensureDataset } from "./download.ts";
import {
  datasetFingerprint,
  inputsFingerprint,
  isStepDone,
  markStepDone,
} from "./fingerprint.ts";
import {
  datasetRatingBatches,
  detectFormat,
  FORMAT_FILES,
  readDatasetMovies,
} from "./dataset.ts";
import { DatasetError } from "./csv.ts";
import type { RatingBatch } from "./parse_ratings.ts";
import { type ProgressReporter, silentProgress } from "./progress.ts";

/** Prefix of MovieLens users' ids, so they never collide with app users. */
export const MOVIELENS_USER_PREFIX = "ml:";

/** Options for `loadDataset`. */
export interface LoadOptions {
  /** Rows per store write (default 10 000). */
  batchSize?: number;
  /**
   * Rows per transaction (default 50 000): about half a second of writing
   * at SQLite's ~100k rows/s, well inside the 5 s an API write waits for
   * the lock, and a few MB of WAL per commit; 500 commits for ml-25m.
   */
  commitEvery?: number;
  progress?: ProgressReporter;
}

/** What `loadDataset` wrote. */
export interface LoadSummary {
  movies: number;
  ratings: number;
  users: number;
}

/**
 * Checks every rating refers to a known movie; returns the number of
 * ratings and users. Throws `DatasetError` (file and line) otherwise.
 */
async function validateRatings(
  dir: string,
  movieIds: Set<number>,
  batchSize: number,
  progress: ProgressReporter,
): Promise<{ ratings: number; users: number }> {
  const files = FORMAT_FILES[await detectFormat(dir)];
  const task = progress.task(`validate ${files.ratings}`, 0, "ratings");
  let ratings = 0;
  const users = new Set<number>();
  for await (const batch of datasetRatingBatches(dir, { batchSize })) {
    for (let i = 0; i < batch.size; i++) {
      if (!movieIds.has(batch.movieIds[i])) {
        throw new DatasetError(
          { file: files.ratings, line: batch.lines[i] },
          `expected a movieId from ${files.movies}, found ${batch.movieIds[i]}`,
        );
      }
      users.add(batch.userIds[i]);
    }
    ratings += batch.size;
    task.advance(batch.size);
  }
  task.done();
  return { ratings, users: users.size };
}

/**
 * Loads a dataset folder into the store: movies (with links and tags) and
 * every rating as an interaction of user `ml:<userId>`.
 *
 * @example
 * await loadDataset(store, "../shared/data/ml-latest-small");
 */
export async function loadDataset(
  store: Store,
  dir: string,
  options: LoadOptions = {},
): Promise<LoadSummary> {
  const progress = options.progress ?? silentProgress;
  const batchSize = options.batchSize ?? 10_000;
  const movies: Movie[] = await readDatasetMovies(dir);
  const movieIds = new Set(movies.map((m) => m.id));
  const { ratings, users } = await validateRatings(
    dir,
    movieIds,
    batchSize,
    progress,
  );

  await store.transaction(async () => {
    const movieTask = progress.task("load movies", movies.length, "movies");
    for (let start = 0; start < movies.length; start += batchSize) {
      const batch = movies.slice(start, start + batchSize);
      await store.movies.upsert(batch);
      movieTask.advance(batch.length);
    }
    movieTask.done();
  });
  const commitEvery = Math.max(batchSize, options.commitEvery ?? 50_000);
  const ratingTask = progress.task("load ratings", ratings, "ratings");
  const batches = datasetRatingBatches(dir, { batchSize });
  let finished = false;
  while (!finished) {
    await store.transaction(async () => {
      for (let rows = 0; rows < commitEvery;) {
        const next = await batches.next();
        if (next.done) {
          finished = true;
          return;
        }
        await store.interactions.upsert(interactionsOf(next.value));
        rows += next.value.size;
        ratingTask.advance(next.value.size);
      }
    });
  }
  ratingTask.done();
  return { movies: movies.length, ratings, users };
}

/** A batch of ratings as the interactions of MovieLens users. */
function interactionsOf(batch: RatingBatch): Interaction[] {
  const rows: Interaction[] = new Array(batch.size);
  for (let i = 0; i < batch.size; i++) {
    rows[i] = {
      userId: `${MOVIELENS_USER_PREFIX}${batch.userIds[i]}`,
      movieId: batch.movieIds[i],
      type: "rating",
      value: batch.ratings[i],
      timestamp: batch.timestamps[i],
    };
  }
  return rows;
}

/** The `load` step: dataset → movies and interactions in the store. */
export async function loadStep(
  ctx: PipelineContext,
  options: StepOptions = {},
): Promise<StepResult> {
  const { config, store, progress } = ctx;
  const dataset = await ensureDataset(config, ctx.objects, { progress });
  const fingerprint = inputsFingerprint({
    dataset: await datasetFingerprint(dataset.dir),
    version: 1,
  });
  if (
    !options.force &&
    await isStepDone(store.meta, { step: "load", fingerprint })
  ) {
    const count = await store.movies.count();
    if (count > 0) {
      return {
        step: "load",
        skipped: true,
        detail: `${dataset.name} already loaded (${count} movies)`,
      };
    }
  }
  const summary = await loadDataset(store, dataset.dir, { progress });
  await markStepDone(store.meta, {
    step: "load",
    fingerprint,
    details: { ...summary },
  });
  return {
    step: "load",
    skipped: false,
    detail:
      `${summary.movies} movies, ${summary.ratings} ratings from ${summary.users} users`,
  };
}
