import assert from "node:assert/strict";
import {
  parseGenres,
  parseMovies,
  parseTitle,
  ratingBatches,
  readMovies,
} from "./parse.ts";

const FIXTURE = new URL("../tests/fixtures/movielens", import.meta.url)
  .pathname;

Deno.test("parseTitle splits the year and keeps titles without one", () => {
  assert.deepEqual(parseTitle("Toy Story (1995)"), {
    title: "Toy Story",
    year: 1995,
  });
  assert.deepEqual(parseTitle("Runaway Brain (1995) "), {
    title: "Runaway Brain",
    year: 1995,
  });
  assert.deepEqual(parseTitle("Death Note: Desu nôto (2006–2007)"), {
    title: "Death Note: Desu nôto",
    year: 2006,
  });
  assert.deepEqual(parseTitle("Babylon 5"), { title: "Babylon 5", year: null });
  assert.deepEqual(parseTitle("1984 (1984)"), { title: "1984", year: 1984 });
  // a bare year is a title, not a year
  assert.deepEqual(parseTitle("(2019)"), { title: "(2019)", year: null });
});

Deno.test("parseGenres maps (no genres listed) to []", () => {
  assert.deepEqual(parseGenres("(no genres listed)"), []);
  assert.deepEqual(parseGenres("Action|Sci-Fi"), ["Action", "Sci-Fi"]);
});

Deno.test("readMovies handles BOM, CRLF, quoted commas, links and tags", async () => {
  const movies = await readMovies(FIXTURE);
  assert.equal(movies.length, 12);
  const byId = new Map(movies.map((m) => [m.id, m]));
  assert.deepEqual(byId.get(1), {
    id: 1,
    title: "Toy Story",
    year: 1995,
    genres: ["Adventure", "Animation", "Children", "Comedy", "Fantasy"],
    tags: ["pixar", "fun"],
    imdbId: "tt0114709",
    tmdbId: 862,
  });
  assert.equal(
    byId.get(4)!.title,
    "Good, the Bad and the Ugly, The (Buono, il brutto, il cattivo, Il)",
  );
  assert.equal(byId.get(4)!.year, 1966);
  assert.equal(byId.get(5)!.title, "Pocahontas II: Journey to a New World");
  assert.deepEqual(byId.get(6)!.genres, []);
  assert.equal(byId.get(6)!.year, 2006);
  assert.equal(byId.get(7)!.year, null);
  assert.equal(byId.get(5)!.tmdbId, null);
  assert.equal(
    byId.get(11)!.title,
    "Amélie (Fabuleux destin d'Amélie Poulain. Le)",
  );
  // most frequent first, lower-cased, trimmed, distinct
  assert.deepEqual(byId.get(10)!.tags, ["aliens", "space marines"]);
  assert.deepEqual(byId.get(9)!.tags, ["aliens", "space, horror"]);
  assert.deepEqual(
    movies.map((m) => m.id),
    [...movies.map((m) => m.id)].sort((a, b) => a - b),
  );
});

Deno.test("ratingBatches yields typed arrays in batches, timestamps in ms", async () => {
  const sizes: number[] = [];
  let first:
    | { user: number; movie: number; rating: number; ts: number }
    | undefined;
  for await (
    const batch of ratingBatches(`${FIXTURE}/ratings.csv`, { batchSize: 10 })
  ) {
    sizes.push(batch.size);
    first ??= {
      user: batch.userIds[0],
      movie: batch.movieIds[0],
      rating: batch.ratings[0],
      ts: batch.timestamps[0],
    };
    assert.ok(batch.ratings instanceof Float32Array);
  }
  assert.deepEqual(sizes, [10, 10, 10, 5]);
  // a batch size that divides the row count exactly loses nothing
  const exact: number[] = [];
  for await (
    const batch of ratingBatches(`${FIXTURE}/ratings.csv`, { batchSize: 7 })
  ) exact.push(batch.size);
  assert.deepEqual(exact, [7, 7, 7, 7, 7]);
  assert.equal(first!.user, 1);
  assert.equal(first!.ts, 964982703000);
});

async function writeTemp(name: string, text: string): Promise<string> {
  const dir = await Deno.makeTempDir();
  await Deno.writeTextFile(`${dir}/${name}`, text);
  return `${dir}/${name}`;
}

async function collect(path: string): Promise<number> {
  let rows = 0;
  for await (const batch of ratingBatches(path)) rows += batch.size;
  return rows;
}

Deno.test("a rating out of range names the file and line", async () => {
  const lines = ["userId,movieId,rating,timestamp"];
  for (let i = 0; i < 15; i++) lines.push(`1,${i + 1},4.0,964982703`);
  lines.push("1,99,7,964982703");
  const path = await writeTemp("ratings.csv", lines.join("\n") + "\n");
  await assert.rejects(collect(path), {
    message: 'ratings.csv line 17: expected rating 0.5 to 5, found "7"',
  });
});

Deno.test("wrong column count, bad ids and bad headers are clear errors", async () => {
  const short = await writeTemp(
    "ratings.csv",
    "userId,movieId,rating,timestamp\r\n1,1,4.0,964982703\r\n1,2,4.0\r\n",
  );
  await assert.rejects(collect(short), {
    message:
      "ratings.csv line 3: expected 4 columns (userId,movieId,rating,timestamp), found 3",
  });
  const badId = await writeTemp(
    "ratings.csv",
    "userId,movieId,rating,timestamp\nx1,1,4.0,964982703\n",
  );
  await assert.rejects(collect(badId), {
    message:
      'ratings.csv line 2: expected userId to be a positive integer, found "x1"',
  });
  const badHeader = await writeTemp(
    "ratings.csv",
    "user,movie,rating,timestamp\n1,1,4.0,964982703\n",
  );
  await assert.rejects(
    collect(badHeader),
    /ratings.csv line 1: expected header "userId,movieId,rating,timestamp"/,
  );
  const dupe = await writeTemp(
    "movies.csv",
    "movieId,title,genres\n1,A (2000),Drama\n1,B (2001),Drama\n",
  );
  await assert.rejects(parseMovies(dupe), {
    message: "movies.csv line 3: expected each movieId once, found 1 again",
  });
});

const SHARED = new URL("../../shared/data/ml-latest-small", import.meta.url)
  .pathname;
const hasShared = await Deno.stat(SHARED).then(() => true, () => false);

Deno.test({
  name: "the real ml-latest-small parses to 9742 movies and 100836 ratings",
  ignore: !hasShared,
  async fn() {
    const movies = await readMovies(SHARED);
    assert.equal(movies.length, 9742);
    assert.equal(movies.filter((m) => m.year === null).length < 20, true);
    assert.ok(
      movies.every((m) => m.title === m.title.trim() && m.title !== ""),
    );
    assert.equal(await collect(`${SHARED}/ratings.csv`), 100836);
  },
});
if (!hasShared) {
  console.warn(`skipping real-data parse test: ${SHARED} is absent`);
}
