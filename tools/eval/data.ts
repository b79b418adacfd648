/**
 * Loads a MovieLens folder for offline evaluation with the pipeline's own
 * parsers: ratings as interactions (user ids `ml:<userId>`, as the pipeline
 * stores them) and movies with tags.
 */
import type { Interaction, Movie } from "../../core/types.ts";
import {
  datasetRatingBatches,
  readDatasetMovies,
} from "../../pipeline/dataset.ts";

/** Ratings and movies of one dataset folder. */
export interface EvalDataset {
  dir: string;
  movies: Movie[];
  ratings: Interaction[];
}

/**
 * Reads movies.csv (+ tags, links) and ratings.csv from `dir`, or the
 * classic ml-1m / ml-100k files when the folder holds those instead.
 *
 * @example
 * ```ts
 * const data = await loadEvalDataset("../shared/data/ml-latest-small");
 * ```
 */
export async function loadEvalDataset(dir: string): Promise<EvalDataset> {
  const movies = await readDatasetMovies(dir);
  const ratings: Interaction[] = [];
  for await (const batch of datasetRatingBatches(dir)) {
    for (let i = 0; i < batch.size; i++) {
      ratings.push({
        userId: `ml:${batch.userIds[i]}`,
        movieId: batch.movieIds[i],
        type: "rating",
        value: batch.ratings[i],
        timestamp: batch.timestamps[i],
      });
    }
  }
  return { dir, movies, ratings };
}
