/**
 * Loads a MovieLens folder for offline evaluation with the pipeline's own
 * parsers: ratings as interactions (user ids `ml:<userId>`, as the pipeline
 * stores them) and movies with tags.
 */
import type { Interaction, Movie } from "../core/types.ts";
import {
  datasetFiles,
  type RatingBatch,
  ratingBatches,
  readMovies,
} from "./parse.ts";
import {
  detectFormat,
  readClassicMovies,
  readClassicRatings,
} from "./parse_classic.ts";

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
  const format = await detectFormat(dir);
  const ratings: Interaction[] = [];
  const add = (batch: RatingBatch) => {
    for (let i = 0; i < batch.size; i++) {
      ratings.push({
        userId: `ml:${batch.userIds[i]}`,
        movieId: batch.movieIds[i],
        type: "rating",
        value: batch.ratings[i],
        timestamp: batch.timestamps[i],
      });
    }
  };
  if (format !== "csv") {
    add(await readClassicRatings(dir, format));
    return { dir, movies: await readClassicMovies(dir, format), ratings };
  }
  for await (const batch of ratingBatches(datasetFiles(dir).ratings)) {
    add(batch);
  }
  return { dir, movies: await readMovies(dir), ratings };
}
