/**
 * One synthetic user: which movies they rate (by popularity and by their
 * favourite genres and communities, all distinct and released by then), the rating of each, when, and the tags
 * they give when they are a tagger.
 */
import type { Random } from "../../core/training/split.ts";
import { type Catalogue, drawGenre, movieGenres } from "./catalogue.ts";
import {
  AliasTable,
  logNormal,
  normal,
  weightedSampleWithoutReplacement,
} from "./sampling.ts";
import { GENERAL_TAGS, GENRE_TAGS, GENRES } from "./words.ts";

/** Scratch state reused from user to user (no allocation per movie). */
export interface DrawScratch {
  /** `seen[m] === user` when movie m was already drawn for this user. */
  seen: Int32Array;
  /** The current user's id (> 0). */
  user: number;
}

/** Options of `rateMovies`. */
export interface RateOptions {
  /** Distinct movies the user rates. */
  count: number;
  scratch: DrawScratch;
  random: Random;
}

/** A tag one user gave one movie. */
export interface SynthTag {
  movie: number;
  text: string;
  seconds: number;
}

/** One user's ratings (movie indices ascending) and tags. */
export interface RatedMovies {
  movies: Int32Array;
  values: Float32Array;
  seconds: Int32Array;
  tags: SynthTag[];
}

/** The span of MovieLens: January 1996 to October 2023, in seconds. */
export const FIRST_SECOND = Date.UTC(1996, 0, 29) / 1000;
export const LAST_SECOND = Date.UTC(2023, 9, 12) / 1000;
/** MovieLens took half stars from February 2003. */
const HALF_STARS_FROM = Date.UTC(2003, 1, 12) / 1000;
const DAY = 86_400;

const GENERAL_TAG_TABLE = new AliasTable(
  GENERAL_TAGS.map((_, i) => 1 / (i + 1)),
);

/** Shares of draws: by global popularity, from a favourite genre, from a favourite community. */
const POPULAR_SHARE = 0.2;
const GENRE_SHARE = 0.2;
const COMMUNITY_SHARE = 0.6;

/** A user's favourite taste groups and the share of draws each gets. */
interface Favourites {
  groups: number[];
  shares: number[];
}

/** One or two favourite genres and one or two favourite communities. */
function favouriteGroups(catalogue: Catalogue, random: Random): Favourites {
  const genres = [drawGenre(random)];
  const second = drawGenre(random);
  if (random() < 0.5 && second !== genres[0]) genres.push(second);
  const first = GENRES.length;
  const count = catalogue.groups.length - first;
  const communities = [first + Math.floor(random() * count)];
  const other = first + Math.floor(random() * count);
  if (random() < 0.5 && other !== communities[0]) communities.push(other);
  return {
    groups: [...genres, ...communities],
    shares: [
      ...genres.map(() => GENRE_SHARE / genres.length),
      ...communities.map(() => COMMUNITY_SHARE / communities.length),
    ],
  };
}

/**
 * Draws `count` distinct movies for one user, then rates and dates them.
 *
 * @example
 * ```ts
 * const scratch = { seen: new Int32Array(catalogue.ids.length), user: 1 };
 * const rated = rateMovies(catalogue, { count: 40, scratch, random });
 * ```
 */
export function rateMovies(
  catalogue: Catalogue,
  options: RateOptions,
): RatedMovies {
  const { count, random } = options;
  const favourites = favouriteGroups(catalogue, random);
  const bias = 0.4 * normal(random);
  const start = FIRST_SECOND + random() * (LAST_SECOND - FIRST_SECOND - DAY);
  // Half of the users rate in one sitting; the others over months.
  const span = random() < 0.45
    ? logNormal(random, Math.log(2 * 3600), 1)
    : logNormal(random, Math.log(90 * DAY), 1.5);
  const end = Math.min(LAST_SECOND, start + span);
  const wholeStars = start < HALF_STARS_FROM || random() < 0.3;
  const tagger = random() < 0.09;

  const movies = drawMovies(catalogue, {
    ...options,
    favourites,
    latestYear: new Date(end * 1000).getUTCFullYear(),
  });
  movies.sort();
  const values = new Float32Array(count);
  const seconds = new Int32Array(count);
  const tags: SynthTag[] = [];
  for (let r = 0; r < count; r++) {
    const m = movies[r];
    const genres = movieGenres(catalogue, m);
    const { groups } = favourites;
    const liked = (genres.some((g) => groups.includes(g)) ? 0.2 : 0) +
      (groups.includes(catalogue.community[m]) ? 0.4 : 0);
    const raw = 3.3 + bias + catalogue.quality[m] + liked +
      0.85 * normal(random);
    values[r] = wholeStars
      ? Math.min(5, Math.max(1, Math.round(raw)))
      : Math.min(5, Math.max(0.5, Math.round(raw * 2) / 2));
    let at = start + (end - start) * random();
    // Drawn among released films, but perhaps released after this moment.
    const released = Date.UTC(catalogue.years[m], 0, 1) / 1000;
    if (at < released) {
      at = Math.min(LAST_SECOND, released + random() * 180 * DAY);
    }
    seconds[r] = Math.floor(at);
    if (tagger && random() < 0.25) {
      do {
        tags.push({
          movie: m,
          text: tagText(genres, random),
          seconds: seconds[r] + Math.floor(random() * 600),
        });
      } while (random() < 0.5);
    }
  }
  return { movies, values, seconds, tags };
}

