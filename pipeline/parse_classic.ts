/**
 * Parsers for the classic MovieLens releases, whose files predate the CSV
 * layout: ml-1m (`movies.dat`, `ratings.dat`, fields separated by "::") and
 * ml-100k (`u.item` separated by "|" with 19 genre flags, `u.data` by tabs).
 * Both are Latin-1 and have no tags or links. They give the same `Movie`
 * and `RatingBatch` shapes as the CSV parsers (`dataset.ts` picks the
 * right ones); a malformed line stops the parse with `<file> line <n>: …`.
 */
import { CLASSIC_GENRES } from "../core/genres.ts";
import type { Movie } from "../core/types.ts";
import { DatasetError, parseId } from "./csv.ts";
import { parseGenres, parseTitle } from "./parse_movies.ts";
import {
  type RatingBatch,
  ratingBatch,
  type RatingScale,
  setRatingRow,
} from "./parse_ratings.ts";

/** The classic releases: 1 to 5 whole stars. */
const WHOLE_STARS: RatingScale = { min: 1, max: 5, whole: true };

/** The classic layouts. */
export type ClassicFormat = "ml-1m" | "ml-100k";

/** ml-100k's genre flags, in u.genre's order (its first is "unknown"). */
const ML100K_GENRES = ["", ...CLASSIC_GENRES];

/** Separator and field count of each classic file. */
const LAYOUTS = {
  "movies.dat": { separator: "::", fields: 3 },
  "ratings.dat": { separator: "::", fields: 4 },
  "u.item": { separator: "|", fields: 5 + ML100K_GENRES.length },
  "u.data": { separator: "\t", fields: 4 },
} as const;

type ClassicFile = keyof typeof LAYOUTS;

/** The non-empty lines of a Latin-1 file, split into fields, with line numbers. */
async function* classicRows(
  dir: string,
  file: ClassicFile,
): AsyncGenerator<{ fields: string[]; line: number }> {
  const path = `${dir}/${file}`;
  let bytes: Uint8Array;
  try {
    bytes = await Deno.readFile(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) {
      throw new Error(`${file}: expected a file at ${path}, found none`);
    }
    throw error;
  }
  const { separator, fields: count } = LAYOUTS[file];
  const lines = new TextDecoder("latin1").decode(bytes).split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    if (lines[i].trim() === "") continue;
    const fields = lines[i].split(separator);
    if (fields.length !== count) {
      throw new DatasetError(
        { file, line: i + 1 },
        `expected ${count} fields separated by "${
          separator === "\t" ? "\\t" : separator
        }", found ${fields.length}`,
      );
    }
    yield { fields, line: i + 1 };
  }
}

/**
 * The movies of an ml-1m or ml-100k folder, sorted by id (no tags or links
 * in these releases).
 *
 * @example
 * ```ts
 * const movies = await readClassicMovies("data/ml-1m", "ml-1m");
 * ```
 */
export async function readClassicMovies(
  dir: string,
  format: ClassicFormat,
): Promise<Movie[]> {
  const file = format === "ml-1m" ? "movies.dat" : "u.item";
  const movies: Movie[] = [];
  const seen = new Set<number>();
  for await (const { fields, line } of classicRows(dir, file)) {
    const id = parseId(fields[0].trim(), { file, line, column: "movie id" });
    if (seen.has(id)) {
      throw new DatasetError(
        { file, line },
        `expected each movie id once, found ${id} again`,
      );
    }
    seen.add(id);
    const genres = format === "ml-1m"
      ? parseGenres(fields[2]).map((g) => g === "Children's" ? "Children" : g)
      : ML100K_GENRES.filter((g, k) =>
        g !== "" && fields[5 + k].trim() === "1"
      );
    movies.push({
      id,
      ...parseTitle(fields[1]),
      genres,
      tags: [],
      imdbId: null,
      tmdbId: null,
    });
  }
  return movies.sort((a, b) => a.id - b.id);
}

/**
 * The ratings of an ml-1m or ml-100k folder as one `RatingBatch` (ml-1m's
 * million rows fit comfortably in typed arrays).
 *
 * @example
 * ```ts
 * const batch = await readClassicRatings("data/ml-100k", "ml-100k");
 * ```
 */
export async function readClassicRatings(
  dir: string,
  format: ClassicFormat,
): Promise<RatingBatch> {
  const file = format === "ml-1m" ? "ratings.dat" : "u.data";
  const rows: { fields: string[]; line: number }[] = [];
  for await (const row of classicRows(dir, file)) rows.push(row);
  const batch = ratingBatch(rows.length);
  rows.forEach(({ fields, line }, i) =>
    setRatingRow(batch, { row: i, file, line, fields, scale: WHOLE_STARS })
  );
  return batch;
}
