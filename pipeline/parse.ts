/**
 * Parsers for the MovieLens CSV files (movies, links, tags, ratings). Files
 * are streamed: ratings come out in batches of typed arrays, so ml-32m's 32
 * million rows never exist as one object per row. Any malformed row stops
 * the parse with `<file> line <n>: expected …, found …`.
 */
import { parse as csvParser } from "csv-parse";
import type { Movie } from "../core/types.ts";

/** A malformed CSV row; the message names the file and line. */
export class DatasetError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    detail: string,
  ) {
    super(`${file} line ${line}: ${detail}`);
    this.name = "DatasetError";
  }
}

/** One CSV record with the line it ends on (1 is the header). */
interface CsvRecord {
  fields: string[];
  line: number;
}

/** Options for `csvRecords`. */
export interface CsvReadOptions {
  /** Records per yielded batch (default 10 000). */
  batchSize?: number;
}

function baseName(path: string): string {
  return path.slice(path.lastIndexOf("/") + 1);
}

/**
 * Streams the records of a CSV file in batches, after checking that the
 * header is exactly `header` and that every row has that many columns.
 * Accepts a UTF-8 BOM, quoted fields with commas and CRLF or LF endings.
 */
export async function* csvRecords(
  path: string,
  header: readonly string[],
  options: CsvReadOptions = {},
): AsyncGenerator<CsvRecord[]> {
  const file = baseName(path);
  const batchSize = options.batchSize ?? 10_000;
  let batch: CsvRecord[] = [];
  const ready: CsvRecord[][] = [];
  let failure: Error | undefined;
  let sawHeader = false;
  const parser = csvParser({
    bom: true,
    relax_column_count: true,
    // Both endings, even mixed in one file: copies in the wild differ.
    record_delimiter: ["\r\n", "\n"],
    skip_empty_lines: true,
    on_record: (fields: string[], context: { lines: number }) => {
      if (failure) return null;
      if (!sawHeader) {
        sawHeader = true;
        const found = fields.map((f) => f.trim());
        if (found.join(",") !== header.join(",")) {
          failure = new DatasetError(
            file,
            context.lines,
            `expected header "${header.join(",")}", found "${
              fields.join(",")
            }"`,
          );
        }
        return null;
      }
      if (fields.length !== header.length) {
        failure = new DatasetError(
          file,
          context.lines,
          `expected ${header.length} columns (${
            header.join(",")
          }), found ${fields.length}`,
        );
        return null;
      }
      batch.push({ fields, line: context.lines });
      if (batch.length >= batchSize) {
        ready.push(batch);
        batch = [];
      }
      // Records are consumed here; nothing is queued in the stream.
      return null;
    },
  });
  parser.on("error", (error: Error) => {
    failure ??= new Error(`${file}: cannot parse CSV: ${error.message}`, {
      cause: error,
    });
  });
  const ended = new Promise<void>((resolve) => {
    parser.on("end", () => resolve());
    parser.on("error", () => resolve());
  });
  parser.resume();

  let handle: Deno.FsFile;
  try {
    handle = await Deno.open(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) {
      throw new Error(`${file}: expected a file at ${path}, found none`);
    }
    throw error;
  }
  // Leaving the loop early (an error) cancels the stream, which closes the file.
  for await (const chunk of handle.readable) {
    // on_record runs synchronously inside write().
    parser.write(chunk);
    if (failure) throw failure;
    while (ready.length) yield ready.shift()!;
  }
  parser.end();
  await ended;
  if (failure) throw failure;
  if (!sawHeader) {
    throw new DatasetError(
      file,
      1,
      `expected header "${header.join(",")}", found an empty file`,
    );
  }
  // end() may flush the last records, filling one more batch.
  yield* ready;
  if (batch.length) yield batch;
}

const INTEGER = /^\d+$/;

/** A positive 32-bit id, or a `DatasetError` naming the column. */
export function parseId(
  file: string,
  line: number,
  column: string,
  text: string,
): number {
  const value = Number(text);
  if (!INTEGER.test(text) || value < 1 || value > 2_147_483_647) {
    throw new DatasetError(
      file,
      line,
      `expected ${column} to be a positive integer, found "${text}"`,
    );
  }
  return value;
}

