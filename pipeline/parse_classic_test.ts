import assert from "node:assert/strict";
import { loadEvalDataset } from "../tools/eval/data.ts";
import { datasetRatingBatches, detectFormat } from "./dataset.ts";
import { readClassicMovies, readClassicRatings } from "./parse_classic.ts";

const fixture = (name: string) =>
  new URL(`../tests/fixtures/${name}`, import.meta.url).pathname;

Deno.test("detectFormat tells the three MovieLens layouts apart", async () => {
  assert.equal(await detectFormat(fixture("movielens")), "csv");
  assert.equal(await detectFormat(fixture("ml-1m")), "ml-1m");
  assert.equal(await detectFormat(fixture("ml-100k")), "ml-100k");
  const empty = await Deno.makeTempDir();
  await assert.rejects(detectFormat(empty), {
    message: `${empty}: expected a MovieLens folder (movies.csv and ` +
      "ratings.csv, or movies.dat and ratings.dat, or u.item and u.data), " +
      "found neither",
  });
});

Deno.test("ml-1m: Latin-1 titles, years and genres as the CSV releases spell them", async () => {
  const movies = await readClassicMovies(fixture("ml-1m"), "ml-1m");
  assert.deepEqual(movies.map((m) => [m.id, m.title, m.year, m.genres]), [
    [1, "Toy Story", 1995, ["Animation", "Children", "Comedy"]],
    [2, "Jumanji", 1995, ["Adventure", "Children", "Fantasy"]],
    [73, "Misérables, Les", 1995, ["Drama", "Musical"]],
  ]);
  assert.deepEqual(movies[0].tags, []);
});

Deno.test("ml-1m ratings: ids, stars and seconds → ms, CRLF tolerated", async () => {
  const batch = await readClassicRatings(fixture("ml-1m"), "ml-1m");
  assert.equal(batch.size, 4);
  assert.deepEqual([...batch.userIds], [1, 1, 2, 2]);
  assert.deepEqual([...batch.movieIds], [1, 73, 2, 1]);
  assert.deepEqual([...batch.ratings], [5, 3, 4, 1]);
  assert.equal(batch.timestamps[0], 978300760_000);
});

Deno.test("ml-100k: genre flags become names; 'unknown' has none", async () => {
  const movies = await readClassicMovies(fixture("ml-100k"), "ml-100k");
  assert.deepEqual(movies.map((m) => [m.id, m.title, m.year, m.genres]), [
    [1, "Toy Story", 1995, ["Animation", "Children", "Comedy"]],
    [267, "unknown", null, []],
    [1300, "Jerky Boys, The", 1994, ["Comedy"]],
  ]);
  const batch = await readClassicRatings(fixture("ml-100k"), "ml-100k");
  assert.deepEqual([...batch.userIds], [196, 186, 196]);
  assert.deepEqual([...batch.ratings], [3, 5, 1]);
});

Deno.test("classic files: malformed lines are named by file and line", async () => {
  const dir = await Deno.makeTempDir();
  await Deno.writeTextFile(
    `${dir}/ratings.dat`,
    "1::1::5::978300760\n1::2::6::9\n",
  );
  await assert.rejects(readClassicRatings(dir, "ml-1m"), {
    name: "DatasetError",
    message:
      'ratings.dat line 2: expected rating 1 to 5 (whole stars), found "6"',
  });
  await Deno.writeTextFile(`${dir}/ratings.dat`, "1::1::4.5::978300760\n");
  await assert.rejects(readClassicRatings(dir, "ml-1m"), {
    message:
      'ratings.dat line 1: expected rating 1 to 5 (whole stars), found "4.5"',
  });
  await Deno.writeTextFile(`${dir}/ratings.dat`, "1,1,5,978300760\n");
  await assert.rejects(readClassicRatings(dir, "ml-1m"), {
    message: 'ratings.dat line 1: expected 4 fields separated by "::", found 1',
  });
  await Deno.writeTextFile(`${dir}/u.data`, "1\tx\t5\t1\n");
  await assert.rejects(readClassicRatings(dir, "ml-100k"), {
    message:
      'u.data line 1: expected movieId to be a positive integer, found "x"',
  });
  await Deno.writeTextFile(
    `${dir}/movies.dat`,
    "1::A (1995)::Drama\n1::B::Drama\n",
  );
  await assert.rejects(readClassicMovies(dir, "ml-1m"), {
    message: "movies.dat line 2: expected each movie id once, found 1 again",
  });
  await assert.rejects(readClassicMovies(dir, "ml-100k"), {
    message: `u.item: expected a file at ${dir}/u.item, found none`,
  });
});

Deno.test("loadEvalDataset reads an ml-1m folder like a CSV one", async () => {
  const data = await loadEvalDataset(fixture("ml-1m"));
  assert.equal(data.movies.length, 3);
  assert.deepEqual(data.ratings[0], {
    userId: "ml:1",
    movieId: 1,
    type: "rating",
    value: 5,
    timestamp: 978300760_000,
  });
  assert.equal(data.ratings.length, 4);
});

Deno.test("datasetRatingBatches slices classic ratings into batches", async () => {
  const sizes: number[] = [];
  const movies: number[] = [];
  for await (
    const batch of datasetRatingBatches(fixture("ml-1m"), { batchSize: 3 })
  ) {
    sizes.push(batch.size);
    movies.push(...batch.movieIds);
  }
  assert.deepEqual(sizes, [3, 1]);
  assert.deepEqual(movies, [1, 73, 2, 1]);
});
