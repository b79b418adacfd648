/**
 * Parsers for the movie files of the CSV releases: movies.csv (title, year,
 * genres), links.csv (IMDb and TMDB ids) and tags.csv, joined into `Movie`
 * records. Any malformed row stops the parse with its file and line.
 */
import { NO_GENRES_LISTED } from "../core/genres.ts";
import type { Movie } from "../core/types.ts";
import {
  baseName,
  csvRecords,
  DatasetError,
  fileExists,
  INTEGER,
  parseId,
} from "./csv.ts";

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
  if (text === "" || text === NO_GENRES_LISTED) return [];
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
      const id = parseId(fields[0].trim(), { file, line, column: "movieId" });
      if (seen.has(id)) {
        throw new DatasetError(
          { file, line },
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
      const id = parseId(fields[0].trim(), { file, line, column: "movieId" });
      const imdb = fields[1].trim();
      const tmdb = fields[2].trim();
      if (imdb !== "" && !INTEGER.test(imdb)) {
        throw new DatasetError(
          { file, line },
          `expected imdbId to be digits, found "${imdb}"`,
        );
      }
      links.set(id, {
        imdbId: imdb === "" ? null : `tt${imdb}`,
        tmdbId: tmdb === ""
          ? null
          : parseId(tmdb, { file, line, column: "tmdbId" }),
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
      parseId(fields[0].trim(), { file, line, column: "userId" });
      const movieId = parseId(fields[1].trim(), {
        file,
        line,
        column: "movieId",
      });
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