/** Title and year split from a MovieLens title such as "Toy Story (1995)". */
export interface ParsedTitle {
  title: string;
  year: number | null;
}

// "(1995)", "(2006–2007)", "(2006-)" and stray spaces around them.
const YEAR_SUFFIX = /^(.*?)\s*\((\d{4})(?:\s*[–-]\s*(?:\d{4})?)?\)$/;

/**
 * Splits the trailing year off a MovieLens title. A range "(2006–2007)"
 * (series) gives its first year; a title without a year keeps year null.
 *
 * @example
 * parseTitle("Toy Story (1995)"); // { title: "Toy Story", year: 1995 }
 */
export function parseTitle(raw: string): ParsedTitle {
  const trimmed = raw.trim();
  const match = YEAR_SUFFIX.exec(trimmed);
  if (!match || match[1].trim() === "") return { title: trimmed, year: null };
  return { title: match[1].trim(), year: Number(match[2]) };
}

/** Splits a genre list; "(no genres listed)" is the empty list. */
export function parseGenres(raw: string): string[] {
  const text = raw.trim();
  if (text === "" || text === "(no genres listed)") return [];
  return text.split("|").map((g) => g.trim()).filter(Boolean);
}

/** A row of movies.csv. */
export interface MovieRow {
  id: number;
  title: string;
  year: number | null;
  genres: string[];
}

/** Reads movies.csv; ids must be unique. */
export async function parseMovies(path: string): Promise<MovieRow[]> {
  const file = baseName(path);
  const rows: MovieRow[] = [];
  const seen = new Set<number>();
  for await (
    const batch of csvRecords(path, ["movieId", "title", "genres"])
  ) {
    for (const { fields, line } of batch) {
      const id = parseId(file, line, "movieId", fields[0].trim());
      if (seen.has(id)) {
        throw new DatasetError(
          file,
          line,
          `expected each movieId once, found ${id} again`,
        );
      }
      seen.add(id);
      rows.push({
        id,
        ...parseTitle(fields[1]),
        genres: parseGenres(fields[2]),
      });
    }
  }
  return rows;
}

/** External ids of one movie from links.csv. */
export interface MovieLinks {
  imdbId: string | null;
  tmdbId: number | null;
}

/** Reads links.csv into movieId → links; empty ids become null. */
export async function parseLinks(
  path: string,
): Promise<Map<number, MovieLinks>> {
  const file = baseName(path);
  const links = new Map<number, MovieLinks>();
  for await (
    const batch of csvRecords(path, ["movieId", "imdbId", "tmdbId"])
  ) {
    for (const { fields, line } of batch) {
      const id = parseId(file, line, "movieId", fields[0].trim());
      const imdb = fields[1].trim();
      const tmdb = fields[2].trim();
      if (imdb !== "" && !INTEGER.test(imdb)) {
        throw new DatasetError(
          file,
          line,
          `expected imdbId to be digits, found "${imdb}"`,
        );
      }
      links.set(id, {
        imdbId: imdb === "" ? null : `tt${imdb}`,
        tmdbId: tmdb === "" ? null : parseId(file, line, "tmdbId", tmdb),
      });
    }
  }
  return links;
}

/**
 * Reads tags.csv into movieId → distinct tags (trimmed, lower-cased), most
 * often applied first, ties alphabetically.
 */
export async function parseTags(path: string): Promise<Map<number, string[]>> {
  const file = baseName(path);
  const counts = new Map<number, Map<string, number>>();
  for await (
    const batch of csvRecords(path, ["userId", "movieId", "tag", "timestamp"])
  ) {
    for (const { fields, line } of batch) {
      parseId(file, line, "userId", fields[0].trim());
      const movieId = parseId(file, line, "movieId", fields[1].trim());
      const tag = fields[2].trim().toLowerCase().replace(/\s+/g, " ");
      if (tag === "") continue;
      let movieTags = counts.get(movieId);
      if (!movieTags) counts.set(movieId, movieTags = new Map());
      movieTags.set(tag, (movieTags.get(tag) ?? 0) + 1);
    }
  }
  const tags = new Map<number, string[]>();
  for (const [movieId, movieTags] of counts) {
    tags.set(
      movieId,
      [...movieTags].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
        .map(([tag]) => tag),
    );
  }
  return tags;
}

