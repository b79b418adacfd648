/**
 * One entry point for a MovieLens folder in any layout: the CSV releases
 * (ml-latest-small … ml-32m) or the classic ml-1m / ml-100k files. Every
 * step that reads a dataset goes through here, so a folder of either kind
 * loads, embeds and evaluates alike.
 */
import type { Movie } from "../core/types.ts";
import { type CsvReadOptions, fileExists } from "./csv.ts";
import { datasetFiles, readMovies } from "./parse_movies.ts";
import { type RatingBatch, ratingBatch } from "./parse_ratings.ts";
import { ratingBatches } from "./ratings_scan.ts";
import {
  type ClassicFormat,
  readClassicMovies,
  readClassicRatings,
} from "./parse_classic.ts";

/** Which MovieLens layout a folder holds. */
export type DatasetFormat = "csv" | ClassicFormat;

/** The files of each layout: movies and ratings must be there, the rest may. */
export const FORMAT_FILES: Record<
  DatasetFormat,
  { movies: string; ratings: string; optional: string[] }
> = {
  csv: {
    movies: "movies.csv",
    ratings: "ratings.csv",
    optional: ["links.csv", "tags.csv"],
  },
  "ml-1m": { movies: "movies.dat", ratings: "ratings.dat", optional: [] },
  "ml-100k": { movies: "u.item", ratings: "u.data", optional: [] },
};

/** Every layout, in the order they are looked for. */
const FORMATS = Object.keys(FORMAT_FILES) as DatasetFormat[];

/**
 * The layout of a dataset folder: the first whose movies and ratings files
 * are both there.
 *
 * @example
 * ```ts
 * await detectFormat("data/ml-1m"); // "ml-1m"
 * ```
 */
export async function detectFormat(dir: string): Promise<DatasetFormat> {
  for (const format of FORMATS) {
    const { movies, ratings } = FORMAT_FILES[format];
    if (
      await fileExists(`${dir}/${movies}`) &&
      await fileExists(`${dir}/${ratings}`)
    ) {
      return format;
    }
  }
  throw new Error(
    `${dir}: expected a MovieLens folder (${
      FORMATS.map((f) =>
        `${FORMAT_FILES[f].movies} and ${FORMAT_FILES[f].ratings}`
      ).join(", or ")
    }), found neither`,
  );
}

/**
 * Every movie of a dataset folder, sorted by id (links and tags when the
 * layout has them).
 */
export async function readDatasetMovies(dir: string): Promise<Movie[]> {
  const format = await detectFormat(dir);
  return format === "csv"
    ? await readMovies(dir)
    : await readClassicMovies(dir, format);
}

/**
 * Streams a dataset folder's ratings in batches of at most
 * `options.batchSize` (default 10 000).
 *
 * @example
 * ```ts
 * for await (const batch of datasetRatingBatches(dir)) total += batch.size;
 * ```
 */
export async function* datasetRatingBatches(
  dir: string,
  options: CsvReadOptions = {},
): AsyncGenerator<RatingBatch> {
  const format = await detectFormat(dir);
  if (format === "csv") {
    yield* ratingBatches(datasetFiles(dir).ratings, options);
    return;
  }
  // The classic files are at most a million rows: read whole, handed out in slices.
  const all = await readClassicRatings(dir, format);
  const size = options.batchSize ?? 10_000;
  for (let start = 0; start < all.size; start += size) {
    const end = Math.min(all.size, start + size);
    const batch = ratingBatch(end - start);
    batch.userIds.set(all.userIds.subarray(start, end));
    batch.movieIds.set(all.movieIds.subarray(start, end));
    batch.ratings.set(all.ratings.subarray(start, end));
    batch.timestamps.set(all.timestamps.subarray(start, end));
    batch.lines.set(all.lines.subarray(start, end));
    yield batch;
  }
}
