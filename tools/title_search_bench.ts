/**
 * `deno run -A tools/title_search_bench.ts [movies] [dataset folder]`: title
 * search on a catalogue the size of ml-32m (87,585 movies by default),
 * through the SQLite store as the API calls it. The titles are the real
 * ml-latest-small ones, then made-up ones of 1 to 5 of their words, so that
 * words repeat as in a real catalogue. Prints the index build (the first
 * query) and the median of 15 runs per query, beside the substring scan it
 * replaced (`instr` over the folded titles, no ranking, no typos).
 */
import { parse } from "csv-parse/sync";
import { openSqliteStore } from "../store/mod.ts";
import { searchText } from "../store/movie_query.ts";
import type { Movie, MovieStats } from "../core/types.ts";

const size = Number(Deno.args[0] ?? 87_585);
const datasetDir = Deno.args[1] ?? "../shared/data/ml-latest-small";
const QUERIES = [
  "the matrix",
  "star wars empire",
  "love",
  "lo",
  "matrx",
  "the godfater part",
  "spiderman",
  "the",
];

function seeded(seed: number): () => number {
  let state = seed;
  return () => (state = (state * 1103515245 + 12345) % 2147483648) / 2147483648;
}

const real = (parse(
  await Deno.readTextFile(`${datasetDir}/movies.csv`),
  { columns: true },
) as { title: string }[]).map((r) => r.title.replace(/\s*\(\d{4}\)\s*$/, ""));
const words = real.flatMap((t) => t.split(/\s+/));
const random = seeded(7);
const movies: Movie[] = [];
const stats: MovieStats[] = [];
for (let i = 0; i < size; i++) {
  const title = i < real.length ? real[i] : Array.from(
    { length: 1 + Math.floor(random() * 5) },
    () => words[Math.floor(random() * words.length)],
  ).join(" ");
  movies.push({
    id: i + 1,
    title,
    year: 1900 + Math.floor(random() * 125),
    genres: [],
    tags: [],
    imdbId: null,
    tmdbId: null,
  });
  const ratingCount = Math.floor(random() * 300);
  stats.push({
    movieId: i + 1,
    ratingCount,
    ratingMean: 3,
    bayesianScore: 3,
    ratingHistogram: new Array(10).fill(0),
  });
}

const dir = await Deno.makeTempDir({ prefix: "title_search_bench_" });
const store = await openSqliteStore(`${dir}/bench.db`);
try {
  for (let start = 0; start < size; start += 5000) {
    await store.movies.upsert(movies.slice(start, start + 5000));
    await store.movies.putStats(stats.slice(start, start + 5000));
  }
  const time = async (run: () => Promise<unknown>) => {
    const started = performance.now();
    await run();
    return performance.now() - started;
  };
  const median = async (run: () => Promise<unknown>) => {
    const times: number[] = [];
    for (let i = 0; i < 15; i++) times.push(await time(run));
    return times.sort((a, b) => a - b)[7];
  };
  const query = (q: string) => store.movies.query({ q, offset: 0, limit: 24 });
  const build = await time(() => query("warm up"));
  // The substring scan the title index replaced, on the same file.
  const { DatabaseSync } = await import("node:sqlite");
  const raw = new DatabaseSync(`${dir}/bench.db`, { readOnly: true });
  const substring = raw.prepare(
    `SELECT id FROM movies WHERE instr(search_title, ?) > 0
     ORDER BY bayesian_score DESC, id LIMIT 24`,
  );
  const rows = [
    `${
      size.toLocaleString("en-US")
    } titles; index built on the first query in ${
      build.toFixed(0)
    } ms (load average ${
      Deno.loadavg()[0].toFixed(1)
    } on ${navigator.hardwareConcurrency} cores)`,
    "",
    "| query | matches | median ms | substring scan: matches | median ms |",
    "| --- | ---: | ---: | ---: | ---: |",
  ];
  for (const q of QUERIES) {
    const page = await query(q);
    const ms = await median(() => query(q));
    const folded = searchText(q);
    const scanned = (raw.prepare(
      "SELECT COUNT(*) AS n FROM movies WHERE instr(search_title, ?) > 0",
    ).get(folded) as { n: number }).n;
    const scanMs = await median(() => Promise.resolve(substring.all(folded)));
    rows.push(
      `| ${q}${
        page.correctedQuery ? ` (→ ${page.correctedQuery})` : ""
      } | ${page.total} | ${ms.toFixed(1)} | ${scanned} | ${
        scanMs.toFixed(1)
      } |`,
    );
  }
  raw.close();
  console.log(rows.join("\n"));
} finally {
  await store.close();
  await Deno.remove(dir, { recursive: true });
}
