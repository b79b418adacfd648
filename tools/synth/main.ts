/**
 * CLI: `deno task synth --ratings N --movies M --users U [--seed S] --out DIR`.
 * A thin wrapper over `generateRelease`; the shapes of the real releases
 * are presets (`--shape ml-10m`), so benchmarks name what they imitate.
 */
import { consoleProgress } from "../../pipeline/progress.ts";
import { generateRelease, type SynthOptions } from "./generate.ts";

/** Sizes of the real releases (GroupLens README files). */
export const SHAPES: Record<
  string,
  { ratings: number; movies: number; users: number }
> = {
  "ml-latest-small": { ratings: 100_836, movies: 9_742, users: 610 },
  "ml-10m": { ratings: 10_000_054, movies: 10_681, users: 69_878 },
  "ml-25m": { ratings: 25_000_095, movies: 62_423, users: 162_541 },
  "ml-32m": { ratings: 32_000_204, movies: 87_585, users: 200_948 },
};

const HELP =
  `Usage: deno task synth --out DIR (--shape NAME | --ratings N --movies M --users U) [--seed S]

Writes a seeded synthetic MovieLens release (movies.csv, ratings.csv, tags.csv,
links.csv in the ml-latest layout) into DIR, streaming: memory holds the
catalogue and one user, whatever the number of ratings.

  --ratings N   ratings in all (at least 20 per user)
  --movies M    movies in the catalogue
  --users U     users (ids 1…U)
  --shape NAME  the sizes of a real release: ${
    Object.keys(SHAPES).join(", ")
  } (explicit flags override)
  --seed S      same seed, same bytes (default 1)
  --out DIR     where the CSV files go (created if missing)

Then: MOVIELENS_DIR=DIR EMBEDDER=tfidf deno task pipeline`;

/** The parsed command line. */
export interface SynthArgs extends Omit<SynthOptions, "progress"> {
  out: string;
}

/** Parses the command line; throws naming the flag at fault. */
export function parseSynthArgs(args: string[]): SynthArgs {
  const values = new Map<string, string>();
  const known = [
    "--ratings",
    "--movies",
    "--users",
    "--seed",
    "--out",
    "--shape",
  ];
  for (let i = 0; i < args.length; i++) {
    const flag = args[i];
    if (!known.includes(flag)) {
      throw new Error(
        `Unknown argument "${flag}": expected ${known.join(", ")} or --help`,
      );
    }
    const value = args[++i];
    if (value === undefined || value.startsWith("--")) {
      throw new Error(`${flag}: expected a value`);
    }
    values.set(flag, value);
  }
  const shapeName = values.get("--shape");
  const shape = shapeName === undefined ? undefined : SHAPES[shapeName];
  if (shapeName !== undefined && !shape) {
    throw new Error(
      `--shape: expected one of ${
        Object.keys(SHAPES).join(", ")
      }, found "${shapeName}"`,
    );
  }
  const integer = (flag: string, fallback?: number): number => {
    const text = values.get(flag);
    if (text === undefined) {
      if (fallback !== undefined) return fallback;
      throw new Error(`${flag}: expected a value (or --shape)`);
    }
    const n = Number(text.replaceAll("_", ""));
    if (!Number.isSafeInteger(n) || n < 0) {
      throw new Error(`${flag}: expected a whole number, found "${text}"`);
    }
    return n;
  };
  const sizes = {
    ratings: integer("--ratings", shape?.ratings),
    movies: integer("--movies", shape?.movies),
    users: integer("--users", shape?.users),
    seed: integer("--seed", 1),
  };
  const out = values.get("--out");
  if (!out) throw new Error("--out: expected the folder to write to");
  return { ...sizes, out };
}

if (import.meta.main) {
  if (Deno.args.includes("--help") || Deno.args.includes("-h")) {
    console.log(HELP);
    Deno.exit(0);
  }
  let args: SynthArgs;
  try {
    args = parseSynthArgs(Deno.args);
  } catch (error) {
    console.error(`synth: ${(error as Error).message}`);
    Deno.exit(2);
  }
  const progress = consoleProgress();
  try {
    const summary = await generateRelease(args.out, { ...args, progress });
    const { userRatings: u } = summary;
    progress.log(
      `wrote ${args.out}: ${summary.movies} movies (${summary.ratedMovies} rated, ${summary.moviesWith10} with ≥ 10 ratings; the top one has ${
        (summary.topMovieShare * 100).toFixed(2)
      }% of ratings), ${summary.users} users (ratings min ${u.min}, median ${u.median}, max ${u.max}), ${summary.ratings} ratings (mean ${
        summary.meanRating.toFixed(2)
      }, ${
        (summary.halfStarShare * 100).toFixed(0)
      }% half stars), ${summary.tags} tags in ${summary.seconds.toFixed(1)} s`,
    );
  } catch (error) {
    // An impossible size says why in one line; a stack would not help.
    if (error instanceof RangeError) {
      console.error(`synth: ${error.message}`);
      Deno.exit(1);
    }
    throw error;
  }
}
