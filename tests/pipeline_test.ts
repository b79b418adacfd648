/**
 * End to end: the real ml-latest-small through every pipeline step into a
 * temp SQLite store, twice. Skipped when ../shared/data is absent.
 */
import assert from "node:assert/strict";
import { runPipeline } from "../pipeline/run.ts";
import { tempPipeline } from "./fixtures/pipeline_context.ts";

const DATASET = new URL("../../shared/data/ml-latest-small", import.meta.url)
  .pathname;
const hasDataset = await Deno.stat(`${DATASET}/ratings.csv`).then(
  () => true,
  () => false,
);
if (!hasDataset) {
  console.warn(`skipping pipeline end-to-end test: ${DATASET} is absent`);
}

Deno.test({
  name:
    "ml-latest-small end to end with tfidf, and a second run changes nothing",
  ignore: !hasDataset,
  async fn() {
    const p = await tempPipeline({
      MOVIELENS_DIR: DATASET,
      EMBEDDER: "tfidf",
      HYBRID_TUNE: "false",
      NEIGHBOURS_K: "20",
    });
    try {
      const first = await runPipeline(p);
      assert.deepEqual(first.map((r) => r.step), [
        "download",
        "embed",
        "load",
        "precompute",
        "posters",
      ]);
      const counts = async () => ({
        movies: await p.store.movies.count(),
        interactions: await p.store.interactions.count(),
        embeddings: (await p.store.embeddings.hashes("tfidf")).size,
      });
      const after = await counts();
      assert.deepEqual(after, {
        movies: 9742,
        interactions: 100836,
        embeddings: 9742,
      });
      const forrest = (await p.store.movies.query({
        q: "forrest gump",
        offset: 0,
        limit: 1,
      })).items[0];
      assert.equal(forrest.year, 1994);
      assert.equal(forrest.ratingCount, 329);
      const neighbours = await p.store.neighbours.get(forrest.id, 50);
      assert.equal(neighbours.length, 20);
      assert.ok(neighbours.every((n) => n.movieId !== forrest.id));

      const second = await runPipeline(p);
      assert.deepEqual(second.map((r) => r.skipped), [
        true,
        true,
        true,
        true,
        true,
      ]);
      assert.deepEqual(await counts(), after);
    } finally {
      await p.close();
    }
  },
});

const FIXTURE = new URL("./fixtures/movielens", import.meta.url).pathname;
const MAIN = new URL("../pipeline/main.ts", import.meta.url).pathname;

async function cli(args: string[], env: Record<string, string>) {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", MAIN, ...args],
    env,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const decoder = new TextDecoder();
  return {
    code: output.code,
    out: decoder.decode(output.stdout) + decoder.decode(output.stderr),
  };
}

Deno.test("the CLI runs steps, explains usage and reports bad data without a stack", async () => {
  const dataDir = await Deno.makeTempDir();
  const env = { MOVIELENS_DIR: FIXTURE, EMBEDDER: "tfidf", DATA_DIR: dataDir };
  const run = await cli([], env);
  assert.equal(run.code, 0, run.out);
  assert.match(run.out, /load: 12 movies, 35 ratings from 5 users/);
  assert.match(
    run.out,
    /posters: skipped, no TMDB_API_KEY or TMDB_READ_ACCESS_TOKEN set/,
  );
  assert.match(run.out, /pipeline done in/);
  const again = await cli(["load", "precompute"], env);
  assert.match(again.out, /load: skipped/);
  assert.match(again.out, /precompute: skipped/);
  assert.doesNotMatch(again.out, /embed/);

  const usage = await cli(["unknown"], env);
  assert.equal(usage.code, 2);
  assert.match(usage.out, /Unknown step "unknown": expected one of download/);
  assert.match((await cli(["--help"], env)).out, /Usage: deno task pipeline/);

  const bad = await Deno.makeTempDir();
  for (const file of ["movies.csv", "ratings.csv"]) {
    await Deno.copyFile(`${FIXTURE}/${file}`, `${bad}/${file}`);
  }
  await Deno.writeTextFile(`${bad}/ratings.csv`, "1,1,7,964982703\n", {
    append: true,
  });
  const failed = await cli(["load"], { ...env, MOVIELENS_DIR: bad });
  assert.equal(failed.code, 1);
  assert.match(
    failed.out,
    /pipeline failed: ratings\.csv line 37: expected rating 0\.5 to 5, found "7"/,
  );
});

Deno.test("the pipeline runs on the classic ml-1m and ml-100k layouts", async () => {
  for (
    const [name, summary] of [
      ["ml-1m", /load: 3 movies, 4 ratings from 2 users/],
      ["ml-100k", /load: 3 movies, 3 ratings from 2 users/],
    ] as const
  ) {
    const env = {
      MOVIELENS_DIR: new URL(`./fixtures/${name}`, import.meta.url).pathname,
      EMBEDDER: "tfidf",
      DATA_DIR: await Deno.makeTempDir(),
    };
    const run = await cli([], env);
    assert.equal(run.code, 0, run.out);
    assert.match(run.out, summary);
    assert.match(run.out, /pipeline done in/);
  }
});