/** A tag for a movie of these genres; now and then capitalised, as people type them. */
function tagText(genres: Uint8Array, random: Random): string {
  let text: string;
  if (genres.length && random() < 0.6) {
    const list =
      GENRE_TAGS[GENRES[genres[Math.floor(random() * genres.length)]][0]];
    text = list[Math.floor(random() * list.length)];
  } else text = GENERAL_TAGS[GENERAL_TAG_TABLE.draw(random)];
  return random() < 0.2 ? text[0].toUpperCase() + text.slice(1) : text;
}

/** What `drawMovies` draws for. */
interface MovieDraw extends RateOptions {
  favourites: Favourites;
  /** Films released after this year are not drawn (unless nothing else is left). */
  latestYear: number;
}

/**
 * `count` distinct movie indices. Redraws duplicates while that is cheap;
 * a user who rates a large share of the catalogue (or whose redraws keep
 * hitting what they have) is drawn without replacement in one O(movies) pass.
 */
function drawMovies(catalogue: Catalogue, draw: MovieDraw): Int32Array {
  const { count, favourites, latestYear, random } = draw;
  const n = catalogue.ids.length;
  const out = new Int32Array(count);
  if (count <= n / 8) {
    const { seen, user } = draw.scratch;
    let taken = 0;
    const budget = 20 * count + 100;
    for (let attempt = 0; taken < count && attempt < budget; attempt++) {
      const m = drawOne(catalogue, favourites, random);
      if (seen[m] === user || catalogue.years[m] > latestYear) continue;
      seen[m] = user;
      out[taken++] = m;
    }
    if (taken === count) return out;
  }
  const weights = mixtureWeights(catalogue, favourites);
  let released = 0;
  for (let m = 0; m < n; m++) {
    if (catalogue.years[m] <= latestYear) released++;
  }
  if (released >= count) {
    for (let m = 0; m < n; m++) {
      if (catalogue.years[m] > latestYear) weights[m] = 0;
    }
  }
  return weightedSampleWithoutReplacement(weights, count, random);
}

function drawOne(
  catalogue: Catalogue,
  favourites: Favourites,
  random: Random,
): number {
  let r = random() - POPULAR_SHARE;
  if (r < 0) return catalogue.anyMovie.draw(random);
  const { groups, shares } = favourites;
  let f = 0;
  while (f < groups.length - 1 && r >= shares[f]) r -= shares[f++];
  const group = catalogue.groups[groups[f]];
  if (group.movies.length === 0) return catalogue.anyMovie.draw(random);
  return group.movies[group.table.draw(random)];
}

/** The probability of each movie under `drawOne`. */
function mixtureWeights(
  catalogue: Catalogue,
  favourites: Favourites,
): Float64Array {
  const { popularity } = catalogue;
  let total = 0;
  for (const p of popularity) total += p;
  const weights = Float64Array.from(
    popularity,
    (p) => (POPULAR_SHARE * p) / total,
  );
  favourites.groups.forEach((g, f) => {
    const { movies } = catalogue.groups[g];
    let groupTotal = 0;
    for (const m of movies) groupTotal += popularity[m];
    const share = favourites.shares[f];
    for (const m of movies) weights[m] += (share * popularity[m]) / groupTotal;
  });
  return weights;
}
