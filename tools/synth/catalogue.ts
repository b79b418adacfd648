/**
 * The synthetic catalogue: movie ids with gaps (as MovieLens ids have),
 * release years that mostly follow the id, 1–5 genres in MovieLens's
 * proportions, a Zipf–Mandelbrot popularity over a shuffled rank, a hidden
 * quality per movie, and the titles and links that movies.csv and links.csv
 * carry. Packed in typed arrays: ml-32m-sized catalogues are 87k movies.
 */
import { type Random, shuffleInPlace } from "../../core/training/split.ts";
import { AliasTable, normal, zipfWeights } from "./sampling.ts";
import { GENRES, NO_GENRES, TITLE_ADJECTIVES, TITLE_NOUNS } from "./words.ts";

/** How popularity falls with rank (Zipf–Mandelbrot). */
export interface PopularityShape {
  /** Exponent s of (rank + offset)^−s (default 1). */
  exponent: number;
  /** Offset that flattens the head (default 60). */
  offset: number;
}

/** Calibrated on ml-latest-small: the top movie draws ≈ 0.3% of ratings, the top 10% ≈ 56%. */
export const DEFAULT_POPULARITY: PopularityShape = { exponent: 1, offset: 60 };

/** Movies that people who like one thing watch together. */
export interface TasteGroup {
  movies: Int32Array;
  table: AliasTable;
}

/** Movies as parallel arrays; movie i has id `ids[i]` (ascending). */
export interface Catalogue {
  ids: Int32Array;
  years: Int16Array;
  /** Genres of movie i: `genres[genreOffsets[i] .. genreOffsets[i + 1])`, indices into GENRES. */
  genreOffsets: Int32Array;
  genres: Uint8Array;
  /** Draw weight of each movie (Zipf by a shuffled rank). */
  popularity: Float64Array;
  /** Rank of each movie by popularity, 0 = most popular. */
  rank: Int32Array;
  /** Rating offset of each movie: better movies get higher ratings. */
  quality: Float32Array;
  /** Draws a movie index by popularity. */
  anyMovie: AliasTable;
  /**
   * Taste groups: one per genre (indices as in GENRES), then the hidden
   * communities (`community[i]` is movie i's, as a group index); each with
   * its movie indices and a table drawing one of them by popularity.
   */
  groups: TasteGroup[];
  community: Int32Array;
}

/** Years that releases span. */
const FIRST_YEAR = 1902;
const LAST_YEAR = 2023;

const GENRE_TABLE = new AliasTable(GENRES.map(([, count]) => count));

/** A genre index, common genres more often (Drama 45 times as often as Film-Noir). */
export function drawGenre(random: Random): number {
  return GENRE_TABLE.draw(random);
}
/** ml-latest-small: 2.27 genres per movie; share of movies with 1, 2, 3, 4 and 5 genres. */
const GENRE_COUNTS = new AliasTable([0.3, 0.35, 0.22, 0.09, 0.04]);

/**
 * A catalogue of `movies` movies.
 *
 * @example
 * ```ts
 * const catalogue = buildCatalogue(1000, seededRandom(1), DEFAULT_POPULARITY);
 * catalogue.anyMovie.draw(random); // a movie index, popular ones more often
 * ```
 */
