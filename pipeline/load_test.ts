import assert from "node:assert/strict";
import {
  FIXTURE_DATASET,
  tempPipeline,
} from "../tests/fixtures/pipeline_context.ts";
import { loadDataset, loadStep } from "./load.ts";
import { openStore } from "../store/mod.ts";

async function copyFixture(): Promise<string> {
  const dir = await Deno.makeTempDir();
  for (const file of ["movies.csv", "links.csv", "tags.csv", "ratings.csv"]) {
    await Deno.copyFile(`${FIXTURE_DATASET}/${file}`, `${dir}/${file}`);
  }
  return dir;
}

Deno.test("loadDataset writes movies and ratings as ml: interactions, idempotently", async () => {
  const p = await tempPipeline();
  const summary = await loadDataset(p.store, FIXTURE_DATASET, { batchSize: 7 });
  assert.deepEqual(summary, { movies: 12, ratings: 35, users: 5 });
  assert.equal(await p.store.movies.count(), 12);
  assert.equal(await p.store.interactions.count(), 35);
  const history = await p.store.interactions.forUser("ml:1");
  assert.equal(history.length, 7);
  assert.ok(history.every((i) => i.type === "rating" && i.value! >= 0.5));
  // timestamps are in ms: after 2000-01-01
  assert.ok(history.every((i) => i.timestamp > 946684800000));
  const toyStory = await p.store.movies.get(1);
  assert.equal(toyStory?.title, "Toy Story");
  assert.deepEqual(toyStory?.tags, ["pixar", "fun"]);

  await loadDataset(p.store, FIXTURE_DATASET);
  assert.equal(await p.store.movies.count(), 12);
  assert.equal(await p.store.interactions.count(), 35);
  await p.close();
});

Deno.test("bad data leaves the store as it was", async () => {
  const p = await tempPipeline();
  await loadDataset(p.store, FIXTURE_DATASET);
  const dir = await copyFixture();
  // a new movie, and ratings whose last row points at an unknown movie
  await Deno.writeTextFile(
    `${dir}/movies.csv`,
    "13,New Movie (2020),Drama\n",
    { append: true },
  );
  const ratings = await Deno.readTextFile(`${dir}/ratings.csv`);
  await Deno.writeTextFile(
    `${dir}/ratings.csv`,
    ratings + "9,13,4.0,964982703\n9,999,4.0,964982703\n",
  );
  await assert.rejects(loadDataset(p.store, dir, { batchSize: 5 }), {
    message:
      "ratings.csv line 38: expected a movieId from movies.csv, found 999",
  });
  assert.equal(await p.store.movies.count(), 12);
  assert.equal(await p.store.interactions.count(), 35);
  assert.deepEqual(await p.store.interactions.forUser("ml:9"), []);
  await p.close();
});

Deno.test("the load step is skipped when the dataset is unchanged", async () => {
  const p = await tempPipeline({ MOVIELENS_DIR: FIXTURE_DATASET });
  assert.equal((await loadStep(p)).skipped, false);
  const again = await loadStep(p);
  assert.equal(again.skipped, true);
  assert.equal(await p.store.interactions.count(), 35);
  await p.close();
});

Deno.test("an ml-1m folder loads; an unknown movie is named by its .dat line", async () => {
  const fixture = new URL("../tests/fixtures/ml-1m", import.meta.url).pathname;
  const p = await tempPipeline();
  const summary = await loadDataset(p.store, fixture);
  assert.deepEqual(summary, { movies: 3, ratings: 4, users: 2 });
  assert.equal((await p.store.movies.get(73))?.title, "Misérables, Les");
  const dir = await Deno.makeTempDir();
  await Deno.copyFile(`${fixture}/movies.dat`, `${dir}/movies.dat`);
  await Deno.writeTextFile(`${dir}/ratings.dat`, "1::1::5::1\n1::999::4::2\n");
  await assert.rejects(loadDataset(p.store, dir), {
    message:
      "ratings.dat line 2: expected a movieId from movies.dat, found 999",
  });
  assert.equal(await p.store.interactions.count(), 4);
  await p.close();
});

Deno.test("ratings are committed as they load: another connection sees them grow, commitEvery rows at a time", async () => {
  const p = await tempPipeline();
  const reader = await openStore(p.config);
  const seen: number[] = [];
  const store = {
    ...p.store,
    transaction: async <T>(work: () => Promise<T>) => {
      // What a second process (the API) sees when each transaction starts.
      seen.push(await reader.interactions.count());
      return await p.store.transaction(work);
    },
  };
  await loadDataset(store, FIXTURE_DATASET, { batchSize: 5, commitEvery: 10 });
  // movies, then ratings 10 at a time (35 in the fixture)
  assert.deepEqual(seen, [0, 0, 10, 20, 30]);
  assert.equal(await reader.interactions.count(), 35);
  await reader.close();
  await p.close();
});
