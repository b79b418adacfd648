/**
 * A seeded synthetic MovieLens release in the ml-latest CSV layout
 * (movies.csv, ratings.csv, tags.csv, links.csv), for benchmarks and tests
 * at sizes that cannot be downloaded here. Users are written one at a time,
 * so memory holds the catalogue and one user, never the ratings: an
 * ml-25m-shaped release streams to disk in a few hundred megabytes.
 *
 * Shape: movie popularity is Zipf–Mandelbrot over a shuffled rank; each user
 * rates at least 20 movies (log-normal activity), half drawn by popularity
 * and half from one or two favourite genres (so that co-occurrence carries
 * signal for collaborative models); ratings are user bias + movie quality +
 * noise, in whole stars before 2003 (as MovieLens was) and half stars for
 * most users after; a user's ratings fall in one session or spread over
 * months; about one user in eleven tags some of the movies they rated.
 */
import { seededRandom } from "../../core/training/split.ts";
import type { ProgressReporter } from "../../pipeline/progress.ts";
import { silentProgress } from "../../pipeline/progress.ts";
import { userActivity } from "./activity.ts";
import {
  buildCatalogue,
  type Catalogue,
  DEFAULT_POPULARITY,
  genresField,
  linkFields,
  movieGenres,
  movieTitle,
  type PopularityShape,
} from "./catalogue.ts";
import { csvField, CsvSink } from "./csv_sink.ts";
import { type DrawScratch, rateMovies } from "./user.ts";

/** Options of `generateRelease`. */
export interface SynthOptions {
  ratings: number;
  movies: number;
  users: number;
  /** Same seed, same bytes (default 1). */
  seed?: number;
  /** Popularity shape (default `DEFAULT_POPULARITY`). */
  popularity?: PopularityShape;
  progress?: ProgressReporter;
}

/** What `generateRelease` wrote, with the figures that show its skew. */
export interface SynthSummary {
  movies: number;
  users: number;
  ratings: number;
  tags: number;
  /** Movies rated at least once / at least 10 times. */
  ratedMovies: number;
  moviesWith10: number;
  /** Share of all ratings that the most rated movie has. */
  topMovieShare: number;
  /** Ratings of the least, median and most active user. */
  userRatings: { min: number; median: number; max: number };
  meanRating: number;
  /** Share of ratings that are x.5. */
  halfStarShare: number;
  seconds: number;
}

/** Largest value any option may take: ids and counts stay 32-bit. */
const MAX_COUNT = 2_000_000_000;

function checkCount(name: string, value: number): void {
  if (!Number.isInteger(value) || value < 1 || value > MAX_COUNT) {
    throw new RangeError(
      `Expected ${name} to be an integer from 1 to ${MAX_COUNT}, found ${value}`,
    );
  }
}

/**
 * Writes a release of `options.ratings` ratings by `options.users` users of
 * `options.movies` movies into `dir` (created if missing).
 *
 * @example
 * ```ts
 * await generateRelease(".data/ml-10m-shaped", { ratings: 10_000_054, movies: 10_681, users: 69_878 });
 * ```
 */
export async function generateRelease(
  dir: string,
  options: SynthOptions,
): Promise<SynthSummary> {
  const started = performance.now();
  const { ratings, movies, users } = options;
  checkCount("ratings", ratings);
  checkCount("movies", movies);
  checkCount("users", users);
  const seed = options.seed ?? 1;
  if (!Number.isInteger(seed)) {
    throw new RangeError(`Expected seed to be an integer, found ${seed}`);
  }
  const progress = options.progress ?? silentProgress;
  const random = seededRandom(seed);
  // Counts first: an impossible request fails before any file is written.
  const counts = userActivity(ratings, users, movies, random);
  const catalogue = buildCatalogue(
    movies,
    random,
    options.popularity ?? DEFAULT_POPULARITY,
  );
  await Deno.mkdir(dir, { recursive: true });
  await writeMovies(dir, catalogue, random);

  const ratingsFile = await CsvSink.create(
    `${dir}/ratings.csv`,
    "userId,movieId,rating,timestamp",
  );
  const tagsFile = await CsvSink.create(
    `${dir}/tags.csv`,
    "userId,movieId,tag,timestamp",
  );
  const perMovie = new Int32Array(movies);
  const task = progress.task("synth ratings", ratings, "ratings");
  let tags = 0;
  let ratingSum = 0;
  let halfStars = 0;
  const scratch: DrawScratch = { seen: new Int32Array(movies), user: 0 };
  try {
    for (let u = 0; u < users; u++) {
      const userId = u + 1;
      scratch.user = userId;
      const rated = rateMovies(catalogue, {
        count: counts[u],
        scratch,
        random,
      });
      for (let r = 0; r < rated.movies.length; r++) {
        const m = rated.movies[r];
        const value = rated.values[r];
        perMovie[m]++;
        ratingSum += value;
        if (value % 1 !== 0) halfStars++;
        ratingsFile.line(
          `${userId},${catalogue.ids[m]},${value.toFixed(1)},${
            rated.seconds[r]
          }`,
        );
      }
      for (const tag of rated.tags) {
        tagsFile.line(
          `${userId},${catalogue.ids[tag.movie]},${
            csvField(tag.text)
          },${tag.seconds}`,
        );
        tags++;
      }
      await ratingsFile.flushIfFull();
      await tagsFile.flushIfFull();
      task.advance(counts[u]);
    }
  } finally {
    await ratingsFile.close();
    await tagsFile.close();
  }
  task.done();
  const sortedCounts = counts.slice().sort();
  let ratedMovies = 0, moviesWith10 = 0, top = 0;
  for (const c of perMovie) {
    if (c > 0) ratedMovies++;
    if (c >= 10) moviesWith10++;
    if (c > top) top = c;
  }
  return {
    movies,
    users,
    ratings,
    tags,
    ratedMovies,
    moviesWith10,
    topMovieShare: top / ratings,
    userRatings: {
      min: sortedCounts[0],
      median: sortedCounts[users >> 1],
      max: sortedCounts[users - 1],
    },
    meanRating: ratingSum / ratings,
    halfStarShare: halfStars / ratings,
    seconds: (performance.now() - started) / 1000,
  };
}

/** movies.csv and links.csv, one line per movie. */
async function writeMovies(
  dir: string,
  catalogue: Catalogue,
  random: () => number,
): Promise<void> {
  const moviesFile = await CsvSink.create(
    `${dir}/movies.csv`,
    "movieId,title,genres",
  );
  const linksFile = await CsvSink.create(
    `${dir}/links.csv`,
    "movieId,imdbId,tmdbId",
  );
  try {
    for (let i = 0; i < catalogue.ids.length; i++) {
      const id = catalogue.ids[i];
      const title = movieTitle(catalogue.years[i], random);
      moviesFile.line(
        `${id},${csvField(title)},${genresField(movieGenres(catalogue, i))}`,
      );
      const [imdb, tmdb] = linkFields(random);
      linksFile.line(`${id},${imdb},${tmdb}`);
      await moviesFile.flushIfFull();
      await linksFile.flushIfFull();
    }
  } finally {
    await moviesFile.close();
    await linksFile.close();
  }
}