export function buildCatalogue(
  movies: number,
  random: Random,
  shape: PopularityShape,
): Catalogue {
  const ids = new Int32Array(movies);
  const years = new Int16Array(movies);
  const genreOffsets = new Int32Array(movies + 1);
  const genreLists: number[][] = [];
  let id = 0;
  for (let i = 0; i < movies; i++) {
    // Ids grow with gaps: ml-25m's 62,423 movies reach id 209,171.
    id += 1 + (random() < 0.5 ? Math.floor(-Math.log(1 - random()) * 4) : 0);
    ids[i] = id;
    const recent = 1990 + (i / movies) * (LAST_YEAR - 1990) +
      normal(random) * 3;
    const year = random() < 0.7
      ? recent
      : FIRST_YEAR + random() * (LAST_YEAR - FIRST_YEAR);
    years[i] = Math.max(FIRST_YEAR, Math.min(LAST_YEAR, Math.round(year)));
    const list: number[] = [];
    if (random() >= 0.0035) {
      const count = GENRE_COUNTS.draw(random) + 1;
      while (list.length < count) {
        const g = drawGenre(random);
        if (!list.includes(g)) list.push(g);
      }
      list.sort((a, b) => a - b);
    }
    genreLists.push(list);
    genreOffsets[i + 1] = genreOffsets[i] + list.length;
  }
  const genres = Uint8Array.from(genreLists.flat());
  const order = shuffleInPlace([...Array(movies).keys()], random);
  const rank = new Int32Array(movies);
  order.forEach((movie, r) => rank[movie] = r);
  const zipf = zipfWeights(movies, shape);
  const popularity = Float64Array.from(rank, (r) => zipf[r]);
  // Popular movies tend to be better rated, with plenty of exceptions.
  const quality = Float32Array.from(
    rank,
    (r) => 0.45 * normal(random) + 0.3 * (0.5 - r / movies),
  );
  // Hidden communities give co-occurrence a structure beyond genres, as
  // real tastes have (about √n of them: 99 for 9,742 movies).
  const communities = Math.max(1, Math.round(Math.sqrt(movies)));
  const community = Int32Array.from(
    ids,
    () => GENRES.length + Math.floor(random() * communities),
  );
  const members: number[][] = Array.from(
    { length: GENRES.length + communities },
    () => [],
  );
  genreLists.forEach((list, movie) => {
    for (const g of list) members[g].push(movie);
    members[community[movie]].push(movie);
  });
  const groups = members.map((list): TasteGroup => ({
    movies: Int32Array.from(list),
    table: new AliasTable(list.length ? list.map((m) => popularity[m]) : [1]),
  }));
  return {
    ids,
    years,
    genreOffsets,
    genres,
    popularity,
    rank,
    quality,
    anyMovie: new AliasTable(popularity),
    groups,
    community,
  };
}

/** Genre indices of movie i. */
export function movieGenres(catalogue: Catalogue, i: number): Uint8Array {
  return catalogue.genres.subarray(
    catalogue.genreOffsets[i],
    catalogue.genreOffsets[i + 1],
  );
}

function pick<T>(list: readonly T[], random: Random): T {
  return list[Math.floor(random() * list.length)];
}

/**
 * A MovieLens-style title with its year: "The Silent River (1997)",
 * "Storm, The (2004)" (the article moved back, as MovieLens does, which
 * puts a comma in the CSV field), sequels, series with a year range, and
 * now and then no year at all.
 */
export function movieTitle(year: number, random: Random): string {
  const adjective = pick(TITLE_ADJECTIVES, random);
  const noun = pick(TITLE_NOUNS, random);
  const form = random();
  let title: string;
  if (form < 0.3) title = `${adjective} ${noun}`;
  else if (form < 0.5) title = `${noun}, The`;
  else if (form < 0.65) title = `${noun} of the ${pick(TITLE_NOUNS, random)}`;
  else if (form < 0.75) {
    title = `${adjective} ${noun} ${2 + Math.floor(random() * 3)}`;
  } else if (form < 0.85) title = `"${adjective}" ${noun}`;
  else title = `The ${adjective} ${noun}`;
  const suffix = random();
  if (suffix < 0.002) return title;
  if (suffix < 0.006) {
    return `${title} (${year}–${year + 1 + Math.floor(random() * 4)})`;
  }
  return `${title} (${year})`;
}

/** The genres field of movies.csv. */
export function genresField(list: Uint8Array): string {
  return list.length === 0
    ? NO_GENRES
    : Array.from(list, (g) => GENRES[g][0]).join("|");
}

/** The imdbId (7 digits, zero-padded) and tmdbId (sometimes empty) fields of links.csv. */
export function linkFields(random: Random): [string, string] {
  const imdb = String(Math.floor(random() * 9_999_999) + 1).padStart(7, "0");
  const tmdb = random() < 0.001
    ? ""
    : String(Math.floor(random() * 999_999) + 1);
  return [imdb, tmdb];
}
