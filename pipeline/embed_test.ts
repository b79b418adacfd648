import assert from "node:assert/strict";
import { parseConfig } from "../config/mod.ts";
import { norm } from "../core/vectors/vector.ts";
import type { Movie } from "../core/types.ts";
import {
  TINY_MODEL_DIM,
  TINY_MODEL_NAME,
  writeTinyModel,
} from "../tests/fixtures/make_tiny_model.ts";
import {
  FIXTURE_DATASET,
  tempPipeline,
} from "../tests/fixtures/pipeline_context.ts";
import type { PipelineContext } from "./context.ts";
import { embedMovies, embedStep, shardOf } from "./embed.ts";
import { createEmbedder } from "./embedders/mod.ts";
import { ModelNotFoundError } from "./embedders/minilm.ts";
import { tfidfEmbedder } from "./embedders/tfidf.ts";
import { readMovies } from "./parse_movies.ts";
import { loadQueryEmbedding } from "../store/query_embedding.ts";
import { runPipeline } from "./run.ts";

const movies = await readMovies(FIXTURE_DATASET);
const byId = new Map(movies.map((m) => [m.id, m]));

function dot(a: Float32Array, b: Float32Array): number {
  return a.reduce((sum, x, i) => sum + x * b[i], 0);
}

async function tinyModelEnv(): Promise<Record<string, string>> {
  const modelDir = await Deno.makeTempDir({ prefix: "tiny_model_" });
  await writeTinyModel(modelDir);
  return {
    EMBEDDER: "minilm",
    EMBEDDING_MODEL: TINY_MODEL_NAME,
    MODEL_DIR: modelDir,
    ALLOW_REMOTE_MODELS: "false",
    EMBED_BATCH_SIZE: "5",
  };
}

Deno.test("tfidf vectors are unit length, deterministic, and similar for similar movies", async () => {
  const [a, b] = [tfidfEmbedder(movies), tfidfEmbedder(movies)];
  const first = await a.embed(movies);
  assert.deepEqual(first, await b.embed(movies));
  assert.equal(a.fingerprint, b.fingerprint);
  for (const v of first) {
    assert.equal(v.length, 256);
    assert.ok(Math.abs(norm(v) - 1) < 1e-5);
  }
  const [toyStory, toyStory2, alien, aliens] = await a.embed(
    [1, 8, 9, 10].map((id) => byId.get(id)!),
  );
  assert.ok(dot(toyStory, toyStory2) > dot(toyStory, alien));
  assert.ok(dot(alien, aliens) > dot(alien, toyStory2));
  // another corpus means other statistics, so another fingerprint
  assert.notEqual(tfidfEmbedder(movies.slice(1)).fingerprint, a.fingerprint);
});

Deno.test("shardOf splits by position and the shards cover everything once", () => {
  const items = [10, 11, 12, 13, 14];
  assert.deepEqual(shardOf(items, { index: 0, count: 2 }), [10, 12, 14]);
  assert.deepEqual(shardOf(items, { index: 1, count: 2 }), [11, 13]);
  assert.deepEqual(shardOf(items, { index: 0, count: 1 }), items);
});

Deno.test("embedMovies skips unchanged texts and prunes removed movies", async () => {
  const p = await tempPipeline({ EMBEDDER: "tfidf" });
  const embedder = tfidfEmbedder(movies);
  const first = await embedMovies(p.store, { embedder, movies });
  assert.deepEqual(first, { total: 12, embedded: 12, unchanged: 0, pruned: 0 });
  const second = await embedMovies(p.store, { embedder, movies });
  assert.deepEqual(second, {
    total: 12,
    embedded: 0,
    unchanged: 12,
    pruned: 0,
  });
  const fewer = movies.filter((m) => m.id !== 12);
  const third = await embedMovies(p.store, {
    embedder: tfidfEmbedder(fewer),
    movies: fewer,
  });
  // TF-IDF statistics changed with the corpus: every vector is redone
  assert.deepEqual(third, { total: 11, embedded: 11, unchanged: 0, pruned: 1 });
  assert.equal((await p.store.embeddings.load("tfidf"))!.ids.length, 11);
  await p.close();
});

async function storedEmbeddings(ctx: PipelineContext, model: string) {
  const matrix = await ctx.store.embeddings.load(model);
  return {
    hashes: await ctx.store.embeddings.hashes(model),
    ids: [...matrix!.ids],
    vectors: [...matrix!.vectors],
  };
}

async function shardedEqualsWhole(env: Record<string, string>, model: string) {
  const base = { MOVIELENS_DIR: FIXTURE_DATASET, ...env };
  const whole = await tempPipeline(base);
  await embedStep(whole);
  const sharded = await tempPipeline(base);
  for (const index of [1, 0]) {
    const config = parseConfig({
      DATA_DIR: sharded.dataDir,
      ...base,
      CLOUD_RUN_TASK_COUNT: "2",
      CLOUD_RUN_TASK_INDEX: String(index),
    });
    const result = await embedStep({ ...sharded, config });
    assert.match(
      result.detail,
      new RegExp(`^${index === 0 ? 6 : 6} movies embedded`),
    );
  }
  const expected = await storedEmbeddings(whole, model);
  assert.equal(expected.ids.length, 12);
  assert.deepEqual(await storedEmbeddings(sharded, model), expected);
  await whole.close();
  await sharded.close();
}