/** The three files that describe movies, in one dataset folder. */
export interface DatasetFiles {
  movies: string;
  links: string;
  tags: string;
  ratings: string;
}

/** Paths of the CSV files in a dataset folder. */
export function datasetFiles(dir: string): DatasetFiles {
  return {
    movies: `${dir}/movies.csv`,
    links: `${dir}/links.csv`,
    tags: `${dir}/tags.csv`,
    ratings: `${dir}/ratings.csv`,
  };
}

/**
 * Every movie of a dataset folder with its links and tags, sorted by id.
 * links.csv and tags.csv are optional (a missing file means no links/tags);
 * tags and links of movies missing from movies.csv are ignored.
 */
export async function readMovies(dir: string): Promise<Movie[]> {
  const files = datasetFiles(dir);
  const [rows, links, tags] = await Promise.all([
    parseMovies(files.movies),
    fileExists(files.links)
      .then((ok) => ok ? parseLinks(files.links) : new Map()),
    fileExists(files.tags).then((ok) => ok ? parseTags(files.tags) : new Map()),
  ]);
  return rows
    .map((row): Movie => {
      const link: MovieLinks | undefined = links.get(row.id);
      return {
        ...row,
        tags: tags.get(row.id) ?? [],
        imdbId: link?.imdbId ?? null,
        tmdbId: link?.tmdbId ?? null,
      };
    })
    .sort((a, b) => a.id - b.id);
}

/** True when `path` is a file; false when nothing is there. */
export async function fileExists(path: string): Promise<boolean> {
  try {
    return (await Deno.stat(path)).isFile;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw error;
  }
}

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
  i: number,
  file: string,
  line: number,
  fields: string[],
  scale: RatingScale,
): void {
  batch.userIds[i] = parseId(file, line, "userId", fields[0].trim());
  batch.movieIds[i] = parseId(file, line, "movieId", fields[1].trim());
  const text = fields[2].trim();
  const rating = Number(text);
  if (
    text === "" || !Number.isFinite(rating) || rating < scale.min ||
    rating > scale.max || (scale.whole && !Number.isInteger(rating))
  ) {
    throw new DatasetError(
      file,
      line,
      `expected rating ${scale.min} to ${scale.max}${
        scale.whole ? " (whole stars)" : ""
      }, found "${text}"`,
    );
  }
  batch.ratings[i] = rating;
  batch.timestamps[i] = parseSeconds(file, line, fields[3].trim());
  batch.lines[i] = line;
}

/** Milliseconds from a timestamp in whole seconds, or a `DatasetError`. */
export function parseSeconds(file: string, line: number, text: string): number {
  if (!INTEGER.test(text)) {
    throw new DatasetError(
      file,
      line,
      `expected timestamp in seconds since 1970, found "${text}"`,
    );
  }
  return Number(text) * 1000;
}

/**
 * Streams ratings.csv in batches of typed arrays.
 *
 * @example
 * for await (const batch of ratingBatches("data/ratings.csv")) total += batch.size;
 */
export async function* ratingBatches(
  path: string,
  options: CsvReadOptions = {},
): AsyncGenerator<RatingBatch> {
  const file = baseName(path);
  const header = ["userId", "movieId", "rating", "timestamp"];
  for await (const records of csvRecords(path, header, options)) {
    const size = records.length;
    const batch = ratingBatch(size);
    for (let i = 0; i < size; i++) {
      const { fields, line } = records[i];
      setRatingRow(batch, i, file, line, fields, HALF_STARS);
    }
    yield batch;
  }
}
