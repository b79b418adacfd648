import assert from "node:assert/strict";
import {
  datasetRatingBatches,
  readDatasetMovies,
} from "../../pipeline/dataset.ts";
import { generateRelease } from "./generate.ts";
import { parseSynthArgs, SHAPES } from "./main.ts";
import { FIRST_SECOND, LAST_SECOND } from "./user.ts";

async function tempDir(): Promise<string> {
  return await Deno.makeTempDir({ prefix: "synth_test_" });
}

Deno.test("a synthetic release loads through the pipeline's own readers, with the sizes asked for", async () => {
  const dir = await tempDir();
  try {
    const summary = await generateRelease(dir, {
      ratings: 12_000,
      movies: 400,
      users: 150,
      seed: 3,
    });
    assert.equal(summary.ratings, 12_000);
    const movies = await readDatasetMovies(dir);
    assert.equal(movies.length, 400);
    const ids = new Set(movies.map((m) => m.id));
    assert.ok(movies.every((m) => m.imdbId?.match(/^tt\d{7}$/)));
    assert.ok(movies.some((m) => m.tags.length > 0), "some movies are tagged");
    assert.ok(
      movies.some((m) => m.title.includes(",")),
      "CSV quoting is exercised",
    );
    assert.ok(movies.some((m) => m.genres.length >= 2));

    const perUser = new Map<number, Set<number>>();
    let rows = 0;
    let lastUser = 0;
    for await (const batch of datasetRatingBatches(dir)) {
      for (let i = 0; i < batch.size; i++) {
        const user = batch.userIds[i];
        assert.ok(user >= lastUser, "ratings.csv is sorted by user");
        lastUser = user;
        const movie = batch.movieIds[i];
        assert.ok(ids.has(movie), `movie ${movie} is in movies.csv`);
        let seen = perUser.get(user);
        if (!seen) perUser.set(user, seen = new Set());
        assert.ok(!seen.has(movie), `user ${user} rates movie ${movie} once`);
        seen.add(movie);
        const rating = batch.ratings[i];
        assert.ok(
          rating >= 0.5 && rating <= 5 && rating * 2 === Math.round(rating * 2),
        );
        const seconds = batch.timestamps[i] / 1000;
        assert.ok(seconds >= FIRST_SECOND && seconds <= LAST_SECOND);
        rows++;
      }
    }
    assert.equal(rows, 12_000);
    assert.equal(perUser.size, 150);
    for (const [user, seen] of perUser) {
      assert.ok(seen.size >= 20, `user ${user} has ${seen.size} ratings`);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("the same seed writes the same bytes; another seed writes others", async () => {
  const [a, b, c] = [await tempDir(), await tempDir(), await tempDir()];
  try {
    const options = { ratings: 3_000, movies: 200, users: 60 };
    await generateRelease(a, { ...options, seed: 9 });
    await generateRelease(b, { ...options, seed: 9 });
    await generateRelease(c, { ...options, seed: 10 });
    for (const file of ["movies.csv", "ratings.csv", "tags.csv", "links.csv"]) {
      const bytesA = await Deno.readFile(`${a}/${file}`);
      assert.deepEqual(await Deno.readFile(`${b}/${file}`), bytesA, file);
      assert.notDeepEqual(await Deno.readFile(`${c}/${file}`), bytesA, file);
    }
  } finally {
    for (const dir of [a, b, c]) await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("popularity and activity are skewed as in MovieLens, and ratings look like its ratings", async () => {
  const dir = await tempDir();
  try {
    const summary = await generateRelease(dir, {
      ratings: 80_000,
      movies: 3_000,
      users: 800,
      seed: 1,
    });
    const perMovie = new Map<number, number>();
    for await (const batch of datasetRatingBatches(dir)) {
      for (let i = 0; i < batch.size; i++) {
        perMovie.set(
          batch.movieIds[i],
          (perMovie.get(batch.movieIds[i]) ?? 0) + 1,
        );
      }
    }
    const counts = [...perMovie.values()].sort((x, y) => y - x);
    const top10 = counts.slice(0, 300).reduce((s, c) => s + c, 0);
    // ml-latest-small: the top 10% of movies hold 60% of ratings; uniform would be 10%.
    assert.ok(top10 / 80_000 > 0.3, `top 10% share ${top10 / 80_000}`);
    const { min, median, max } = summary.userRatings;
    assert.equal(min, 20);
    assert.ok(max > 8 * median, `activity max ${max}, median ${median}`);
    assert.ok(
      summary.meanRating > 3.2 && summary.meanRating < 3.8,
      `${summary.meanRating}`,
    );
    assert.ok(summary.halfStarShare > 0.1 && summary.halfStarShare < 0.5);
    assert.ok(summary.tags > 0);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("an impossible size fails before writing, saying why", async () => {
  const dir = `${await tempDir()}/out`;
  try {
    await assert.rejects(
      generateRelease(dir, { ratings: 100, movies: 500, users: 10 }),
      /expected at least 200 ratings, found 100/,
    );
    await assert.rejects(
      generateRelease(dir, { ratings: 5_000, movies: 10, users: 10 }),
      /expected at least 20 movies, found 10/,
    );
    await assert.rejects(
      generateRelease(dir, { ratings: 10_000, movies: 100, users: 10 }),
      /rate at most 60 of the 100 movies each/,
    );
    await assert.rejects(Deno.stat(dir), Deno.errors.NotFound);
  } finally {
    await Deno.remove(dir.replace(/\/out$/, ""), { recursive: true });
  }
});

Deno.test("the command line takes shapes and sizes, and names a bad flag", () => {
  assert.deepEqual(parseSynthArgs(["--shape", "ml-10m", "--out", "d"]), {
    ...SHAPES["ml-10m"],
    seed: 1,
    out: "d",
  });
  assert.deepEqual(
    parseSynthArgs([
      "--shape",
      "ml-25m",
      "--users",
      "1_000",
      "--seed",
      "4",
      "--out",
      "d",
    ]),
    { ...SHAPES["ml-25m"], users: 1000, seed: 4, out: "d" },
  );
  assert.throws(
    () => parseSynthArgs(["--ratings", "10", "--out", "d"]),
    /--movies: expected a value/,
  );
  assert.throws(
    () => parseSynthArgs(["--ratings", "1.5"]),
    /--ratings: expected a whole number, found "1.5"/,
  );
  assert.throws(
    () => parseSynthArgs(["--shape", "ml-99m", "--out", "d"]),
    /--shape: expected one of/,
  );
  assert.throws(
    () => parseSynthArgs(["--rating", "5"]),
    /Unknown argument "--rating"/,
  );
  assert.throws(
    () => parseSynthArgs(["--ratings", "5", "--movies", "5", "--users", "1"]),
    /--out/,
  );
});