Deno.test("two tfidf shards in one store equal one unsharded run", async () => {
  await shardedEqualsWhole({ EMBEDDER: "tfidf" }, "tfidf");
});

Deno.test("two tiny-model shards in one store equal one unsharded run", async () => {
  await shardedEqualsWhole(await tinyModelEnv(), "minilm");
});

Deno.test("the tiny model runs tokenizer, ONNX, pooling and normalisation", async () => {
  const config = parseConfig(await tinyModelEnv());
  const embedder = createEmbedder(config, movies);
  try {
    const movie = (title: string, genres: string[] = []): Movie => ({
      id: 1,
      title,
      year: null,
      genres,
      tags: [],
      imdbId: null,
      tmdbId: null,
    });
    const [a, b, c, d] = await embedder.embed([
      movie("Toy Story"),
      movie("STORY toy"),
      movie("Dark Space", ["Horror"]),
      movie("Toy Story", ["Horror"]),
    ]);
    assert.equal(a.length, TINY_MODEL_DIM);
    for (const v of [a, b, c, d]) assert.ok(Math.abs(norm(v) - 1) < 1e-5);
    // mean pooling: the same words in any order and case give the same vector
    assert.deepEqual(a, b);
    assert.ok(dot(a, c) < 0.999);
    assert.ok(dot(a, d) > dot(a, c));
  } finally {
    await embedder.dispose();
  }
});

Deno.test("resuming with the tiny model embeds only changed movies", async () => {
  const p = await tempPipeline(await tinyModelEnv());
  const embedder = createEmbedder(p.config, movies);
  try {
    await embedMovies(p.store, { embedder, movies, batchSize: 5 });
    const changed = movies.map((m) =>
      m.id === 3 ? { ...m, tags: ["politics"] } : m
    );
    const summary = await embedMovies(p.store, {
      embedder,
      movies: changed,
      batchSize: 5,
    });
    assert.equal(summary.embedded, 1);
    assert.equal(summary.unchanged, 11);
  } finally {
    await embedder.dispose();
    await p.close();
  }
});

Deno.test("a missing model offline is a clear error saying where it was looked for", async () => {
  const modelDir = await Deno.makeTempDir();
  const config = parseConfig({
    EMBEDDER: "minilm",
    MODEL_DIR: modelDir,
    ALLOW_REMOTE_MODELS: "false",
  });
  const embedder = createEmbedder(config, movies);
  await assert.rejects(
    embedder.embed(movies.slice(0, 1)),
    (error: Error) =>
      error instanceof ModelNotFoundError &&
      error.message.includes(`${modelDir}/Xenova/all-MiniLM-L6-v2`) &&
      error.message.includes(
        "config.json and tokenizer.json and onnx/model.onnx",
      ) &&
      error.message.includes("ALLOW_REMOTE_MODELS=true") &&
      error.message.includes("EMBEDDER=tfidf"),
  );
  await embedder.dispose();
});

Deno.test("the embed step is skipped when nothing changed", async () => {
  const p = await tempPipeline({
    MOVIELENS_DIR: FIXTURE_DATASET,
    EMBEDDER: "tfidf",
  });
  assert.equal((await embedStep(p)).skipped, false);
  assert.equal((await embedStep(p)).skipped, true);
  assert.equal(
    (await embedStep(p, { force: true })).detail,
    "0 movies embedded with tfidf, 12 unchanged, 0 pruned",
  );
  await p.close();
});

Deno.test("a sharded run embeds its part and leaves load and precompute to one task", async () => {
  const p = await tempPipeline({
    MOVIELENS_DIR: FIXTURE_DATASET,
    EMBEDDER: "tfidf",
    CLOUD_RUN_TASK_COUNT: "3",
    CLOUD_RUN_TASK_INDEX: "2",
  });
  const results = await runPipeline(p);
  assert.deepEqual(results.map((r) => r.skipped), [
    true,
    false,
    true,
    true,
    true,
  ]);
  assert.match(results[2].detail, /^not run by shard 2 of 3/);
  assert.equal((await p.store.embeddings.hashes("tfidf")).size, 4);
  assert.equal(await p.store.movies.count(), 0);
  await p.close();
});

Deno.test("the embed step stores how to embed queries beside the vectors", async () => {
  const tfidf = await tempPipeline({
    MOVIELENS_DIR: FIXTURE_DATASET,
    EMBEDDER: "tfidf",
  });
  await embedStep(tfidf);
  const spec = await loadQueryEmbedding(tfidf.store.meta, "tfidf");
  assert.equal(spec?.model, "tfidf");
  if (spec?.model !== "tfidf") throw new Error("unreachable");
  const embedder = tfidfEmbedder(movies);
  assert.deepEqual(spec.vocabulary, embedder.vocabulary);
  await tfidf.close();

  const minilm = await tempPipeline({
    ...await tinyModelEnv(),
    MOVIELENS_DIR: FIXTURE_DATASET,
  });
  await embedStep(minilm);
  assert.deepEqual(await loadQueryEmbedding(minilm.store.meta, "minilm"), {
    model: "minilm",
    name: TINY_MODEL_NAME,
    dtype: "fp32",
  });
  await minilm.close();
});
