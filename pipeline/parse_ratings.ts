/**
 * Rating rows as typed arrays: the batch shape every ratings reader yields
 * (ratings_scan.ts for ratings.csv, parse_classic.ts for ml-1m and ml-100k),
 * and the validation of one row, which names the file, line and field of a
 * bad value (`<file> line <n>: expected …, found …`).
 */
import { DatasetError, type DatasetPosition, INTEGER, parseId } from "./csv.ts";

/** A batch of ratings as parallel typed arrays (row i is one rating). */
export interface RatingBatch {
  size: number;
  userIds: Int32Array;
  movieIds: Int32Array;
  /** 0.5 to 5. */
  ratings: Float32Array;
  /** Milliseconds since the epoch (the file has seconds). */
  timestamps: Float64Array;
  /** The CSV line of each row, for error messages. */
  lines: Int32Array;
}

/** A zero-filled batch of `size` ratings. */
export function ratingBatch(size: number): RatingBatch {
  return {
    size,
    userIds: new Int32Array(size),
    movieIds: new Int32Array(size),
    ratings: new Float32Array(size),
    timestamps: new Float64Array(size),
    lines: new Int32Array(size),
  };
}

/** The ratings a file may hold: the range and whether halves are allowed. */
export interface RatingScale {
  min: number;
  max: number;
  /** Whole stars only (the classic releases). */
  whole: boolean;
}

/** The CSV releases: 0.5 to 5 stars. */
export const HALF_STARS: RatingScale = { min: 0.5, max: 5, whole: false };

/**
 * Row `i` of `batch` from the fields userId, movieId, rating, timestamp
 * (seconds), or a `DatasetError` naming the file, line and field.
 */
export function setRatingRow(
  batch: RatingBatch,
  row: DatasetPosition & {
    /** Index of the row in `batch`. */
    row: number;
    /** userId, movieId, rating, timestamp. */
    fields: string[];
    scale: RatingScale;
  },
): void {
  const { row: i, file, line, fields, scale } = row;
  batch.userIds[i] = parseId(fields[0].trim(), {
    file,
    line,
    column: "userId",
  });
  batch.movieIds[i] = parseId(fields[1].trim(), {
    file,
    line,
    column: "movieId",
  });
  const text = fields[2].trim();
  const rating = Number(text);
  if (
    text === "" || !Number.isFinite(rating) || rating < scale.min ||
    rating > scale.max || (scale.whole && !Number.isInteger(rating))
  ) {
    throw new DatasetError(
      { file, line },
      `expected rating ${scale.min} to ${scale.max}${
        scale.whole ? " (whole stars)" : ""
      }, found "${text}"`,
    );
  }
  batch.ratings[i] = rating;
  batch.timestamps[i] = parseSeconds(fields[3].trim(), { file, line });
  batch.lines[i] = line;
}

/** Milliseconds from a timestamp in whole seconds, or a `DatasetError`. */
export function parseSeconds(text: string, at: DatasetPosition): number {
  const { file, line } = at;
  // Beyond 2⁵³ ms (year 287 396) a number is not a time, and not exact.
  if (!INTEGER.test(text) || !Number.isSafeInteger(Number(text) * 1000)) {
    throw new DatasetError(
      { file, line },
      `expected timestamp in seconds since 1970, found "${text}"`,
    );
  }
  return Number(text) * 1000;
}
